-- Stories a reader can trust, in every language (issue 12): a subscriber may name the language
-- they read (ISO 639-1, as articles' `lang`), and a digest then gives each story the headline of
-- its article in that language when it has one, else the original's. NULL: the original's.
-- The format check is a backstop; the known codes are checked in monitor.cli.args.language.
ALTER TABLE subscribers ADD COLUMN lang text CHECK (lang ~ '^[a-z]{2}$');
