"""Date arithmetic in SQL that both backends understand, for queries that rank or prune
rows by days (a person's keep-in-touch rhythm) in the database rather than in Python.

Moments are stored as naive UTC. `local_date` turns one into the calendar day of a
time zone exactly, daylight saving included, from the zone's own offset changes
(read from the tz database once per zone), so the database agrees with
`moment.astimezone(zone).date()` to the day.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, bindparam, case, cast, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from rapport.storage.schema import UTCDateTime

EARLIEST = dt.datetime(1970, 1, 1)  # moments before this take this day's offset
UNIVERSAL = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"})
PROBE = dt.timedelta(days=2)  # no zone has changed its offset twice within this


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


class DateAtOffset(FunctionElement[dt.date]):
    """The calendar day of a stored UTC moment shifted by `seconds` (an integer
    expression): `date(moment, 'N seconds')` on SQLite, a cast on PostgreSQL."""

    type = Date()
    inherit_cache = True
    name = "date_at_offset"


@compiles(DateAtOffset, "sqlite")
def _date_at_offset_sqlite(element: DateAtOffset, compiler: SQLCompiler, **kw: Any) -> str:
    moment, seconds = list(element.clauses)
    return (
        f"date({compiler.process(moment, **kw)}, ({compiler.process(seconds, **kw)}) || ' seconds')"
    )


@compiles(DateAtOffset)
def _date_at_offset_default(element: DateAtOffset, compiler: SQLCompiler, **kw: Any) -> str:
    moment, seconds = list(element.clauses)
    return (
        f"CAST({compiler.process(moment, **kw)} + "
        f"({compiler.process(seconds, **kw)}) * INTERVAL '1 second' AS DATE)"
    )


class DateOf(FunctionElement[dt.date]):
    """The calendar day of a stored UTC moment, in UTC."""

    type = Date()
    inherit_cache = True
    name = "date_of"


@compiles(DateOf, "sqlite")
def _date_of_sqlite(element: DateOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(DateOf)
def _date_of_default(element: DateOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


class DaysSince(FunctionElement[int]):
    """Whole days from the date expression `since` to `day` (positive when `since`
    is earlier)."""

    type = Integer()
    inherit_cache = True
    name = "days_since"


@compiles(DaysSince, "sqlite")
def _days_since_sqlite(element: DaysSince, compiler: SQLCompiler, **kw: Any) -> str:
    day, since = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(day, **kw)}) - "
        f"julianday({compiler.process(since, **kw)}) AS INTEGER)"
    )


@compiles(DaysSince)
def _days_since_default(element: DaysSince, compiler: SQLCompiler, **kw: Any) -> str:
    day, since = list(element.clauses)
    return f"({compiler.process(cast(day, Date), **kw)} - {compiler.process(since, **kw)})"


def shifted(day: dt.date, days: ColumnElement[Any]) -> ColumnElement[dt.date]:
    """The SQL date `day` + `days` (`days` evaluated per row)."""
    return DayPlus(bindparam(None, day, Date, literal_execute=True), cast(days, Integer))


def days_since(day: dt.date, since: ColumnElement[Any]) -> ColumnElement[int]:
    """Whole days from the SQL date `since` to `day`."""
    return DaysSince(bindparam(None, day, Date, literal_execute=True), since)


def local_date(moment: Any, zone: dt.tzinfo) -> ColumnElement[dt.date]:
    """The day in `zone` of the stored UTC `moment` (a column), exactly: the zone's
    offset changes become one CASE, newest first (recent moments decide in a
    comparison or two)."""
    changes = offset_changes(zone)
    if changes == ((EARLIEST, 0),):
        return DateOf(moment)
    if len(changes) == 1:
        return DateAtOffset(moment, literal(changes[0][1], Integer))
    # constants written into the SQL text (SQLite evaluates a parameter per row)
    newest_first = [
        (
            moment >= literal(start.replace(tzinfo=dt.UTC), UTCDateTime, literal_execute=True),
            literal(offset, Integer, literal_execute=True),
        )
        for start, offset in reversed(changes[1:])
    ]
    oldest = literal(changes[0][1], Integer, literal_execute=True)
    return DateAtOffset(moment, case(*newest_first, else_=oldest))


def offset_changes(zone: dt.tzinfo) -> tuple[tuple[dt.datetime, int], ...]:
    """(naive UTC moment, offset in seconds from then on), oldest first: the first
    applies to everything before the second."""
    key = getattr(zone, "key", None)
    if zone is dt.UTC or key in UNIVERSAL:
        return ((EARLIEST, 0),)
    if isinstance(zone, ZoneInfo) and key:
        return _changes(key)
    return _changes_of(zone)


# how far ahead the offset changes are known: calendars hold meetings years ahead;
# past this, a moment is taken at the zone's last known offset
AHEAD = dt.timedelta(days=10 * 365)


@functools.lru_cache(maxsize=16)
def _changes(key: str) -> tuple[tuple[dt.datetime, int], ...]:
    return _changes_of(ZoneInfo(key))


def _offset(zone: dt.tzinfo, naive_utc: dt.datetime) -> int:
    local = naive_utc.replace(tzinfo=dt.UTC).astimezone(zone)
    offset = local.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _changes_of(zone: dt.tzinfo) -> tuple[tuple[dt.datetime, int], ...]:
    """Probe the zone every two days from 1970 to `AHEAD` and pin each change
    down to the second by bisection (about 30 ms a zone, once per process)."""
    end = dt.datetime.now(dt.UTC).replace(tzinfo=None) + AHEAD
    changes = [(EARLIEST, _offset(zone, EARLIEST))]
    at, current = EARLIEST, changes[0][1]
    while at < end:
        probe = at + PROBE
        offset = _offset(zone, probe)
        if offset != current:
            low, high = 0, int(PROBE.total_seconds())  # offset(at + low) == current
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, at + dt.timedelta(seconds=middle)) == current:
                    low = middle
                else:
                    high = middle
            changes.append((at + dt.timedelta(seconds=high), offset))
            current = offset
        at = probe
    return tuple(changes)
