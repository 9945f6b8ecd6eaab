"""The floor of the importers: parse the file and write what the product writes,
directly against sqlite3. Not written yet: the importers' semantics (matching,
threading of mail into conversations, recurring events) are still settling, and a
floor must do exactly the same work to be a fair comparison."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from bench.ops import NotBuilt

Importer = Callable[[sqlite3.Connection, int, Path], int]
IMPORTERS: dict[str, Importer] = {}


def importer(kind: str) -> Importer:
    found = IMPORTERS.get(kind)
    if found is None:
        raise NotBuilt("no floor written yet")
    return found
