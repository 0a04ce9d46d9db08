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
        ({"NEWSWATCH_MAX_BODY_MB": "-1"}, "NEWSWATCH_MAX_BODY_MB: must be from 0.01 to 1024 MiB"),
        ({"NEWSWATCH_MAX_BODY_MB": "inf"}, "NEWSWATCH_MAX_BODY_MB: must be from"),
        ({"NEWSWATCH_MAX_BODY_MB": "nan"}, "NEWSWATCH_MAX_BODY_MB: must be from"),
        ({"NEWSWATCH_MAX_BODY_MB": "1e-9"}, "NEWSWATCH_MAX_BODY_MB: must be from"),  # 0 bytes: no cap to Scrapy
        ({"NEWSWATCH_HOST_DELAY_S": "inf"}, "NEWSWATCH_HOST_DELAY_S: must be from 0 to 60 s"),
        ({"NEWSWATCH_FETCH_TIMEOUT_S": "0"}, "NEWSWATCH_FETCH_TIMEOUT_S: must be from 1"),
        ({"NEWSWATCH_POLL_TICK_S": "-inf"}, "NEWSWATCH_POLL_TICK_S: must be from"),
        ({"NEWSWATCH_LEASE_S": "1e400"}, "NEWSWATCH_LEASE_S: must be from"),
        ({"NEWSWATCH_EXTRACT_WORKERS": "1000"}, "NEWSWATCH_EXTRACT_WORKERS: must be from 0 to 64"),
        ({"NEWSWATCH_EXTRACT_WORKERS": "two"}, "NEWSWATCH_EXTRACT_WORKERS: not a whole number"),
        ({"NEWSWATCH_EVIDENCE_DAYS": "-1"}, "NEWSWATCH_EVIDENCE_DAYS: must be from 0"),
        ({"NEWSWATCH_USER_AGENT": "Newswatch\r\nX-Injected: 1"}, "NEWSWATCH_USER_AGENT: must be one line"),
        ({"NEWSWATCH_BASE_URL": "http://"}, "NEWSWATCH_BASE_URL: must start with http://"),
        ({"NEWSWATCH_BASE_URL": "http://x:99999/"}, "NEWSWATCH_BASE_URL: not a URL"),
        ({"NEWSWATCH_ALLOWED_HOSTS": "evil example"}, "NEWSWATCH_ALLOWED_HOSTS: not a host name"),
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


def test_a_binary_file_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "newswatch.toml").write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(UsageError, match=r"cannot read .*newswatch.toml: not UTF-8 text") as caught:
        load({}, cwd=tmp_path)
    assert "\n" not in str(caught.value)


def test_out_of_range_values_in_the_file_name_the_variable(tmp_path: Path) -> None:
    (tmp_path / "newswatch.toml").write_text("host_delay_s = inf\n")
    with pytest.raises(UsageError, match="NEWSWATCH_HOST_DELAY_S: must be from 0 to 60 s, got 'inf'"):
        load({}, cwd=tmp_path)


def test_allowed_hosts_default_to_loopback_and_the_base_url() -> None:
    assert load({}, cwd=Path("/")).trusted_hosts == ("127.0.0.1", "localhost", "[::1]")
    given = load({"NEWSWATCH_BASE_URL": "https://News.Example.org:8443/nw"}, cwd=Path("/"))
    assert given.trusted_hosts == ("127.0.0.1", "localhost", "[::1]", "news.example.org")
    chosen = load({"NEWSWATCH_ALLOWED_HOSTS": "watch.example.org, 10.0.0.5"}, cwd=Path("/"))
    assert chosen.trusted_hosts == ("watch.example.org", "10.0.0.5")
