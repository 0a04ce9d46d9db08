"""Settings that would break later are refused when they are read, and a busy port is a clear
failure: every command exits 0, 1 or 2 with one line on stderr."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSWATCH_MAX_BODY_MB", "inf"),
        ("NEWSWATCH_MAX_BODY_MB", "nan"),
        ("NEWSWATCH_MAX_BODY_MB", "1e-9"),
        ("NEWSWATCH_HOST_DELAY_S", "inf"),
    ],
)
def test_a_setting_out_of_range_stops_poll_at_load(cli: Cli, variable: str, value: str) -> None:
    cli("init")
    result = cli("poll", expect=2, **{variable: value})
    assert result.stderr.count("\n") == 1 and f"{variable}: must be from" in result.stderr, result.stderr


def test_a_binary_config_file_is_one_line_and_exit_2(cli: Cli) -> None:
    (cli.home / "newswatch.toml").write_bytes(bytes(range(256)))
    result = cli("config", expect=2)
    assert "not UTF-8 text" in result.stderr and result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize("command", [("web",), ("run",)])
def test_a_busy_port_is_refused_before_serving(cli: Cli, command: tuple[str, ...]) -> None:
    cli("init")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = cli(*command, "--port", port, expect=2)
    assert "cannot listen on 127.0.0.1:" in result.stderr and "serving" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
