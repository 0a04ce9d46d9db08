-- Seeds the user manages (issue 14). A seed is an article row (`is_seed`, URL `seed:<key>`, the
-- page it was fetched from in `final_url`); these tables keep what follows from managing them.

-- Seeds a user removed, by key, so that `newswatch init` does not load a removed seed of the
-- watch again (its articles.toml is read at every init). Adding a seed of that key forgets it.
CREATE TABLE removed_seeds (
    key        text PRIMARY KEY,
    removed_at timestamptz NOT NULL DEFAULT now()
);

-- Copies set free when their seed was removed: ordinary articles again. A digest takes one up when
-- it was freed after the subscriber's previous digest and is news by the age rule counted from the
-- moment it was freed (monitor.store.newness): it was held back, not seen.
CREATE TABLE freed_copies (
    article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    freed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX freed_copies_at ON freed_copies (freed_at);

-- `subscribers add --seed-copies`: a short section of the digest with the copies of seeds first
-- seen since the previous digest; each told once, recorded with the digest that told it.
ALTER TABLE subscribers ADD COLUMN seed_copies boolean NOT NULL DEFAULT false;
CREATE TABLE seed_copy_notices (
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    article_id    bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    digest_id     bigint NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, article_id)
);
CREATE INDEX seed_copy_notices_digest ON seed_copy_notices (digest_id);
