"""news-please 1.6.16 against Newswatch on the same generated site, in the same run (issue 16).

The site is bench/ingest.py's (its `serve`: 100 outlets, each on its own loopback address with a
feed.rss, article pages and a robots.txt), plus a home page per outlet that names the feed in a
`<link rel="alternate" type="application/rss+xml">`: news-please's RssCrawler starts from a site's
home page and finds the feed there, and has no way to be given a feed URL.

1. news-please, from PyPI into a venv of its own (.cache/newsplease-venv, made once), runs its
   RssCrawler over the outlets with JSON file output, from a config.cfg and sitelist.hjson written
   to a temporary directory. Measured: wall time from its launch to the last article file written
   (its launcher then waits up to 10 s more before it exits: that is printed, not counted), the
   articles written, CPU per article of its whole process tree (RUSAGE_CHILDREN: the launcher and
   the crawler process it starts for each site), and peak RSS (the largest process, and the sum
   over the tree, sampled every 0.2 s from /proc).
2. Newswatch on a fresh copy of the same site: bench/ingest.py as a subprocess with the same
   --outlets and --articles (its own server process and database), and its figures parsed.

Then both figures and the ratios, Newswatch / news-please. Target (issue 16): ≥ 4× the articles/s.

news-please settings, chosen to be fair to it (everything else is its default config.cfg):
- RssCrawler for every site, every feed item accepted: the heuristics are only
  `crawler_contains_only_article_alikes` (its default, `og_type and ...`, would drop the generated
  pages: they have no og:type; Newswatch stores every feed item too).
- CONCURRENT_REQUESTS_PER_DOMAIN = 2 (Newswatch's per-host concurrency), DOWNLOAD_DELAY = 0 and no
  AutoThrottle (bench/ingest.py runs with NEWSWATCH_HOST_DELAY_S=0), ROBOTSTXT_OBEY kept (Newswatch
  reads robots.txt too); number_of_parallel_crawlers = 5, its default (one site per process, five
  processes at a time: more than enough for 2 cores; --parallel-crawlers to change it).
- Pipelines: ArticleMasterExtractor (its default four extractors: newspaper, readability, date,
  langdetect) then JsonFileStorage only: no HtmlFileStorage, no Elasticsearch, PostgreSQL, MySQL or
  Redis. LOG_LEVEL = WARNING (its INFO logs a line per request to the terminal).
- No internet: every URL is on loopback, and tldextract (under newspaper4k) is told to use its
  bundled public suffix list (TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS empty) instead of fetching one.

What the ratio is made of: news-please starts one Python process per site (its single_crawler.py:
Scrapy, newspaper4k, readability, langdetect imported anew), about 2 s of CPU each, then spends
about 36 ms of CPU per article (5 outlets with 1 and with 40 articles each, on this machine); so
with 20 articles per outlet most of its CPU is those starts, and with many more articles per site
the two come closer. bench/ingest.py starts its clock after its extract processes are warm; the
news-please clock runs from its launch, as a run of it always starts its processes.

news-please 1.6.16 installs from PyPI as it is (no pin needed here, with Scrapy 2.19, newspaper4k
0.9.6, lxml 6.1). It imports distutils, so its venv is made from Python 3.11 (as this one is).

    .venv/bin/python bench/newsplease.py [--outlets 100] [--articles 2000] [--parallel-crawlers 5]
"""

from __future__ import annotations

import argparse
import configparser
import json
import multiprocessing
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest  # noqa: E402  (bench/ingest.py: the generated site)

ROOT = ingest.ROOT
VERSION = "1.6.16"
VENV = ROOT / ".cache" / "newsplease-venv"
HOME = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Outlet</title>'
    b'<link rel="alternate" type="application/rss+xml" title="Latest" href="/feed.rss"></head>'
    b'<body><a href="/feed.rss">Latest</a></body></html>'
)


def venv() -> Path:
    """The news-please venv, made and installed from PyPI the first time."""
    stamp = VENV / f".installed-{VERSION}"
    if not stamp.exists():
        print(f"installing news-please=={VERSION} into {VENV.relative_to(ROOT)} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        for wanted in (["--upgrade", "pip"], [f"news-please=={VERSION}"]):
            done = subprocess.run([*pip, *wanted], capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"pip install {' '.join(wanted)} failed:\n{done.stdout}{done.stderr}")
        stamp.touch()
    return VENV / "bin"


class HomePageServer(ThreadingHTTPServer):
    """bench/ingest.py's outlet server, answering / with a home page that links the feed."""

    def __init__(self, address: Any, handler: Any) -> None:
        class Home(handler):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/":
                    return self.reply(200, "text/html; charset=utf-8", HOME)
                super().do_GET()

        super().__init__(address, Home)


def serve(*args: Any) -> None:
    """ingest.serve, with home pages (in the server process only: ingest.py itself is unchanged)."""
    ingest.ThreadingHTTPServer = HomePageServer  # type: ignore[misc]
    ingest.serve(*args)


def write_config(folder: Path, bases: list[str], parallel: int) -> None:
    """config.cfg (from news-please's own default, a few settings changed) and sitelist.hjson."""
    python = f"python{sys.version_info.major}.{sys.version_info.minor}"
    default = VENV / "lib" / python / "site-packages" / "newsplease" / "config" / "config.cfg"
    cfg = configparser.RawConfigParser()
    cfg.optionxform = str  # type: ignore[assignment, method-assign]  # keep Scrapy's upper-case names
    cfg.read(default)
    changes = {
        "Crawler": {"default": "RssCrawler", "number_of_parallel_crawlers": str(parallel)},
        "Heuristics": {
            "enabled_heuristics": '{"crawler_contains_only_article_alikes": True}',
            "pass_heuristics_condition": '"crawler_contains_only_article_alikes"',
        },
        "Files": {"working_path": str(folder / "work")},
        "Scrapy": {
            "LOG_LEVEL": "WARNING",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
            "DOWNLOAD_DELAY": "0",
            "AUTOTHROTTLE_ENABLED": "False",
            "ROBOTSTXT_OBEY": "True",
            "ITEM_PIPELINES": "{'newsplease.pipeline.pipelines.ArticleMasterExtractor': 100,"
            " 'newsplease.pipeline.pipelines.JsonFileStorage': 300}",
        },
    }
    for section, values in changes.items():
        for key, value in values.items():
            cfg.set(section, key, value)
    with open(folder / "config.cfg", "w") as f:
        cfg.write(f)
    sites = {"base_urls": [{"url": base + "/", "crawler": "RssCrawler"} for base in bases]}
    (folder / "sitelist.hjson").write_text(json.dumps(sites, indent=1))


def tree(root: int) -> list[int]:
    """root and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def memory(pid: int) -> tuple[float, float]:
    """RSS and peak RSS (VmHWM) of a process in MiB, from /proc; 0 for one gone."""
    found = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line[:6] in found:
                found[line[:6]] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found["VmRSS:"], found["VmHWM:"]


def run_newsplease(args: argparse.Namespace) -> dict[str, Any]:
    """news-please's RssCrawler over a freshly served site; its figures."""
    bin_dir = venv()
    sent, body_sent = multiprocessing.Value("q", 0), multiprocessing.Value("q", 0)
    receiver, sender = multiprocessing.Pipe(duplex=False)
    february = multiprocessing.Value("i", 2)  # the articles bench/ingest.py measures (not its archive)
    server = multiprocessing.Process(
        target=serve, args=(args.outlets, args.per_feed, sent, body_sent, sender, february)
    )
    server.daemon = True
    server.start()
    bases = receiver.recv()
    folder = Path(tempfile.mkdtemp(prefix="newsplease-"))
    try:
        result = crawl(bin_dir, folder, bases, args.parallel_crawlers)
    finally:
        server.terminate()
        server.join()
        if args.keep:
            print(f"news-please's config, log and JSON files: {folder}")
        else:
            shutil.rmtree(folder)
    return result


def crawl(bin_dir: Path, folder: Path, bases: list[str], parallel: int) -> dict[str, Any]:
    """One news-please run over `bases`, in `folder`: what it wrote, its time, CPU and memory."""
    write_config(folder, bases, parallel)
    env = dict(os.environ, TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="", TLDEXTRACT_CACHE=str(folder / "tld"))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(name, None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    with open(folder / "news-please.log", "wb") as log:
        proc = subprocess.Popen(
            [str(bin_dir / "news-please"), "-c", str(folder), "-no-confirm"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        peaks: dict[int, float] = {}  # each process's VmHWM
        peak_sum = 0.0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_sum
            while not stop.wait(0.2):
                now = {pid: memory(pid) for pid in tree(proc.pid)}
                peak_sum = max(peak_sum, sum(rss for rss, _ in now.values()))
                for pid, (_, hwm) in now.items():
                    peaks[pid] = max(peaks.get(pid, 0.0), hwm)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        proc.wait()
        total = time.time() - start
        stop.set()
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    files = list((folder / "work" / "data").rglob("*.json"))  # not the Scrapy JOBDIR's state
    urls, texts = set(), 0
    for path in files:
        item = json.loads(path.read_text())
        urls.add(item.get("url"))
        texts += bool(item.get("maintext"))
    last = max((p.stat().st_mtime for p in files), default=start)
    lines = (folder / "news-please.log").read_text(errors="replace").splitlines()
    return {
        "written": len(files),
        "urls": len(urls),
        "texts": texts,
        "wall": last - start,
        "total": total,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rc": proc.returncode,
        "processes": len(peaks),
        "peak_one": max(peaks.values(), default=0.0),
        "peak_sum": peak_sum,
        "log": lines,
    }


def run_newswatch(args: argparse.Namespace) -> tuple[float, float, float, str]:
    """bench/ingest.py as it is, on its own fresh site and database; its articles/s and CPU per article."""
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "ingest.py"),
            "--outlets",
            str(args.outlets),
            "--articles",
            str(args.articles),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = re.search(r"end to end: ([\d.]+) articles/s", out)
    cpu = re.search(r"CPU per article in all: ([\d.]+) ms.*PostgreSQL backends ([\d.]+) ms more", out)
    if not rate or not cpu:
        sys.exit(f"bench/ingest.py printed no 'end to end' or 'CPU per article in all' line:\n{out}")
    return float(rate[1]), float(cpu[1]), float(cpu[2]), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outlets", type=int, default=100, help="outlets, each with its feed and host (default 100)")
    ap.add_argument("--articles", type=int, default=2000, help="articles in all, shared by the outlets (default 2000)")
    ap.add_argument(
        "--parallel-crawlers", type=int, default=5, help="news-please's number_of_parallel_crawlers (default 5)"
    )
    ap.add_argument("--keep", action="store_true", help="keep news-please's config, log and JSON files")
    ap.add_argument("--no-newswatch", action="store_true", help="run news-please only (no bench/ingest.py, no ratio)")
    args = ap.parse_args()
    args.per_feed = max(args.articles // args.outlets, 1)
    expected = args.per_feed * args.outlets

    np = run_newsplease(args)
    rate = np["written"] / max(np["wall"], 1e-9)
    per = 1000 * np["cpu"] / max(np["written"], 1)
    print(f"news-please {VERSION} (RssCrawler, JSON files), {args.outlets} outlets, {expected} articles in the feeds:")
    print(
        f"  articles written: {np['written']} ({np['urls']} distinct URLs, {np['texts']} with a main text);"
        f" exit status {np['rc']}"
    )
    print(
        f"  end to end: {rate:.1f} articles/s ({np['wall']:.1f} s from launch to the last article written;"
        f" it exited after {np['total']:.1f} s)"
    )
    print(
        f"  CPU per article in all: {per:.2f} ms ({np['cpu']:.1f} s CPU, launcher and its crawler processes:"
        f" {np['processes']} seen)"
    )
    print(f"  peak RSS: {np['peak_one']:.0f} MiB in the largest process; {np['peak_sum']:.0f} MiB in all at once")
    # its log at WARNING holds a deprecation warning or two per process (nltk missing, Scrapy's
    # process_item(spider)); errors are what matter
    errors = [line for line in np["log"] if re.search(r"\|(ERROR|CRITICAL)\]|Traceback", line)]
    print(f"  errors in its log: {len(errors)} (of {len(np['log'])} lines at WARNING and above)")
    for line in errors[:5]:
        print(f"    {line[:200]}")

    if args.no_newswatch:
        return
    nw_rate, nw_cpu, nw_db, out = run_newswatch(args)
    print("Newswatch (bench/ingest.py, same --outlets and --articles):")
    for line in out.splitlines():
        if line.startswith("full round") or "end to end" in line or "CPU per article in all" in line:
            print(f"  {line.strip()}")
    print("Newswatch / news-please:")
    print(f"  articles/s: {nw_rate:.1f} / {rate:.1f} = {nw_rate / max(rate, 1e-9):.2f}x (target >= 4x)")
    print(
        f"  CPU per article: {nw_cpu:.2f} / {per:.2f} ms = {nw_cpu / max(per, 1e-9):.3f}"
        f" (news-please uses {per / max(nw_cpu, 1e-9):.1f}x the CPU);"
        f" with PostgreSQL's backends {nw_cpu + nw_db:.2f} ms = {(nw_cpu + nw_db) / max(per, 1e-9):.3f}"
    )


if __name__ == "__main__":
    main()
