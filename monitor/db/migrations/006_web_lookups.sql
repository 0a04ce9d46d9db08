-- The web UI shows, for every search result, how many outlets carried its story, and for an
-- article its republications: look-ups by duplicate_of and story_id, which had no index and made
-- each result page scan the archive (see bench/web.py).
CREATE INDEX IF NOT EXISTS articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_story_id ON articles (story_id) WHERE story_id IS NOT NULL;
