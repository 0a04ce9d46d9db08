-- articles had two indexes on story_id: articles_story (003) and the partial articles_story_id
-- (006, for the web's lookups by story). Every query by story is served by either, and every
-- article stored, moved or re-pointed updated both (issue 16). The whole one stays: it also finds
-- the articles in no story.
DROP INDEX IF EXISTS articles_story_id;
