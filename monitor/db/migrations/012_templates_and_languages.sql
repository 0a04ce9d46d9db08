-- Stories and originals a reader can trust (issue 12).

-- An outlet's template text (monitor.pipeline.templates): one row per sentence of each article,
-- keyed by a hash of its folded words, so the sentences that MIN_ARTICLES articles of one outlet
-- published within 30 days share are found by index, by every worker, after a restart. About 20
-- rows per article, like lsh_bands' 32.
CREATE TABLE outlet_sentences (
    outlet       text NOT NULL,
    key          bigint NOT NULL,
    article_id   bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (outlet, key, article_id)
);
CREATE INDEX outlet_sentences_article ON outlet_sentences (article_id);  -- for the cascade on delete

-- Stories across languages compare only what is written alike in every language (names, numbers,
-- dates, aliases); the rest of an article's terms count between articles of one language.
ALTER TABLE story_terms ADD COLUMN lang text;
