"""Newswatch: the service core (settings, database, pipeline, store, query language, scheduler, CLI, web)."""

__version__ = "0.1.0"
