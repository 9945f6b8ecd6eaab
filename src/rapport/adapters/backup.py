"""The JSON backup: every row of every table, as plain values, in one file.

    {"format": "rapport-backup", "version": 1, "meta": {...},
     "tables": {"person": {"columns": ["id", ...], "rows": [[1, ...], ...]}, ...}}

Rows are lists in the order of `columns` (compact for millions of rows); values are
JSON scalars (dates and times as ISO text), JSON columns as they are. The services
say which table and column is which; this module only reads and writes the file.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

from rapport.adapters.limits import MAX_NESTING, Budget
from rapport.adapters.text import Source, opened, source_name, text_lines
from rapport.domain.text import strip_controls, text_problem
from rapport.errors import ImportFailed

FORMAT = "rapport-backup"
VERSION = 1


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: Iterable[Sequence[Any]]  # a list, or read as iterated (`stream`)

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
    """The backup in `source`, every row in memory (see `stream`)."""
    with stream(source, budget) as streamed:
        tables = {t.name: Table(t.name, t.columns, list(t.rows)) for t in streamed.tables}
        return Backup(streamed.meta, tables)


@dataclass(frozen=True)
class Streamed:
    """A backup as it is read: its tables in the file's order, each table's rows
    read as they are iterated, once (the next table reads past what is left)."""

    meta: dict[str, Any]
    tables: Iterator[Table]


@contextmanager
def stream(source: Source, budget: Budget | None = None) -> Iterator[Streamed]:
    """The backup in `source`, checked for shape as it is read, its text stripped of
    control characters; ImportFailed (when read that far) when it is not one, nests
    deeper than MAX_NESTING or holds text no backend stores (a lone surrogate, a
    NUL). A file laid out as `write` lays it out (one row a line) is read line by
    line, in memory flat in its size; any other JSON is read whole."""
    budget = budget or Budget()
    name = source_name(source)
    with opened(source) as handle:
        lines = text_lines(handle, name)
        first = list(itertools.islice(lines, 2))
        if len(first) == 2 and _our_layout(first):
            yield Streamed(_meta(_header(first[0], name), name), _tables(lines, 3, name, budget))
            return
        data = _loaded("\n".join(itertools.chain(first, lines)), name)
        _meta(data, name)
        raw_tables = data.get("tables")
        if not isinstance(raw_tables, dict):
            raise ImportFailed("the backup has no tables", source=name)
        # read whole, checked whole: a problem anywhere in it is told before anything
        tables = [
            _checked(table_name, body, name, budget) for table_name, body in raw_tables.items()
        ]
        meta = data.get("meta")
        yield Streamed(meta if isinstance(meta, dict) else {}, iter(tables))


_START = '{"format": "rapport-backup", "version": '


def _our_layout(first: Sequence[str]) -> bool:
    return first[0].startswith(_START) and first[0].endswith(",") and first[1] == '"tables": {'


def _loaded(text: str, name: str, line: int | None = None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"not valid JSON: {exc.msg}", line=line or exc.lineno, source=name
        ) from exc
    except RecursionError as exc:  # the parser recurses once per level of nesting
        raise ImportFailed(
            f"JSON nested deeper than {MAX_NESTING} levels: not a Rapport backup",
            line=line,
            source=name,
        ) from exc


def _header(line: str, name: str) -> Any:
    """The format, version and meta of the first line of a backup `write` wrote."""
    return _loaded(line + '"tables": {}}', name, 1)


def _meta(data: Any, name: str) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFailed('not a Rapport backup (no "format": "rapport-backup")', source=name)
    if data.get("version") != VERSION:
        raise ImportFailed(
            f"backup version {data.get('version')!r} is not one this Rapport reads ({VERSION})",
            source=name,
        )
    meta = data.get("meta")
    return meta if isinstance(meta, dict) else {}


def _layout(line: int, name: str) -> ImportFailed:
    return ImportFailed(
        "this line is not laid out as Rapport writes a backup (one row a line): nothing restored",
        line=line,
        source=name,
    )


def _tables(lines: Iterator[str], number: int, name: str, budget: Budget) -> Iterator[Table]:
    """The tables of a backup `write` wrote, from its third line (`number`) on."""
    reading: _Rows | None = None
    while True:
        if reading is not None:  # the rows the consumer left: read past them
            for _ in reading:
                pass
            number += reading.lines
            reading = None
        line = next(lines, None)
        if line is None:
            break
        text = line.strip()
        if text == "}}":
            for rest in lines:
                number += 1
                if rest.strip():
                    raise _layout(number, name)
            return
        head = text.removesuffix(",")
        if head.endswith('"rows": ['):
            body = _loaded("{" + head + "]}}", name, number)
            follows = True
        else:
            body = _loaded("{" + head + "}", name, number)
            follows = False
        if not isinstance(body, dict) or len(body) != 1:
            raise _layout(number, name)
        ((table_name, table),) = body.items()
        checked = _checked(table_name, table, name, budget)
        if follows:
            reading = _Rows(lines, number, checked, name, budget)
            yield Table(checked.name, checked.columns, reading)
        else:
            yield checked
        number += 1
    raise ImportFailed("the backup ends before its last table (truncated?)", source=name)


class _Rows:
    """The rows of one table, a line each, the last one closing the table."""

    def __init__(
        self, lines: Iterator[str], number: int, table: Table, name: str, budget: Budget
    ) -> None:
        self._lines = lines
        self.number = number  # the table's line
        self.lines = 0  # row lines read
        self.table = table
        self.name = name
        self.budget = budget
        self.done = False

    def __iter__(self) -> Iterator[list[Any]]:
        return self

    def __next__(self) -> list[Any]:
        if self.done:
            raise StopIteration
        line = next(self._lines, None)
        self.lines += 1
        number = self.number + self.lines
        if line is None:
            raise ImportFailed("the backup ends inside a table (truncated?)", source=self.name)
        text = line.strip().removesuffix(",")
        if text.endswith("]]}"):
            self.done = True
            text = text[:-2]
        elif not text.endswith("]"):
            raise _layout(number, self.name)
        row = _loaded(text, self.name, number)
        return _row(self.table, row, self.lines, self.name, self.budget)


def _checked(table_name: Any, body: Any, name: str, budget: Budget) -> Table:
    """The table `body` (columns and a list of rows) checked, its rows cleaned."""
    if not isinstance(body, dict):
        raise ImportFailed(f"table {table_name!r} is malformed", source=name)
    columns, rows = body.get("columns"), body.get("rows")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ImportFailed(f"table {table_name!r} has no column list", source=name)
    if not isinstance(rows, list):
        raise ImportFailed(f"table {table_name!r} has no rows list", source=name)
    table = Table(str(table_name), tuple(columns), ())
    for i, row in enumerate(rows, start=1):
        rows[i - 1] = _row(table, row, i, name, budget)
    return Table(table.name, table.columns, rows)


def _row(table: Table, row: Any, i: int, name: str, budget: Budget) -> list[Any]:
    """Row `i` of `table`, checked and cleaned."""
    if i % 1000 == 0:
        budget.check(source=name)
    if not isinstance(row, list) or len(row) != len(table.columns):
        raise ImportFailed(
            f"table {table.name!r} row {i} has not {len(table.columns)} values", source=name
        )
    try:
        return [_cleaned(value, 0) for value in row]
    except _Unstorable as exc:
        raise ImportFailed(f"table {table.name!r} row {i}: {exc.args[0]}", source=name) from None
