-- The rows of the duplicates index (lsh_bands: 32 per article) and of the template counts
-- (outlet_sentences: one per sentence) no longer carry a foreign key to articles (issue 16). Each
-- of their rows ran a foreign-key check against articles as it was inserted: more than half of
-- what inserting them cost, and these two inserts were most of what PostgreSQL spent on a save
-- (pg_stat_statements over bench/ingest.py: 13.0 and 9.0 of 33.9 s). Their rows are written only by
-- the save that writes the article, in its transaction, so the check could never fail. What the
-- keys still did, the cascade when an article is deleted (a seed removed), is done by one trigger
-- per DELETE statement.
ALTER TABLE lsh_bands DROP CONSTRAINT lsh_bands_article_id_fkey;
ALTER TABLE outlet_sentences DROP CONSTRAINT outlet_sentences_article_id_fkey;

CREATE FUNCTION articles_deleted_index_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lsh_bands WHERE article_id IN (SELECT id FROM gone);
    DELETE FROM outlet_sentences WHERE article_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_deleted_index_rows AFTER DELETE ON articles
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION articles_deleted_index_rows();
