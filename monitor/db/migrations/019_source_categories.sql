-- A source's category: the OPML folder it came from (nested folders joined by "/"), kept so that
-- an export gives back the folders an import was given (feed readers organise hundreds of feeds
-- that way). NULL: no folder.
ALTER TABLE sources ADD COLUMN category text;
