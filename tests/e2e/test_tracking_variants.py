"""1,000 `utm_*` variants of one link in a feed, and the same link in a second feed of the same
poll, are one page: canonicalised before fetching, it is fetched once."""

from __future__ import annotations

from tests.conftest import Cli
from tests.e2e.survival import add_feeds, publish
from tests.site.server import Site


def test_tracking_variants_are_fetched_once(cli: Cli, site: Site) -> None:
    (page,) = publish(site, "Tracked", 1)
    variants = "".join(
        f"<item><title>Tracked story</title><link>{site.url(page)}?utm_source=rss&amp;utm_medium={i}&amp;fbclid=x{i}"
        f"</link></item>"
        for i in range(1000)
    )
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tracked</title>{variants}</channel></rss>'
    site.overrides["/sv/Tracked.rss"] = (200, {"Content-Type": "application/rss+xml"}, rss.encode())
    publish(site, "Other", 0)
    other = f"<item><title>Tracked story</title><link>{site.url(page)}#top</link></item>"
    site.overrides["/sv/Other.rss"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Other</title>{other}</channel></rss>'.encode(),
    )
    add_feeds(cli, site, ["Tracked", "Other"])
    out = cli("poll", "Tracked", "Other").stdout
    assert site.hits[page] == 1, (site.hits[page], out)
    # whichever feed is read first takes the page; the other does not fetch it again
    assert "Tracked: fetched 1, " in out and "Other: fetched 1, " in out, out
    assert sorted(line.split(", new ")[1][0] for line in out.splitlines()) == ["0", "1"], out
