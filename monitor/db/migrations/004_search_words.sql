-- Archive search by word index (issue 5: one query language, fast at a million articles).
--
-- Why: the query language was evaluated in SQL with LIKE over the folded text, served by trigram
-- indexes. Every candidate row's whole text had to be rechecked, and at a million articles a word
-- found in 1% of them took over 100 ms. Here each article also keeps its folded words as a
-- tsvector, built from our own folding (monitor.query.fold) and not from PostgreSQL's text parser,
-- so SQL and Python see exactly the same words. A word or a prefix is then answered exactly by a
-- GIN index; a phrase is first narrowed to the articles holding all its words, then checked with
-- LIKE for order and adjacency.
--
-- Words longer than 2047 bytes (PostgreSQL's limit for a lexeme) are left out, here and in the
-- in-process matcher alike.
CREATE FUNCTION newswatch_words(folded text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT array_to_tsvector(coalesce(array_agg(DISTINCT w), '{}'))
          FROM unnest(string_to_array(btrim(folded, ' '), ' ')) AS w
         WHERE w <> '' AND octet_length(w) <= 2047
    $$;

ALTER TABLE articles
    ADD COLUMN words tsvector GENERATED ALWAYS AS (newswatch_words(folded)) STORED,
    ADD COLUMN title_words tsvector GENERATED ALWAYS AS (newswatch_words(folded_title)) STORED;
-- The planner walks the newest-first index when it believes a word common enough to fill a page
-- early. With the default statistics it knows only the ~1,000 commonest words and guesses 0.5%
-- for every other one, so a rare word sent it through the whole table (6 s at a million articles).
-- Ten times the statistics lowers that guess below the point where the word index wins.
ALTER TABLE articles ALTER COLUMN words SET STATISTICS 1000, ALTER COLUMN title_words SET STATISTICS 1000;
CREATE INDEX articles_words ON articles USING gin (words);
CREATE INDEX articles_title_words ON articles USING gin (title_words);

-- Search lists undated articles last (published_at DESC NULLS LAST, id DESC); an index in exactly
-- that order lets a newest-first page stop after its first rows instead of sorting every match.
DROP INDEX IF EXISTS articles_published;
CREATE INDEX articles_newest ON articles (published_at DESC NULLS LAST, id DESC);
-- and one per outlet, so a search of one source walks that source's articles only
CREATE INDEX articles_outlet_newest ON articles (outlet, published_at DESC NULLS LAST, id DESC);

-- The trigram indexes served the old LIKE search only; the word indexes replace them.
DROP INDEX IF EXISTS articles_folded_trgm;
DROP INDEX IF EXISTS articles_folded_title_trgm;
