"""Date arithmetic in SQL that both backends understand, for queries that must prune
rows by a per-row number of days (a person's keep-in-touch rhythm) in the database
rather than in Python."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Integer, bindparam, cast
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class DayPlus(FunctionElement[dt.date]):
    """`day` + `days` (an integer expression) as a date: `date(day, 'N days')` on
    SQLite (text 'YYYY-MM-DD', which compares correctly with stored datetimes), a date
    plus an integer on PostgreSQL (compared with a timestamp, it is its midnight)."""

    type = Date()
    inherit_cache = True
    name = "day_plus"


@compiles(DayPlus, "sqlite")
def _day_plus_sqlite(element: DayPlus, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, ({compiler.process(days, **kw)}) || ' days')"


@compiles(DayPlus)
def _day_plus_default(element: DayPlus, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = list(element.clauses)
    return f"({compiler.process(cast(day, Date), **kw)} + ({compiler.process(days, **kw)}))"


def shifted(day: dt.date, days: ColumnElement[Any]) -> ColumnElement[dt.date]:
    """The SQL date `day` + `days` (`days` evaluated per row)."""
    return DayPlus(bindparam(None, day, Date), cast(days, Integer))
