-- Ingestion that adapts and stays polite (issue 3):
-- * body_sha256: an unchanged feed answered 200 (no ETag/Last-Modified support) is not parsed again;
-- * current_interval_s: the adaptive interval, between a quarter and four times the interval the
--   user chose (interval_s), moved by how many new items each poll brings;
-- * items_seen / items_new: what the last poll brought, for the adaptive interval and the status;
-- * sources.lang stays the fallback language; nothing else changes shape.
ALTER TABLE sources
    ADD COLUMN body_sha256        text,
    ADD COLUMN current_interval_s integer,
    ADD COLUMN items_seen         integer NOT NULL DEFAULT 0,
    ADD COLUMN items_new          integer NOT NULL DEFAULT 0;

UPDATE sources SET current_interval_s = interval_s;

-- The poller claims due sources in order of next_poll_at.
CREATE INDEX sources_due ON sources (next_poll_at) WHERE enabled;
