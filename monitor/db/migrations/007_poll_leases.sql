-- Several workers, one database (issue 8): a worker claims a due source by setting claimed_until,
-- renews the claim while it polls, and clears it when the poll's outcome is recorded. A claim that
-- runs out (its worker died, or lost the database) makes the source due again for any worker.
-- Before this, a claim pushed next_poll_at forward, so a dead worker's source waited a whole lease.
ALTER TABLE sources ADD COLUMN claimed_until timestamptz;
