-- Keep each article's word index in its row (issue 5: newest-first search at a million articles).
--
-- Why: a newest-first search of a word found in a few thousand articles walks the newest-first
-- index and tests `words` on each row until the page is full, ~10,000 rows at a million articles.
-- PostgreSQL moves a row's largest values out to TOAST until the row fits in 2 KB; once the pairs of
-- 008 were added, `words` (~1.5 KB) was among them, and every row tested cost a TOAST index look-up
-- and a chunk read as well: 4.7 pages per row instead of 1 (`EXPLAIN (ANALYZE, BUFFERS)`: 404 ms
-- instead of 134 ms at 100,000 articles, cold). With storage MAIN, `words` and `title_words` are
-- kept in the row (compressed if that helps) and leave it only when the row would not fit in a page;
-- the text, its folded form and the pairs go to TOAST first. They are read only for snippets and
-- phrase checks.
ALTER TABLE articles ALTER COLUMN words SET STORAGE MAIN, ALTER COLUMN title_words SET STORAGE MAIN;
-- SET STORAGE applies to rows written from now on; CLUSTER rewrites the rows already stored (in
-- newest-first order, so a newest-first walk also reads neighbouring rows from the same pages). It
-- holds an exclusive lock on articles while it runs: about 3 minutes at 100,000 articles here.
CLUSTER articles USING articles_newest;

-- 006 made a second index with the same columns and order as 004's articles_newest.
DROP INDEX IF EXISTS articles_published_nulls_last;
ANALYZE articles;
