-- The web UI shows, for every search result, how many outlets carried its story, and for an
-- article its republications: look-ups by duplicate_of and story_id, which had no index and made
-- each result page scan the archive (see bench/web.py).
CREATE INDEX IF NOT EXISTS articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_story_id ON articles (story_id) WHERE story_id IS NOT NULL;
-- Search lists newest first with undated articles last (ORDER BY published_at DESC NULLS LAST, id
-- DESC); the index of 001 sorts NULLs first, so it could not serve that order and every page
-- sorted the whole archive (about 100 ms at 20,000 articles, see bench/web.py).
CREATE INDEX IF NOT EXISTS articles_published_nulls_last ON articles (published_at DESC NULLS LAST, id DESC);
