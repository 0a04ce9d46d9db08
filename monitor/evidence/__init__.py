"""Evidence that holds up: every article fetch kept as WARC/1.1 records (warc, files), exported
for replay tools (export), and re-checked on a schedule for stealth edits and takedowns
(schedule, judge, diff, rechecks)."""
