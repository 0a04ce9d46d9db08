-- Phrases of common words by an index of adjacent word pairs (issue 5).
--
-- Why: a phrase was narrowed by the word index to the articles holding all its words, then checked
-- with LIKE. For common words ("of the", "said on") that is a large share of the archive, every one
-- of them read and scanned: about 2 s at a million articles. Here each article also keeps the
-- pairs of adjacent folded words ('of the', 'the election'), so "of the election" is narrowed by the
-- index to the articles holding both 'of the' and 'the election', few of which fail the LIKE check.
--
-- The pairs only narrow, the LIKE check decides: a phrase is found exactly where its needle is in
-- the folded text, as in the in-process matcher. So every pair is kept, even of a word too long for
-- the word index, but with at most 100 characters of each word (monitor.query.sql cuts a query's
-- words the same way): no pair passes PostgreSQL's 2047-byte limit for a lexeme. A text over 500,000
-- bytes would pass the 1 MB limit of a tsvector: it records the one lexeme 'unrecorded' instead
-- (no pair can be spelled without a space), which every phrase query accepts, so such an article is
-- checked by LIKE alone. (No DISTINCT: a tsvector holds each lexeme once, and array_to_tsvector
-- removing the repeats is twice as fast as sorting them away first.)
CREATE FUNCTION newswatch_pairs(folded text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT CASE WHEN octet_length(folded) > 500000 THEN 'unrecorded'::tsvector ELSE (
            SELECT array_to_tsvector(coalesce(array_agg(left(a, 100) || ' ' || left(b, 100)), '{}'))
              FROM (SELECT string_to_array(btrim(folded, ' '), ' ') AS w) AS s,
                   unnest(w[:cardinality(w) - 1], w[2:]) AS p (a, b)
        ) END
    $$;

ALTER TABLE articles ADD COLUMN pairs tsvector GENERATED ALWAYS AS (newswatch_pairs(folded)) STORED;
-- as for the words (004): enough statistics that a rare pair is searched by index
ALTER TABLE articles ALTER COLUMN pairs SET STATISTICS 1000;
CREATE INDEX articles_pairs ON articles USING gin (pairs);
-- statistics now, not at autovacuum's next visit: until then the planner would guess how common
-- every pair is, and walk the newest-first index for a rare phrase
ANALYZE articles (pairs);
