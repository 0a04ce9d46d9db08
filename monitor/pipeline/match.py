"""Matching a new article against the watched keywords."""

from __future__ import annotations

from collections.abc import Iterable

from monitor.query.match import Doc, evaluate
from monitor.query.parse import Node


def match(doc: Doc, keywords: Iterable[tuple[str, Node]]) -> list[str]:
    """Names of the keywords whose query matches `doc`."""
    return [name for name, tree in keywords if evaluate(tree, doc)]
