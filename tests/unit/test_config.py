from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load
from monitor.errors import UsageError


def test_environment_wins_over_file_which_wins_over_defaults(tmp_path: Path) -> None:
    (tmp_path / "newswatch.toml").write_text('mail_from = "file@example.org"\nmax_body_mb = 5\n')
    s = load({"NEWSWATCH_MAX_BODY_MB": "2"}, cwd=tmp_path)
    assert s.mail_from == "file@example.org" and s.origins["mail_from"].endswith("newswatch.toml")
    assert s.max_body_mb == 2.0 and s.origins["max_body_mb"] == "environment"
    assert s.fetch_timeout_s == 30.0 and s.origins["fetch_timeout_s"] == "default"


def test_secrets_are_masked() -> None:
    s = load({"NEWSWATCH_SMTP_URL": "smtp://user:hunter2@mail:25", "NEWSWATCH_WEB_TOKEN": "tok"}, cwd=Path("/"))
    shown = {v: text for v, text, _ in s.shown()}
    assert shown["NEWSWATCH_SMTP_URL"] == "smtp://user:***@mail:25"
    assert shown["NEWSWATCH_WEB_TOKEN"] == "***"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSWATCH_MAX_BODY_MB": "-1"}, "must be positive"),
        ({"NEWSWATCH_ALLOW_PRIVATE_NETWORKS": "maybe"}, "true or false"),
        ({"NEWSWATCH_DATABASE_URL": "mysql://x"}, "postgresql://"),
        ({"NEWSWATCH_CONFIG": "/nonexistent/newswatch.toml"}, "does not exist"),
    ],
)
def test_bad_values_are_usage_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load(env, cwd=Path("/"))


def test_unknown_keys_in_the_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "newswatch.toml").write_text('smtp = "x"\n')
    with pytest.raises(UsageError, match="unknown setting 'smtp'"):
        load({}, cwd=tmp_path)
