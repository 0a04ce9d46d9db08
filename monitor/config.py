"""The one table of settings: every setting once, with its type, default, check and help.

Effective value = environment variable, else `newswatch.toml` (in the working folder, or the file
named by NEWSWATCH_CONFIG), else the default. `newswatch config` prints them, secrets masked.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from monitor import __version__
from monitor.errors import UsageError


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _number(kind: Callable[[str], Any], low: float, high: float, unit: str = "") -> Callable[[str], Any]:
    """A finite number from `low` to `high`: inf and nan crashed or hung a poll, and a tiny cap
    (1e-9 MiB) became 0 bytes, which Scrapy takes for "no cap"."""

    def parse(raw: str) -> Any:
        try:
            value = kind(raw.strip())
        except ValueError:
            raise ValueError(f"not a {'whole ' if kind is int else ''}number: {raw!r}") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"must be from {low:g} to {high:g}{unit}, got {raw!r}")
        return value

    return parse


def _workers(raw: str) -> int | str:
    """A number of processes, or "auto": one per core this process may run on."""
    if raw.strip().lower() == "auto":
        return "auto"
    return _number(int, 0, 64)(raw)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def _line(raw: str) -> str:
    """One line of printable text (it goes into HTTP headers)."""
    if not raw.strip() or any(not ch.isprintable() for ch in raw):
        raise ValueError(f"must be one line of printable text, got {raw!r}")
    return raw.strip()


def _hosts(raw: str) -> tuple[str, ...] | None:
    hosts = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
    for host in hosts:
        if not re.fullmatch(r"(\*\.)?[a-z0-9.-]+|\[[0-9a-f:.]+\]|\*", host):
            raise ValueError(f"not a host name (like news.example.org, 127.0.0.1 or [::1]): {host!r}")
    return hosts or None


def _url(*schemes: str) -> Callable[[str], str | None]:
    def parse(raw: str) -> str | None:
        if not raw:
            return None
        try:
            parts = urlsplit(raw)
            parts.port  # noqa: B018  (a port out of range raises here)
        except ValueError:
            raise ValueError(f"not a URL: {mask_url(raw)!r}") from None
        if parts.scheme not in schemes or not (parts.hostname or parts.scheme.startswith("postgres")):
            raise ValueError(f"must start with {' or '.join(s + '://' for s in schemes)}, got {mask_url(raw)!r}")
        return raw

    return parse


def _text(raw: str) -> str | None:
    return raw or None


_SPAN_UNITS = {"m": 60, "h": 3600, "d": 86400}


def _span(raw: str) -> timedelta:
    text = raw.strip().lower()
    if len(text) < 2 or text[-1] not in _SPAN_UNITS or not text[:-1].isdigit() or int(text[:-1]) <= 0:
        raise ValueError(f"expected a positive span such as 90m, 12h or 3d, got {raw!r}")
    return timedelta(seconds=int(text[:-1]) * _SPAN_UNITS[text[-1]])


def _spans(raw: str) -> tuple[int, ...]:
    """A schedule like "1h,6h,24h,3d,7d" in seconds, ascending; "off" or "" for none."""
    if raw.strip().lower() in ("", "off", "none"):
        return ()
    try:
        found = [int(_span(part).total_seconds()) for part in raw.split(",")]
    except ValueError:
        raise ValueError(f"expected spans like 1h,6h,24h,3d,7d (m, h or d), got {raw!r}") from None
    if found != sorted(set(found)):
        raise ValueError(f"spans must grow from one to the next, got {raw!r}")
    return tuple(found)


@dataclass(frozen=True)
class Setting:
    name: str  # attribute name; the variable is NEWSWATCH_<NAME>, the toml key is <name>
    parse: Callable[[str], Any]
    default: Any
    help: str
    secret: bool = False

    @property
    def env(self) -> str:
        return "NEWSWATCH_" + self.name.upper()


DEFAULT_USER_AGENT = f"Newswatch/{__version__} (+https://github.com/newswatch/newswatch)"

SETTINGS: tuple[Setting, ...] = (
    Setting("home", _line, "./.newswatch", "folder for the embedded database, outbox and logs"),
    Setting(
        "database_url",
        _url("postgresql", "postgres"),
        None,
        "postgresql://… of an existing server; unset: embedded PostgreSQL under NEWSWATCH_HOME/pg",
        secret=True,
    ),
    Setting(
        "smtp_url",
        _url("smtp", "smtps"),
        None,
        "smtp://user:pass@host:port (STARTTLS when offered), smtps://… for implicit TLS; "
        "unset: digests are written as .eml files to NEWSWATCH_HOME/outbox/",
        secret=True,
    ),
    Setting("mail_from", str, "newswatch@localhost", "sender address of the digests"),
    Setting(
        "web_token",
        _text,
        None,
        "bearer token required for every write through the web UI/API; unset: writes only from loopback",
        secret=True,
    ),
    Setting("user_agent", _line, DEFAULT_USER_AGENT, "User-Agent for every fetch"),
    Setting(
        "allow_private_networks",
        _bool,
        False,
        "allow sources on loopback and private addresses (tests, intranets); also checked after redirects",
    ),
    Setting(
        "max_body_mb", _number(float, 0.01, 1024, " MiB"), 15.0, "per-response cap in MiB, counted after decompression"
    ),
    Setting("fetch_timeout_s", _number(float, 1, 600, " s"), 30.0, "deadline for one HTTP request, in seconds"),
    Setting(
        "secret_key",
        _text,
        None,
        "key that signs unsubscribe links; unset: one is generated once and kept in the database for every worker",
        secret=True,
    ),
    Setting(
        "base_url",
        _url("http", "https"),
        "http://127.0.0.1:8000",
        "public address of the web app, used in the links of digests (unsubscribe)",
    ),
    Setting(
        "allowed_hosts",
        _hosts,
        None,
        "host names the web app answers to, comma-separated (a `Host` header naming another is refused); "
        "without NEWSWATCH_WEB_TOKEN, writes are accepted only from loopback through these; "
        "unset: 127.0.0.1, localhost, [::1] and the host of NEWSWATCH_BASE_URL",
    ),
    Setting(
        "templates",
        _text,
        None,
        "folder of your own digest.html / digest.txt templates (run sandboxed); unset: the built-in ones",
    ),
    Setting(
        "seeds",
        _text,
        None,
        "folder of your own watch, laid out like the built-in one (articles.toml with the seed articles, "
        "sources.toml, keywords.toml, aliases.toml), loaded by `newswatch init`; unset: the built-in election watch",
    ),
    Setting(
        "host_delay_s",
        _number(float, 0, 60, " s"),
        0.5,
        "pause between two requests to the same host, in seconds (at most 2 at once per host)",
    ),
    Setting(
        "poll_tick_s",
        _number(float, 0.5, 3600, " s"),
        15.0,
        "how often a worker looks for sources whose poll is due (and articles whose re-check is due), in seconds",
    ),
    Setting(
        "lease_s",
        _number(float, 1, 86400, " s"),
        120.0,
        "how long a worker's claim on a source's poll or a digest's send lasts unless renewed (a live "
        "worker renews it); a dead worker's work passes to another after this",
    ),
    Setting(
        "extract_workers",
        _workers,
        "auto",
        "processes that understand article pages (extraction, fingerprints, story terms; each holds ~200 MB); "
        "auto: one per core; 0 does it in threads of the poller",
    ),
    Setting(
        "new_within",
        _span,
        timedelta(days=3),
        "an article is news (digests, new counts) only if published within this span before it was first seen "
        "(90m, 12h, 3d); older ones (a backfill, a sitemap's archive) are stored and searchable, never told as new",
    ),
    Setting(
        "evidence_days",
        _number(int, 0, 36500, " days (0 keeps it forever)"),
        0,
        "drop the raw captures (WARC records) and response headers of fetches made more than N days ago; "
        "0 keeps them forever",
    ),
    Setting(
        "warc_dir",
        _text,
        None,
        "folder of the raw captures (WARC/1.1 files, gzip per record); unset: NEWSWATCH_HOME/warc",
    ),
    Setting(
        "recheck",
        _spans,
        _spans("1h,6h,24h,3d,7d"),
        "when each article is fetched again after it was first seen, to catch edits and takedowns "
        "(m, h, d; off: never)",
    ),
    Setting(
        "spike_floor",
        _number(int, 1, 1_000_000),
        10,
        "a keyword's hour is a spike only with at least this many matches (so a quiet keyword does not alarm on 3)",
    ),
    Setting(
        "spike_factor",
        _number(float, 1, 1000),
        3.0,
        "and with at least this many times its baseline: the median of the same hour over the 7 days before",
    ),
    Setting(
        "silence_gaps",
        _number(float, 1, 1000),
        4.0,
        "a source is silent when nothing new was stored for this many of its usual gaps (the median gap between "
        "its articles over 14 days) while its polls still succeed",
    ),
)


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, for messages and `newswatch config`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[1]}"))


class Settings:
    """Effective settings; attribute access by setting name (`settings.smtp_url`)."""

    def __init__(self, values: Mapping[str, Any], origins: Mapping[str, str]):
        self._values = dict(values)
        self.origins = dict(origins)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def trusted_hosts(self) -> tuple[str, ...]:
        """The host names the web app answers to (NEWSWATCH_ALLOWED_HOSTS, or its default)."""
        if self._values.get("allowed_hosts"):
            return tuple(self._values["allowed_hosts"])
        own = (urlsplit(self._values["base_url"]).hostname or "").lower()
        return tuple(
            dict.fromkeys(["127.0.0.1", "localhost", "[::1]", *([f"[{own}]" if ":" in own else own] if own else [])])
        )

    @property
    def home_path(self) -> Path:
        return Path(self._values["home"]).expanduser().resolve()

    @property
    def warc_path(self) -> Path:
        """Where the WARC files of raw captures live."""
        if self._values.get("warc_dir"):
            return Path(self._values["warc_dir"]).expanduser().resolve()
        return self.home_path / "warc"

    def shown(self) -> list[tuple[str, str, str]]:
        """(variable, value as shown, origin) for every setting, secrets masked."""
        rows = []
        for s in SETTINGS:
            value = self._values[s.name]
            if value is None:
                text = "(unset)"
            elif s.secret:
                text = mask_url(value) if "://" in str(value) else "***"
            else:
                text = str(value).lower() if isinstance(value, bool) else _show(value)
            rows.append((s.env, text, self.origins[s.name]))
        return rows


def _show(value: Any) -> str:
    if isinstance(value, tuple):  # a schedule of spans, as it is written
        return (
            ",".join(
                f"{v // 86400}d"
                if v % 86400 == 0 and v >= 172800
                else f"{v // 3600}h"
                if v % 3600 == 0
                else f"{v // 60}m"
                for v in value
            )
            or "off"
        )
    return str(value)


def load(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Read the environment, then newswatch.toml, then defaults. Bad values are usage errors."""
    env = os.environ if environ is None else environ
    config_file = (
        Path(env["NEWSWATCH_CONFIG"]) if env.get("NEWSWATCH_CONFIG") else (cwd or Path.cwd()) / "newswatch.toml"
    )
    file_values: dict[str, Any] = {}
    if config_file.exists():
        try:
            file_values = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise UsageError(f"config: cannot read {config_file}: not UTF-8 text (a TOML file is)") from None
        except (OSError, tomllib.TOMLDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise UsageError(f"config: cannot read {config_file}: {reason}") from None
        known = {s.name for s in SETTINGS}
        unknown = sorted(set(file_values) - known)
        if unknown:
            raise UsageError(f"config: unknown setting {unknown[0]!r} in {config_file}")
    elif env.get("NEWSWATCH_CONFIG"):
        raise UsageError(f"config: NEWSWATCH_CONFIG names {config_file}, which does not exist")

    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for s in SETTINGS:
        if s.env in env:
            raw, origin = env[s.env], "environment"
        elif s.name in file_values:
            raw, origin = str(file_values[s.name]), str(config_file)
        else:
            values[s.name], origins[s.name] = s.default, "default"
            continue
        try:
            values[s.name] = s.parse(raw)
        except ValueError as exc:
            raise UsageError(f"config: {s.env}: {exc}") from exc
        origins[s.name] = origin
    return Settings(values, origins)
