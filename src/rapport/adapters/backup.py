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

from rapport.adapters.limits import MAX_NESTING, Budget
from rapport.adapters.text import Source, decode, read_bytes, source_name
from rapport.domain.text import strip_controls, text_problem
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


class _Unstorable(Exception):
    pass


def _cleaned(value: Any, depth: int) -> Any:
    """`value` with the control characters of its text removed; _Unstorable for text
    no backend stores or JSON nested deeper than MAX_NESTING."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise _Unstorable(f"a value {problem}")
        return strip_controls(value)
    if depth > MAX_NESTING:
        raise _Unstorable(f"a value nested deeper than {MAX_NESTING} levels")
    if isinstance(value, list):
        return [_cleaned(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_cleaned(k, depth + 1): _cleaned(v, depth + 1) for k, v in value.items()}
    return value


def looks_like_backup(text: str) -> bool:
    return text.lstrip().startswith("{") and FORMAT in text[:200]


def parse(source: Source, budget: Budget | None = None) -> Backup:
    """The backup in `source`, checked for shape, its text stripped of control
    characters; ImportFailed when it is not one, nests deeper than MAX_NESTING or
    holds text no backend stores (a lone surrogate, a NUL)."""
    budget = budget or Budget()
    name = source_name(source)
    text = decode(read_bytes(source), name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"not valid JSON: {exc.msg}", line=exc.lineno, source=name) from exc
    except RecursionError as exc:  # the parser recurses once per level of nesting
        raise ImportFailed(
            f"JSON nested deeper than {MAX_NESTING} levels: not a Rapport backup", source=name
        ) from exc
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
            budget.check(source=name)
            if not isinstance(row, list) or len(row) != len(columns):
                raise ImportFailed(
                    f"table {table_name!r} row {i} has not {len(columns)} values", source=name
                )
            try:
                row[:] = [_cleaned(value, 0) for value in row]
            except _Unstorable as exc:
                raise ImportFailed(
                    f"table {table_name!r} row {i}: {exc.args[0]}", source=name
                ) from None
        tables[table_name] = Table(table_name, tuple(columns), rows)
    meta = data.get("meta")
    return Backup(meta if isinstance(meta, dict) else {}, tables)
