"""The JSON backup: every row of every table, as plain values, in one file.

    {"format": "rapport-backup", "version": 1, "meta": {...},
     "tables": {"person": {"columns": ["id", ...], "rows": [[1, ...], ...]}, ...}}

Rows are lists in the order of `columns` (compact for millions of rows); values are
JSON scalars (dates and times as ISO text), JSON columns as they are. The services
say which table and column is which; this module only reads and writes the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from rapport.adapters.text import Source, decode, read_bytes, source_name
from rapport.errors import ImportFailed

FORMAT = "rapport-backup"
VERSION = 1


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]

    def dicts(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=True))


@dataclass(frozen=True)
class Backup:
    meta: dict[str, Any]
    tables: dict[str, Table]


def write(
    meta: dict[str, Any],
    tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    stream: TextIO,
) -> int:
    """Stream a backup to `stream`, one row per line; returns the number of rows."""
    stream.write(f'{{"format": {json.dumps(FORMAT)}, "version": {VERSION}, ')
    stream.write(f'"meta": {json.dumps(meta, ensure_ascii=False, sort_keys=True)},\n"tables": {{')
    count = 0
    for t, (name, columns, rows) in enumerate(tables):
        stream.write(",\n" if t else "\n")
        stream.write(f'{json.dumps(name)}: {{"columns": {json.dumps(list(columns))}, "rows": [')
        for r, row in enumerate(rows):
            stream.write(",\n  " if r else "\n  ")
            stream.write(json.dumps(list(row), ensure_ascii=False, separators=(",", ":")))
            count += 1
        stream.write("]}")
    stream.write("\n}}\n")
    return count


def looks_like_backup(text: str) -> bool:
    return text.lstrip().startswith("{") and FORMAT in text[:200]


def parse(source: Source) -> Backup:
    """The backup in `source`, checked for shape; ImportFailed when it is not one."""
    name = source_name(source)
    text = decode(read_bytes(source), name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"not valid JSON: {exc.msg}", line=exc.lineno, source=name) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFailed('not a Rapport backup (no "format": "rapport-backup")', source=name)
    if data.get("version") != VERSION:
        raise ImportFailed(
            f"backup version {data.get('version')!r} is not one this Rapport reads ({VERSION})",
            source=name,
        )
    raw_tables = data.get("tables")
    if not isinstance(raw_tables, dict):
        raise ImportFailed("the backup has no tables", source=name)
    tables: dict[str, Table] = {}
    for table_name, body in raw_tables.items():
        if not isinstance(body, dict):
            raise ImportFailed(f"table {table_name!r} is malformed", source=name)
        columns, rows = body.get("columns"), body.get("rows")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ImportFailed(f"table {table_name!r} has no column list", source=name)
        if not isinstance(rows, list):
            raise ImportFailed(f"table {table_name!r} has no rows list", source=name)
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, list) or len(row) != len(columns):
                raise ImportFailed(
                    f"table {table_name!r} row {i} has not {len(columns)} values", source=name
                )
        tables[table_name] = Table(table_name, tuple(columns), rows)
    meta = data.get("meta")
    return Backup(meta if isinstance(meta, dict) else {}, tables)
