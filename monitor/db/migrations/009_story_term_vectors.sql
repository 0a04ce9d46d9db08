-- Story candidates (monitor/store/stories.py) were found with `terms && $terms` on text arrays: an
-- overlap test compares every term with every term, row by row, and the story lookup of each save
-- took ~150 ms once a few thousand articles shared its window (bench/soak.py). The same terms as a
-- tsvector answer `@@ 'a' | 'b' | …` with a binary search per term (~40 ms there), and through a GIN
-- index when few articles share a term.
ALTER TABLE story_terms ADD COLUMN term_vec tsvector GENERATED ALWAYS AS (array_to_tsvector(terms)) STORED;
CREATE INDEX story_terms_vec ON story_terms USING gin (term_vec);
DROP INDEX story_terms_terms;
ANALYZE story_terms;
