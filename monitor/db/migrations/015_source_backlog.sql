-- A poll fetches at most a set number of a source's new items (newest first); what it left for the
-- next polls is kept here, so `status` can say that a source is still catching up (issue 15: a
-- feed of 250,000 items started 250,000 requests in one poll).
ALTER TABLE sources ADD COLUMN backlog integer NOT NULL DEFAULT 0;
