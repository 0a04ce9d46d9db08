"""The evidence of one article on the web: its versions (a text view of each, with what changed),
the raw page of each capture and the article's captures as WARC, both served as downloads only.

A raw page is the outlet's HTML: rendered on our origin it could run the outlet's script with our
cookies. So it is sent as `application/octet-stream` with `Content-Disposition: attachment`, a
`sandbox` Content-Security-Policy and `nosniff`: a browser saves it and never renders it here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from psycopg import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor.evidence import diff, warc
from monitor.evidence.export import checked
from monitor.store import evidence
from monitor.web import params
from monitor.web.errors import NotFound
from monitor.web.render import render

DOWNLOAD_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-transform",
}


def _links(article_id: int, v: dict[str, Any]) -> dict[str, Any]:
    v["view"] = f"/articles/{article_id}/versions/{v['n']}"
    v["capture"] = f"/articles/{article_id}/versions/{v['n']}/raw" if v["warc_file"] else None
    return v


async def versions(conn: AsyncConnection[Any], article_id: int) -> list[dict[str, Any]]:
    """Every version with its links, and for a change the pieces of its diff against the one before."""
    rows = [_links(article_id, v) for v in await evidence.versions(conn, article_id)]
    for before, v in zip(rows, rows[1:], strict=False):
        ops = v["diff"] or {}
        v["title_pieces"] = diff.segments(before["title"], ops["title"]) if ops.get("title") else []
        v["text_pieces"] = diff.trimmed(diff.segments(before["text"], ops["text"])) if ops.get("text") else []
    return rows


def api_versions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Versions as GET /api/articles/{id} gives them (no texts: the text view has them)."""
    out = []
    for v in rows:
        ops = v["diff"] or {}
        out.append(
            {
                "n": v["n"],
                "fetched_at": v["fetched_at"],
                "sha256": v["sha256"],
                "status": v["status"],
                "changed": v["changed"],
                "removed": v["removed"],
                "why": v["why"],
                "title": v["title"],
                "final_url": v["final_url"],
                "payload_digest": v["payload_digest"],
                "diff": diff.changes([*ops.get("title", []), *ops.get("text", [])]),
                "capture": v["capture"],
                "view": v["view"],
            }
        )
    return out


def _ids(request: Request) -> tuple[int, int]:
    article_id = params.number(request.path_params["id"], "id", 0, 1, 2**63 - 1)
    n = params.number(request.path_params["n"], "version", 0, 1, 2**31 - 1)
    return article_id, n


async def version_page(request: Request) -> Response:
    article_id, n = _ids(request)
    async with request.app.state.pool.connection() as conn:
        rows = await versions(conn, article_id)
    chosen = next((v for v in rows if v["n"] == n), None)
    if chosen is None:
        raise NotFound(f"no version {n} of article {article_id}")
    return render(request, "version.html", {"article_id": article_id, "v": chosen, "count": len(rows)})


def download(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="application/octet-stream",
        headers={**DOWNLOAD_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def raw_page(request: Request) -> Response:
    """The page of one capture as the outlet served it (content encoding undone), as a download."""
    article_id, n = _ids(request)
    async with request.app.state.pool.connection() as conn:
        rows, _ = await evidence.captures(conn, [article_id])
    row = next((r for r in rows if r["n"] == n and r["warc_file"]), None)
    if row is None:
        raise NotFound(f"no capture of version {n} of article {article_id}")
    folder = request.app.state.settings.warc_path
    data = await asyncio.to_thread(checked, folder, row)
    page = await asyncio.to_thread(warc.final_page, data)
    return download(page, f"newswatch-article-{article_id}-v{n}.html")


async def article_warc(request: Request) -> Response:
    """Every capture of the article as one WARC file (what `evidence export ID` writes)."""
    article_id = params.number(request.path_params["id"], "id", 0, 1, 2**63 - 1)
    async with request.app.state.pool.connection() as conn:
        rows, unknown = await evidence.captures(conn, [article_id])
    kept = [r for r in rows if r["warc_file"]]
    if unknown or not kept:
        raise NotFound(f"no capture of article {article_id}")
    folder = request.app.state.settings.warc_path
    parts = [await asyncio.to_thread(checked, folder, r) for r in kept]
    name = f"newswatch-article-{article_id}.warc.gz"
    return download(warc.warcinfo(name) + b"".join(parts), name)


routes = [
    Route("/articles/{id}/versions/{n}", version_page, methods=["GET"]),
    Route("/articles/{id}/versions/{n}/raw", raw_page, methods=["GET"]),
    Route("/articles/{id}/evidence.warc.gz", article_warc, methods=["GET"]),
]
