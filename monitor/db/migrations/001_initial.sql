-- The first schema: sources and their health, articles with their evidence, keywords and matches,
-- subscribers, and the digest outbox.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE sources (
    id                   bigserial PRIMARY KEY,
    name                 text NOT NULL UNIQUE,
    url                  text NOT NULL,
    kind                 text NOT NULL DEFAULT 'feed'
                         CHECK (kind IN ('feed', 'sitemap', 'seed') OR kind LIKE 'spider:%'),
    lang                 text,
    interval_s           integer NOT NULL DEFAULT 900 CHECK (interval_s >= 60),
    enabled              boolean NOT NULL DEFAULT true,
    -- conditional GET
    etag                 text,
    last_modified        text,
    -- health
    last_polled_at       timestamptz,
    last_success_at      timestamptz,
    last_error           text,
    last_error_at        timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    polls                integer NOT NULL DEFAULT 0,
    not_modified         integer NOT NULL DEFAULT 0,
    next_poll_at         timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE articles (
    id             bigserial PRIMARY KEY,
    -- a removed source keeps its articles; `outlet` keeps who published them
    source_id      bigint REFERENCES sources (id) ON DELETE SET NULL,
    outlet         text NOT NULL,
    url            text NOT NULL UNIQUE,          -- canonical URL: the article's key
    guid           text,
    title          text NOT NULL DEFAULT '',
    text           text NOT NULL DEFAULT '',
    folded         text NOT NULL DEFAULT ' ',     -- title and text folded for matching (monitor.query.fold)
    folded_title   text NOT NULL DEFAULT ' ',
    folded_outlet  text NOT NULL DEFAULT ' ',
    lang           text,
    published_at   timestamptz,
    fetched_at     timestamptz NOT NULL DEFAULT now(),
    stored_at      timestamptz NOT NULL DEFAULT now(),
    content_hash   text,
    is_seed        boolean NOT NULL DEFAULT false,
    duplicate_of   bigint REFERENCES articles (id),
    seed_duplicate boolean NOT NULL DEFAULT false,
    similarity     real,
    story_id       bigint,
    -- evidence
    final_url      text,
    raw_sha256     text,
    fetch_headers  jsonb
);
CREATE UNIQUE INDEX articles_source_guid ON articles (source_id, guid) WHERE guid IS NOT NULL;
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_published ON articles (published_at DESC, id DESC);
CREATE INDEX articles_stored ON articles (stored_at);
-- trigram indexes serve the LIKE needles of monitor.query.sql
CREATE INDEX articles_folded_trgm ON articles USING gin (folded gin_trgm_ops);
CREATE INDEX articles_folded_title_trgm ON articles USING gin (folded_title gin_trgm_ops);

CREATE TABLE keywords (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    query      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE article_keywords (
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    keyword_id bigint NOT NULL REFERENCES keywords (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, keyword_id)
);
CREATE INDEX article_keywords_keyword ON article_keywords (keyword_id, article_id);

CREATE TABLE subscribers (
    id           bigserial PRIMARY KEY,
    email        text NOT NULL UNIQUE,
    all_keywords boolean NOT NULL DEFAULT true,
    send_at      time NOT NULL DEFAULT '08:00',
    tz           text NOT NULL DEFAULT 'Asia/Baku',
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE subscriber_keywords (
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    keyword_id    bigint NOT NULL REFERENCES keywords (id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, keyword_id)
);

-- The outbox: a digest and its items are written in one transaction before anything is sent.
CREATE TABLE digests (
    id            bigserial PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    message_id    text NOT NULL UNIQUE,
    local_date    date NOT NULL,
    subject       text NOT NULL,
    message       bytea NOT NULL,               -- the whole RFC 5322 message, sent as is (and re-sent as is)
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    -- a sender leases a pending digest; a dead sender's lease expires and another picks it up
    claimed_until timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
CREATE INDEX digests_pending ON digests (created_at) WHERE status = 'pending';

CREATE TABLE digest_items (
    digest_id     bigint NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    article_id    bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (digest_id, article_id),
    -- nothing is ever put before the same subscriber twice
    UNIQUE (subscriber_id, article_id)
);
