-- Each host's robots.txt, remembered (issue 16): every `poll` process and every worker fetched it
-- again, so an idle round over unchanged feeds still moved body bytes. RFC 9309 lets a crawler
-- cache it for up to 24 hours; a new process, or another worker, reads it here instead.
-- `origin` is scheme://host[:port] (robots.txt is per origin). `status` is the last fetch's HTTP
-- status, NULL when the host could not be reached; `body` is the last robots.txt received with a
-- 2xx (kept through a later 5xx or outage: RFC 9309 §2.4 lets a crawler keep using it then), and
-- `body_at` when that was.
CREATE TABLE robots_txt (
    origin     text PRIMARY KEY,
    status     integer,
    fetched_at timestamptz NOT NULL,
    body       bytea,
    body_at    timestamptz
);
