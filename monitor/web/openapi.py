"""The OpenAPI 3.1 description of the JSON API, served at /openapi.json. Data only; kept beside the
handlers of monitor/web/api.py, and checked against them by schemathesis's conformance checks in
the tests. What a field accepts is drawn from the checks themselves (monitor.validate, the
patterns of monitor.web.params), so the description and the server refuse the same values; the
helpers below give every new route the same treatment (bounded ids, non-empty required strings,
409 for a name taken)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from monitor import __version__, validate
from monitor.store import channels, subscribers
from monitor.web import params

ERROR = {"$ref": "#/components/schemas/Error"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}  # a PostgreSQL bigint
TEXT = {"type": "string", "minLength": 1}  # required text: an empty string counts as missing
NAME = {"type": "string", "minLength": 1, "maxLength": validate.NAME_MAX, "pattern": validate.NAME_PATTERN}
DATE = {  # empty: no bound (what the search form sends)
    "type": "string",
    "pattern": f"^$|{params.DATE_PATTERN}",
    "description": "YYYY-MM-DD or an RFC 3339 date and time",
}
FLAG = {"type": "string", "enum": [*params.TRUE, *params.FALSE]}


def path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or TEXT}


def error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def ok(description: str, schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {
        status: {"description": description, "content": {"application/json": {"schema": schema}}},
        "400": error("malformed request"),
    }


def write(
    description: str, schema: dict[str, Any], status: str = "200", missing: bool = False, creates: bool = False
) -> dict[str, Any]:
    responses = ok(description, schema, status)
    responses["401"] = error("the web token is needed")
    responses["403"] = error("refused: cross-site, or not from loopback")
    if missing:
        responses["404"] = error("no such thing")
    if creates:
        responses["409"] = error("the name (or address) is taken")
    return responses


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def listing(key: str, item: str) -> dict[str, Any]:
    return obj([key], **{key: {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}})


DATE_SOURCE = {
    "type": ["string", "null"],
    "enum": ["page-meta", "feed", "url", "page-text", "fetched", None],
    "description": "how published_at was known: the page's markup, the feed, the URL, a date line in the page's"
    " text, or the fetch time (null: stored before this was kept, or a seed)",
}
ARTICLE_SUMMARY = obj(
    ["id", "url", "title", "source", "published_at", "keywords", "duplicate_of", "story_id", "snippet", "outlets"],
    id={"type": "integer"},
    url={"type": "string"},
    title={"type": "string"},
    source={"type": "string"},
    lang={"type": ["string", "null"]},
    published_at=NULLABLE_TIME,
    date_source=DATE_SOURCE,
    fetched_at={"type": "string", "format": "date-time"},
    keywords={"type": "array", "items": {"type": "string"}},
    duplicate_of={"type": ["integer", "null"]},
    seed_duplicate={"type": "boolean"},
    story_id={"type": ["integer", "null"]},
    snippet={"type": "string", "description": "text around the first match, matched words between asterisks"},
    outlets={"type": "integer", "description": "how many outlets carried the story"},
)
ARTICLE = {
    "type": "object",
    "required": ["id", "url", "title", "text", "story", "copies"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string"},
        "title": {"type": "string"},
        "text": {"type": "string"},
        "published_at": NULLABLE_TIME,
        "date_source": DATE_SOURCE,
        "final_url": {"type": ["string", "null"]},
        "raw_sha256": {"type": ["string", "null"]},
        "story": {"type": "array", "items": {"type": "object"}},
        "copies": {"type": "array", "items": {"type": "object"}},
        "versions": {
            "type": "array",
            "description": "every fetch that found it (the first, then re-checks that found an edit or a takedown)",
            "items": obj(
                ["n", "fetched_at", "sha256", "status", "changed"],
                n={"type": "integer"},
                fetched_at={"type": "string", "format": "date-time"},
                sha256={"type": ["string", "null"], "description": "SHA-256 of the page as served (decoded)"},
                status={"type": "integer", "description": "HTTP status of the final response"},
                changed={"type": "boolean", "description": "its title or text differ from the version before"},
                removed={"type": "boolean", "description": "this fetch found the article taken down"},
                why={"type": ["string", "null"]},
                diff={"type": "array", "description": "word-level: [{op: '-' or '+', words}]"},
                capture={"type": ["string", "null"], "description": "URL of the raw page as served (a download)"},
            ),
        },
        "removed_at": {**NULLABLE_TIME, "description": "when a re-check found it taken down; null while it stands"},
        "edited_at": NULLABLE_TIME,
    },
}
ORIGINAL = {
    "type": ["object", "null"],
    "description": "the first publisher: the earliest-published article of the story that copies nothing",
    "required": ["article_id", "outlet", "url"],
    "properties": {"article_id": {"type": "integer"}, "outlet": {"type": "string"}, "url": {"type": "string"}},
}
STORY_FIELDS = {
    "id": {"type": "integer"},
    "headline": {"type": "string", "description": "the original's title; with `lang`, its article in that language"},
    "first_published": NULLABLE_TIME,
    "original": ORIGINAL,
    "outlets": {"type": "array", "items": {"type": "string"}, "description": "the first publisher's first"},
    "langs": {"type": "array", "items": {"type": "string"}},
}
STORY_SUMMARY = obj(
    [*STORY_FIELDS, "articles"], **STORY_FIELDS, articles={"type": "integer", "description": "copies included"}
)
STORY_ARTICLE = obj(
    ["id", "outlet", "url", "lang", "published_at", "duplicate_of"],
    id={"type": "integer"},
    outlet={"type": "string"},
    url={"type": "string"},
    title={"type": "string"},
    lang={"type": ["string", "null"]},
    published_at=NULLABLE_TIME,
    first_seen={"type": "string", "format": "date-time"},
    duplicate_of={"type": ["integer", "null"], "description": "the earliest-published article (or seed) it copies"},
    copy_of_outlet={"type": ["string", "null"]},
    similarity={"type": ["number", "null"], "description": "to the article named by duplicate_of"},
    seed_duplicate={"type": "boolean"},
    is_seed={"type": "boolean"},
    original={"type": "boolean", "description": "whether it is the story's first publisher"},
)
STORY = obj(
    [*STORY_FIELDS, "articles"],
    **STORY_FIELDS,
    articles={
        "type": "array",
        "items": {"$ref": "#/components/schemas/StoryArticle"},
        "description": "the timeline: the first publisher first, then the others earliest published first",
    },
)
SEED_FIELDS = {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "outlet": {"type": "string"},
    "published_at": NULLABLE_TIME,
    "lang": {"type": ["string", "null"]},
    "url": {"type": ["string", "null"], "description": "the page it was fetched from; null for a file"},
}
SEED_SUMMARY = obj(
    [*SEED_FIELDS, "copies"],
    **SEED_FIELDS,
    copies={"type": "integer", "description": "stored articles that reproduce it"},
)
SEED_COPY = obj(
    ["article_id", "outlet", "url", "published_at", "first_seen", "delay_s", "similarity"],
    article_id={"type": "integer"},
    outlet={"type": "string"},
    url={"type": "string"},
    published_at=NULLABLE_TIME,
    first_seen={"type": "string", "format": "date-time"},
    delay_s={"type": ["integer", "null"], "description": "seconds after the seed's publication (negative: before)"},
    similarity={"type": ["number", "null"], "description": "to the seed"},
    added_words={"type": "integer"},
    removed_words={"type": "integer"},
    flags={"type": "array", "items": {"type": "string"}, "description": "what looks wrong (dated before the seed…)"},
)
SEED = obj(
    [*SEED_FIELDS, "copies"],
    **SEED_FIELDS,
    copies={
        "type": "array",
        "items": {"$ref": "#/components/schemas/SeedCopy"},
        "description": "the republication record, earliest published first",
    },
)
KEYWORD = obj(["name", "query"], name={"type": "string"}, query={"type": "string"}, articles={"type": "integer"})
SOURCE = obj(
    ["name", "url", "kind", "enabled"],
    name={"type": "string"},
    url={"type": "string"},
    kind={"type": "string"},
    enabled={"type": "boolean"},
    last_error={"type": ["string", "null"]},
)
SUBSCRIBER = obj(
    ["email"],
    email={"type": "string"},
    keywords={"type": ["array", "null"]},
    tz={"type": "string"},
    lang={"type": ["string", "null"], "description": "headlines in this language when a story has them"},
)
CHANNEL = obj(
    ["name", "url", "keywords", "every", "updates", "alerts"],
    name={"type": "string"},
    url={"type": "string", "description": "masked: the scheme and host, never the secret part"},
    keywords={"type": ["array", "null"], "items": {"type": "string"}, "description": "null: every keyword"},
    every={"type": "string", "enum": list(channels.EVERY)},
    updates={"type": "boolean"},
    alerts={"type": "boolean"},
    sent={"type": "integer"},
    pending={"type": "integer"},
    failed={"type": "integer"},
    last_error={"type": ["string", "null"]},
)
ALERT = obj(
    ["kind", "subject", "at", "detail", "ended_at"],
    kind={"type": "string", "enum": ["spike", "silence"]},
    subject={"type": "string", "description": "the keyword (a spike) or the source (a silence)"},
    at={"type": "string", "format": "date-time"},
    detail={"type": "string"},
    ended_at={"type": ["string", "null"], "format": "date-time", "description": "null: not over"},
)
DIGEST = obj(["id", "email", "status"], id={"type": "integer"}, email={"type": "string"}, status={"type": "string"})
REMOVED = obj(["removed"], removed={"type": "string"})

ARTICLE_FILTERS = [
    query("q", "a query in the keyword language; empty: every article"),
    query("since", "published on or after", DATE),
    query("until", "published before", DATE),
    query("source", "only this outlet"),
    query("lang", "only this language (en, ru, az, …)"),
    query("keyword", "only articles matched by this watched keyword"),
    query("include_duplicates", "also list copies of other articles and seeds", FLAG),
    query("edited", "only articles a re-check found edited", FLAG),
    query("removed", "only articles a re-check found taken down", FLAG),
    query("limit", "page size (default 20)", {"type": "integer", "minimum": 1, "maximum": 200}),
    query("offset", "how many to skip (use `next`)", {"type": "integer", "minimum": 0, "maximum": 1000000}),
]

STORY_FILTERS = [
    query("since", "first published on or after", DATE),
    query("until", "first published before", DATE),
    query("keyword", "only stories with an article matched by this watched keyword"),
    query(
        "lang",
        "only stories with an article in this language (ISO 639-1), headed by its title",
        {"type": "string", "enum": ["", *sorted(validate.ISO_639_1)]},
    ),
    *ARTICLE_FILTERS[-2:],
]

PATHS: dict[str, Any] = {
    "/api/articles": {
        "get": {
            "summary": "Search the archive, newest first (publication time, then id: a stable order)",
            "parameters": ARTICLE_FILTERS,
            "responses": ok(
                "a page of articles; `next` is the URL of the following page, or null",
                obj(
                    ["articles", "limit", "offset", "next"],
                    articles={"type": "array", "items": {"$ref": "#/components/schemas/ArticleSummary"}},
                    limit={"type": "integer"},
                    offset={"type": "integer"},
                    next={"type": ["string", "null"]},
                ),
            ),
        }
    },
    "/api/articles/{id}": {
        "get": {
            "summary": "One article with its text, evidence, story and republications",
            "parameters": [path("id", ID)],
            "responses": {
                **ok("the article", {"$ref": "#/components/schemas/Article"}),
                "404": {"description": "no such article", "content": {"application/json": {"schema": ERROR}}},
            },
        }
    },
    "/api/stories": {
        "get": {
            "summary": "Stories, newest first by when each was first published, each credited to its first publisher",
            "parameters": STORY_FILTERS,
            "responses": ok(
                "a page of stories; `next` is the URL of the following page, or null",
                obj(
                    ["stories", "limit", "offset", "next"],
                    stories={"type": "array", "items": {"$ref": "#/components/schemas/StorySummary"}},
                    limit={"type": "integer"},
                    offset={"type": "integer"},
                    next={"type": ["string", "null"]},
                ),
            ),
        }
    },
    "/api/stories/{id}": {
        "get": {
            "summary": "One story with its timeline: every article that carried it, the first publisher first",
            "parameters": [path("id", ID)],
            "responses": {
                **ok("the story", {"$ref": "#/components/schemas/Story"}),
                "404": {"description": "no such story", "content": {"application/json": {"schema": ERROR}}},
            },
        }
    },
    "/api/seeds": {
        "get": {
            "summary": "Seed articles (read already: what reproduces one is never told as new), earliest first",
            "responses": ok("seeds", listing("seeds", "SeedSummary")),
        }
    },
    "/api/seeds/{id}": {
        "get": {
            "summary": "One seed with its republication record: each copy's outlet, dates, delay, similarity, words"
            " added and removed",
            "parameters": [path("id", ID)],
            "responses": {
                **ok("the seed", {"$ref": "#/components/schemas/Seed"}),
                "404": {"description": "no such seed", "content": {"application/json": {"schema": ERROR}}},
            },
        }
    },
    "/api/keywords": {
        "get": {"summary": "Watched keywords", "responses": ok("keywords", listing("keywords", "Keyword"))},
        "post": {
            "summary": "Watch a query; matches the whole archive at once",
            "requestBody": body(obj(["query"], query=TEXT, name=NAME)),
            "responses": write(
                "the keyword, and how many articles published in the last 30 days it would have matched",
                obj(
                    ["keyword", "matched_30d"],
                    keyword={"$ref": "#/components/schemas/Keyword"},
                    matched_30d={"type": "integer"},
                ),
                "201",
                creates=True,
            ),
        },
    },
    "/api/keywords/preview": {
        "get": {
            "summary": "What a query would have matched among the articles published in the last 30 days, unsaved",
            "parameters": [{**query("query", "the query to try", TEXT), "required": True}],
            "responses": ok(
                "count and up to three examples",
                obj(["matched_30d", "examples"], matched_30d={"type": "integer"}, examples={"type": "array"}),
            ),
        }
    },
    "/api/keywords/{name}": {
        "delete": {
            "summary": "Stop watching a keyword (its articles stay); refused (409) when it is some subscribers'"
            " only keyword, unless `force`, which makes them receive every keyword",
            "parameters": [
                path("name"),
                query("force", "remove it even if it is some subscribers' only keyword", {"type": "boolean"}),
            ],
            "responses": {
                **write(
                    "removed; `now_all_keywords` (when forced): the subscribers who now receive every keyword",
                    obj(["removed"], removed={"type": "string"}, now_all_keywords={"type": "array"}),
                    missing=True,
                ),
                "409": {
                    "description": "it is the only keyword of these subscribers",
                    "content": {
                        "application/json": {
                            "schema": obj(
                                ["error", "subscribers"], error={"type": "string"}, subscribers={"type": "array"}
                            )
                        }
                    },
                },
            },
        }
    },
    "/api/sources": {
        "get": {"summary": "Sources with their health", "responses": ok("sources", listing("sources", "Source"))},
        "post": {
            "summary": "Add a source",
            "requestBody": body(
                obj(
                    ["name", "url"],
                    name=NAME,
                    url={"type": "string", "maxLength": validate.URL_MAX, "pattern": validate.URL_PATTERN},
                    kind={"type": "string", "enum": list(validate.KINDS)},
                    every={
                        "type": "string",
                        "pattern": validate.EVERY_PATTERN,
                        "description": "15m, 1h, 2d or seconds; from one minute to 7 days",
                    },
                    lang={"type": "string", "enum": sorted(validate.ISO_639_1), "description": "ISO 639-1"},
                )
            ),
            "responses": write(
                "the source", obj(["source"], source={"$ref": "#/components/schemas/Source"}), "201", creates=True
            ),
        },
    },
    "/api/sources/{name}": {
        "delete": {
            "summary": "Remove a source (its articles stay)",
            "parameters": [path("name")],
            "responses": write("removed", REMOVED, missing=True),
        }
    },
    "/api/sources/{name}/{action}": {
        "post": {
            "summary": "Enable or disable a source",
            "parameters": [path("name"), path("action", {"type": "string", "enum": ["enable", "disable"]})],
            "responses": write(
                "the new state",
                obj(["source", "enabled"], source={"type": "string"}, enabled={"type": "boolean"}),
                missing=True,
            ),
        }
    },
    "/api/subscribers": {
        "get": {
            "summary": "Digest recipients",
            "responses": ok("subscribers", listing("subscribers", "Subscriber")),
        },
        "post": {
            "summary": "Add a digest recipient (no keywords: all keywords)",
            "requestBody": body(
                obj(
                    ["email"],
                    email={"type": "string", "maxLength": validate.EMAIL_MAX, "pattern": validate.EMAIL_PATTERN},
                    keywords={"type": "array", "items": NAME, "description": "names of watched keywords"},
                    at={"type": "string", "pattern": validate.CLOCK_PATTERN, "description": "local send time, 08:00"},
                    tz={"type": "string", "enum": sorted(validate.ZONES), "description": "IANA time zone"},
                    lang={
                        "type": "string",
                        "enum": sorted(validate.ISO_639_1),
                        "description": "ISO 639-1 code (en, ru, az): each story's headline in this language when "
                        "the story has an article in it; absent: the original's headline",
                    },
                    changes={"type": "boolean", "description": "also tell of edits and takedowns of what they got"},
                    seed_copies={
                        "type": "boolean",
                        "description": "also list the republications of the seeds first seen since the previous digest",
                    },
                    every={
                        "type": "string",
                        "enum": list(subscribers.EVERY),
                        "description": "how often (default daily); weekly ones go out on `day`",
                    },
                    day={
                        "type": "string",
                        "minLength": 1,
                        "description": "weekly only: the day of the week (monday … sunday, mon, or 0 Monday … 6 Sunday;"
                        " default monday)",
                    },
                )
            ),
            "responses": write(
                "the subscriber",
                obj(["subscriber"], subscriber={"$ref": "#/components/schemas/Subscriber"}),
                "201",
                creates=True,
            ),
        },
    },
    "/api/subscribers/{email}": {
        "delete": {
            "summary": "Remove a recipient",
            "parameters": [path("email")],
            "responses": write("removed", REMOVED, missing=True),
        }
    },
    "/api/channels": {
        "get": {
            "summary": "Notification channels (Apprise URLs, masked), with how their messages fared",
            "responses": ok("channels", listing("channels", "Channel")),
        },
        "post": {
            "summary": "Add a channel: an Apprise URL told of new stories (and, if asked, of edits and alerts)",
            "requestBody": body(
                obj(
                    ["name", "url"],
                    name=NAME,
                    url={"type": "string", "description": "an Apprise URL (json://, mailto://, slack://, …)"},
                    keywords={"type": "array", "items": NAME, "description": "names of watched keywords; absent: all"},
                    every={"type": "string", "enum": list(channels.EVERY), "description": "default asap"},
                    updates={"type": "boolean", "description": "also tell of edits and takedowns"},
                    alerts={"type": "boolean", "description": "also tell of spikes and silences"},
                )
            ),
            "responses": write(
                "the channel",
                obj(["channel"], channel={"$ref": "#/components/schemas/Channel"}),
                "201",
                creates=True,
            ),
        },
    },
    "/api/channels/{name}": {
        "delete": {
            "summary": "Remove a channel (the record of what it was sent goes with it)",
            "parameters": [path("name")],
            "responses": write("removed", REMOVED, missing=True),
        }
    },
    "/api/alerts": {
        "get": {
            "summary": "Spikes and silences, newest first",
            "responses": ok("alerts", listing("alerts", "Alert")),
        }
    },
    "/api/digests": {
        "get": {
            "summary": "Digests, newest first: to whom, status, failures with reasons",
            "parameters": ARTICLE_FILTERS[-2:],
            "responses": ok("digests", listing("digests", "Digest")),
        }
    },
    "/api/status": {
        "get": {
            "summary": "Source health, archive totals and outbox state",
            "responses": ok(
                "status",
                obj(
                    ["sources", "archive", "outbox"],
                    sources={"type": "array"},
                    archive={"type": "object"},
                    outbox={"type": "object"},
                ),
            ),
        }
    },
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Newswatch",
        "version": __version__,
        "description": "The archive, keywords, sources and subscribers of a Newswatch service. Writes need "
        "`Authorization: Bearer <NEWSWATCH_WEB_TOKEN>` (with no token configured: a loopback client).",
    },
    "paths": PATHS,
    "components": {
        "schemas": {
            "Error": obj(["error"], error={"type": "string"}),
            "ArticleSummary": ARTICLE_SUMMARY,
            "Article": ARTICLE,
            "StorySummary": STORY_SUMMARY,
            "Story": STORY,
            "StoryArticle": STORY_ARTICLE,
            "SeedSummary": SEED_SUMMARY,
            "Seed": SEED,
            "SeedCopy": SEED_COPY,
            "Keyword": KEYWORD,
            "Source": SOURCE,
            "Subscriber": SUBSCRIBER,
            "Digest": DIGEST,
            "Channel": CHANNEL,
            "Alert": ALERT,
        },
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
    },
}


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(DOCUMENT)
