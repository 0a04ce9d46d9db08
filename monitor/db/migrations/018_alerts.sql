-- Alerts beyond the daily email (issue 18): on election day a daily email is too slow.
--
-- Frequencies: a subscriber's digest comes as soon as something is new (asap), hourly, daily (as
-- before) or weekly on `send_day` (0 Monday … 6 Sunday). An hourly digest is the digest of one hour:
-- `period_start` records which, so that a second worker does not prepare it again.
ALTER TABLE subscribers
    ADD COLUMN every text NOT NULL DEFAULT 'daily' CHECK (every IN ('asap', 'hourly', 'daily', 'weekly')),
    ADD COLUMN send_day smallint CHECK (send_day BETWEEN 0 AND 6);
ALTER TABLE digests ADD COLUMN period_start timestamptz;
CREATE INDEX digests_subscriber_period ON digests (subscriber_id, period_start) WHERE period_start IS NOT NULL;

-- Channels: push notifications through Apprise URLs (which hold secrets: never shown unmasked).
CREATE TABLE channels (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    url          text NOT NULL,
    all_keywords boolean NOT NULL DEFAULT true,
    every        text NOT NULL DEFAULT 'asap' CHECK (every IN ('asap', 'hourly', 'daily')),
    updates      boolean NOT NULL DEFAULT false,
    alerts       boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE channel_keywords (
    channel_id bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    keyword_id bigint NOT NULL REFERENCES keywords (id) ON DELETE CASCADE,
    PRIMARY KEY (channel_id, keyword_id)
);
-- The channels' outbox: one message per row, written before it is sent, leased like a digest.
CREATE TABLE channel_messages (
    id            bigserial PRIMARY KEY,
    channel_id    bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('stories', 'update', 'alert')),
    title         text NOT NULL,
    body          text NOT NULL,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    in_flight     boolean NOT NULL DEFAULT false,
    crash_resends integer NOT NULL DEFAULT 0,
    claimed_until timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
CREATE INDEX channel_messages_pending ON channel_messages (created_at) WHERE status = 'pending';
-- Each story reaches a channel once: this row is written in the transaction of its message.
CREATE TABLE channel_stories (
    channel_id bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    story      bigint NOT NULL,  -- coalesce(articles.story_id, articles.id), as digests count stories
    message_id bigint NOT NULL REFERENCES channel_messages (id) ON DELETE CASCADE,
    told_at    timestamptz NOT NULL,
    outlets    integer NOT NULL,  -- how many outlets carried it when last told (for --updates)
    langs      integer NOT NULL,
    PRIMARY KEY (channel_id, story)
);

-- What fired: a keyword's spike (once per episode), a source's silence (once per silence).
CREATE TABLE alerts (
    id       bigserial PRIMARY KEY,
    kind     text NOT NULL CHECK (kind IN ('spike', 'silence')),
    subject  text NOT NULL,
    episode  text NOT NULL UNIQUE,  -- kind:subject:start of the episode
    at       timestamptz NOT NULL,
    detail   text NOT NULL,
    ended_at timestamptz
);
CREATE INDEX alerts_at ON alerts (at DESC);
