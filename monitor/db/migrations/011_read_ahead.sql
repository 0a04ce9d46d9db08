-- Read ahead in bitmap scans (issue 5: newest-first search at a million articles).
--
-- Why: a word found in a few thousand articles is answered by reading each of their rows (a bitmap
-- heap scan) to sort them newest first. When those rows are not in memory, PostgreSQL before 18
-- reads them one at a time (effective_io_concurrency 1; 18 made it 16). Asking for many at once
-- lets the disk serve them together: at a million articles, right after the caches were dropped,
-- such a search took ~250 ms at 1, ~100 ms at 16, ~65 ms at 64, ~45 ms at 256 on this machine's
-- SSD; PostgreSQL's documentation suggests values in the hundreds for SSDs.
--
-- Set for this database, so every connection (also through PgBouncer) has it. Skipped, with a
-- notice, where the role may not alter the database or the platform cannot read ahead (it must
-- then stay 0, and a setting every new connection rejects would lock everyone out).
DO $$
BEGIN
    SET LOCAL effective_io_concurrency = 200;  -- fails where the platform has no posix_fadvise
    EXECUTE format('ALTER DATABASE %I SET effective_io_concurrency = 200', current_database());
EXCEPTION
    WHEN insufficient_privilege OR invalid_parameter_value THEN
        RAISE NOTICE 'effective_io_concurrency left as it is: %', SQLERRM;
END
$$;
