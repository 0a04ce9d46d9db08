"""Docs are a tested artefact: every setting is in the README, with its variable name."""

from pathlib import Path

from monitor.config import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in README]
    assert not missing, f"settings missing from README.md: {missing}"


def test_the_readme_shows_the_quick_start_commands() -> None:
    assert "make run" in README and "make test" in README
