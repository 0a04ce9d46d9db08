-- Near-duplicate detection and stories (monitor.pipeline.fingerprint, dedup, stories).
-- Why tables and not memory: the duplicates index must survive a restart, be shared by several
-- worker processes, and answer a lookup by index at any archive size.

-- One MinHash signature per article (64 × uint32, little-endian) and its shingle-set size, which
-- turns the Jaccard estimate into a containment estimate.
CREATE TABLE fingerprints (
    article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    minhash    bytea NOT NULL,
    shingles   integer NOT NULL
);

-- LSH: one key per band of the signature. Articles sharing a key are near-duplicate candidates.
-- (key, article_id) as the primary key: a lookup is an index-only scan.
CREATE TABLE lsh_bands (
    key        bigint NOT NULL,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (key, article_id)
);
CREATE INDEX lsh_bands_article ON lsh_bands (article_id);  -- for the cascade on delete

-- Stories: articles about one event, in whatever words. articles.story_id points here.
CREATE TABLE stories (
    id         bigserial PRIMARY KEY,
    first_seen timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL
);

-- What the story matcher compares: names, numbers and rare words of an article, with its time,
-- so candidates come from an index (terms overlap, within a time window), not a scan.
CREATE TABLE story_terms (
    article_id   bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id     bigint NOT NULL REFERENCES stories (id),
    published_at timestamptz NOT NULL,
    terms        text[] NOT NULL
);
CREATE INDEX story_terms_terms ON story_terms USING gin (terms);
CREATE INDEX story_terms_published ON story_terms (published_at);

CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
-- every new article is compared with every seed: finding the seeds must not scan the archive
CREATE INDEX articles_seeds ON articles (id) WHERE is_seed;
