"""The keyword/search language: folding (`fold`), parsing (`parse`), and its two evaluators, in
process for new articles (`match`) and in PostgreSQL for the archive (`sql`), which agree by design."""

from monitor.query.fold import fold
from monitor.query.parse import Node, QueryError, parse

__all__ = ["Node", "QueryError", "fold", "parse"]
