-- Evidence (issue 17): each fetch of an article is kept as WARC records in files beside the
-- database (monitor/evidence); a version row points at its capture. Re-checks fetch an article
-- again on a schedule after it was first seen, claimed like source polls, and store a new version
-- when the text or title changed, or mark a takedown.

CREATE TABLE article_versions (
    id             bigserial PRIMARY KEY,
    article_id     bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    n              integer NOT NULL,                 -- 1: the fetch that stored the article
    fetched_at     timestamptz NOT NULL,
    stored_at      timestamptz NOT NULL DEFAULT now(),
    status         integer NOT NULL,                 -- HTTP status of the final response
    final_url      text,
    sha256         text,                             -- of the page as decoded (articles.raw_sha256 for n = 1)
    changed        boolean NOT NULL DEFAULT false,   -- its title or text differ from the version before
    removed        boolean NOT NULL DEFAULT false,   -- this fetch found the article taken down
    why            text,                             -- what made it a takedown
    title          text,                             -- after the first version (n = 1: the article's own)
    text           text,
    diff           jsonb,                            -- word-level, against the version before (monitor.evidence.diff)
    -- the capture: NULL once retention removed it (NEWSWATCH_EVIDENCE_DAYS), or when none was kept
    warc_file      text,
    warc_offset    bigint,
    warc_length    bigint,
    payload_digest text,
    UNIQUE (article_id, n)
);
CREATE INDEX article_versions_file ON article_versions (warc_file) WHERE warc_file IS NOT NULL;
CREATE INDEX article_versions_changes ON article_versions (stored_at) WHERE changed OR removed;

CREATE TABLE article_checks (
    article_id    bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    due_at        timestamptz,                       -- the next re-check; NULL once the schedule is done
    done          integer NOT NULL DEFAULT 0,        -- re-checks of the schedule made so far
    failures      integer NOT NULL DEFAULT 0,        -- in a row, at this step
    claimed_until timestamptz,                       -- a worker is re-checking it (see monitor.leases)
    checked_at    timestamptz,
    last_outcome  text,
    etag          text,                              -- validators of the last version, for conditional GET
    last_modified text,
    edited_at     timestamptz,                       -- the last re-check that found another title or text
    removed_at    timestamptz                        -- the re-check that found it taken down; NULL while it stands
);
CREATE INDEX article_checks_due ON article_checks (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX article_checks_edited ON article_checks (article_id) WHERE edited_at IS NOT NULL;
CREATE INDEX article_checks_removed ON article_checks (article_id) WHERE removed_at IS NOT NULL;

-- `subscribers add --changes`: also told, once each, of edits and takedowns of articles in
-- stories they received
ALTER TABLE subscribers ADD COLUMN changes boolean NOT NULL DEFAULT false;

CREATE TABLE change_notices (
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    version_id    bigint NOT NULL REFERENCES article_versions (id) ON DELETE CASCADE,
    digest_id     bigint NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, version_id)
);
