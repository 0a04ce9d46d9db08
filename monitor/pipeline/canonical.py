"""Canonical URLs: one key per article, whatever link led to it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say how a reader arrived, not what they read.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "igshid"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# Hosts that serve the same articles under another name. Trend's feed links point to www.trend.az
# while its English pages live on en.trend.az: one article, one key.
HOST_ALIASES = {"www.trend.az": "en.trend.az", "trend.az": "en.trend.az"}


def is_web_url(url: str) -> bool:
    """True for absolute http(s) URLs with a host: the only links Newswatch follows or shows."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname)


def canonicalise(url: str) -> str:
    """Lower-case scheme and host, default port and fragment dropped, tracking parameters removed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    host = HOST_ALIASES.get(host, host)
    netloc = host
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def _site(host: str) -> str:
    host = HOST_ALIASES.get(host, host)
    return host.removeprefix("www.")


def choose_key(final_url: str, declared: str | None) -> str:
    """The article's key: the page's own `rel=canonical` when it points into the same site (a page
    may not claim another site's article), else the URL it was fetched from; canonicalised."""
    key = canonicalise(final_url)
    if declared and is_web_url(declared):
        claimed = canonicalise(declared)
        if _site(urlsplit(claimed).hostname or "") == _site(urlsplit(key).hostname or ""):
            return claimed
    return key
