-- How each article's publication date was known (issue 13, SPEC "Additions of 2026-12-01"):
-- 'page-meta' (the page's markup states it), 'feed' (the feed's or sitemap's date), 'url' (a day
-- in the URL), 'page-text' (a date line read in the page) or 'fetched' (nothing better: the fetch
-- time). A reader weighs a date by it; monitor.pipeline.dates ranks them in that order.
--
-- NULL for articles stored before this version (how their date was known was not kept) and for
-- seed articles (their date is the one their metadata gives).
--
-- The check is added NOT VALID: every existing row is NULL, so there is nothing to check, and a
-- validating scan would hold the table's lock for as long as reading a large archive takes.
ALTER TABLE articles
    ADD COLUMN date_source text,
    ADD CONSTRAINT articles_date_source_check
        CHECK (date_source IN ('page-meta', 'feed', 'url', 'page-text', 'fetched')) NOT VALID;

-- Keywords a user removed, by name, so that `newswatch init` does not bring a removed default
-- keyword back (seeds/keywords.toml is loaded at every init). Adding a keyword of that name again
-- forgets the removal.
CREATE TABLE removed_keywords (
    name       text PRIMARY KEY,
    removed_at timestamptz NOT NULL DEFAULT now()
);
