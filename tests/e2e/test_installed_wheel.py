"""Newswatch as a plain (not editable) install: the project's wheel, built from a copy of the source
tree, installed into a fresh virtual environment outside it, runs `init` (the built-in watch is
package data), `seeds list` and a poll that finds a copy of the built-in seed.

The new environment borrows this one's dependencies (a .pth line naming its site-packages: a path
line is not searched for .pth files, so this checkout's editable install stays out of it) and gets
only the wheel itself, so the test takes seconds, not a download of every dependency."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.site.server import Site

SHIPPED = ("pyproject.toml", "README.md", "monitor", "spiders", "alerts")


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), capture_output=True, text=True, timeout=300, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result


def test_the_wheel_installed_elsewhere_inits_lists_its_seed_and_flags_a_copy(
    tmp_path: Path, database_url: str, site: Site
) -> None:
    started = time.monotonic()
    source = tmp_path / "source"
    source.mkdir()
    for name in SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(source))
    [wheel] = dist.glob("newswatch-*.whl")

    env_dir = tmp_path / "installed"
    run(sys.executable, "-m", "venv", "--without-pip", str(env_dir))
    python = env_dir / "bin" / "python"
    purelib = run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    deps = [p for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]} if Path(p).is_dir()]
    (Path(purelib) / "borrowed-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel))
    installed = time.monotonic() - started

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "PYTHON"))}
    env.update(
        NEWSWATCH_HOME=str(work / "home"),
        NEWSWATCH_DATABASE_URL=database_url,
        NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
        NEWSWATCH_HOST_DELAY_S="0",
        NEWSWATCH_NEW_WITHIN="3650d",
    )
    newswatch = str(env_dir / "bin" / "newswatch")
    where = run(str(python), "-c", "import monitor; print(monitor.__file__)", cwd=work, env=env).stdout
    assert where.startswith(purelib), where  # the wheel's copy, not this checkout

    assert "seeds loaded: 1 articles" in run(newswatch, "init", cwd=work, env=env).stdout
    listed = run(newswatch, "seeds", "list", cwd=work, env=env).stdout
    assert "SCO believes in fairness and transparency" in listed and "Trend" in listed
    run(newswatch, "sources", "add", "MENAFN", site.url("/dedup/menafn.rss"), "--lang", "en", cwd=work, env=env)
    polled = run(newswatch, "poll", "MENAFN", cwd=work, env=env).stdout
    assert "MENAFN: fetched 1, new 0, duplicates 1, errors 0" in polled
    assert run(newswatch, "seeds", "list", "--format", "jsonl", cwd=work, env=env).stdout.count('"copies": 1') == 1
    print(f"wheel built and installed in {installed:.1f} s, whole test {time.monotonic() - started:.1f} s")
