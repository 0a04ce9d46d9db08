-- Digests that people want, sent exactly once as far as SMTP allows (issue 6).

-- Subscribers may ask for a digest on days with nothing new; an unsubscribe is recorded, not deleted,
-- so the person who clicked the link stays unsubscribed and we can show when it happened.
ALTER TABLE subscribers
    ADD COLUMN send_empty      boolean NOT NULL DEFAULT false,
    ADD COLUMN unsubscribed_at timestamptz;

-- `in_flight`: a sender claimed the digest and has not recorded how the send ended. Finding it still
-- set once the lease has expired means that sender died, perhaps after the server accepted the
-- message: the digest is sent again once (`crash_resends`), never more.
-- `cancelled`: pending when the subscriber unsubscribed.
ALTER TABLE digests
    ADD COLUMN in_flight     boolean NOT NULL DEFAULT false,
    ADD COLUMN crash_resends integer NOT NULL DEFAULT 0,
    DROP CONSTRAINT digests_status_check,
    ADD CONSTRAINT digests_status_check CHECK (status IN ('pending', 'sent', 'failed', 'cancelled'));
CREATE INDEX digests_subscriber_day ON digests (subscriber_id, local_date);

-- Secrets generated once and shared by every worker on this database (the key that signs
-- unsubscribe links, unless NEWSWATCH_SECRET_KEY is set).
CREATE TABLE app_secrets (
    name       text PRIMARY KEY,
    value      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
