"""The stages one article goes through, in order: canonical → extract → dedup → match, run by ingest."""
