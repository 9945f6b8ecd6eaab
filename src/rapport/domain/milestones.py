"""Milestone dates: the next occurrence of a yearly date, Feb 29 included."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from rapport.domain.date_order import DateOrder, read_numeric
from rapport.errors import Invalid

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})


def occurrence(month: int, day: int, year: int) -> dt.date:
    """The date of (month, day) in `year`; Feb 29 falls on Feb 28 in common years."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def series_start(month: int, day: int, year: int) -> dt.date:
    """The date a yearly series of (month, day) starts from, in `year`, or for Feb 29
    in the latest leap year up to `year`: a calendar repeating it must be given the
    29th itself, which a common year does not have."""
    if (month, day) == (2, 29):
        while not calendar.isleap(year):
            year -= 1
    return dt.date(year, month, day)


def next_occurrence(
    month: int, day: int, today: dt.date, *, once_year: int | None = None
) -> dt.date | None:
    """The first occurrence on or after `today`; for a one-off date (once_year), that
    date if it has not passed, else None."""
    if once_year is not None:
        when = occurrence(month, day, once_year)
        return when if when >= today else None
    this_year = occurrence(month, day, today.year)
    return this_year if this_year >= today else occurrence(month, day, today.year + 1)


def parse_month_day(
    text: str,
    order: DateOrder | None = None,
    *,
    today: dt.date | None = None,
    field: str = "date",
) -> tuple[int, int, int | None]:
    """(month, day, year or None) from '1985-06-12', '--06-12' (vCard), '12 June',
    'June 12', 'Jun 12 1985', or numbers in `order` ('12/06', '12-06-1985', '12.6.85';
    see `date_order.read_numeric`). Invalid for anything else or an impossible day."""
    raw = text.strip().lower().replace(",", " ")
    year: int | None = None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif m := re.fullmatch(r"--(\d{1,2})-(\d{1,2})", raw):
        month, day = int(m.group(1)), int(m.group(2))
    elif numeric := read_numeric(raw, order, today=today, field=field):
        year, month, day = numeric.year, numeric.month, numeric.day
    else:
        words = raw.split()
        month = day = 0
        for word in words:
            if word in _MONTHS:
                month = _MONTHS[word]
            elif word.isdigit() and len(word) == 4:
                year = int(word)
            elif word.rstrip("stndrh").isdigit():
                day = int(word.rstrip("stndrh"))
        if not month or not day or len(words) > 3:
            raise Invalid(field, f"cannot read {text!r} (try 1985-06-12, 'June 12' or '12 June')")
    if not 1 <= month <= 12:
        raise Invalid(field, f"{text!r} has no month {month}")
    leap_year = 2000
    try:
        dt.date(year or leap_year, month, day)
    except ValueError as exc:
        raise Invalid(field, f"{text!r} is not a day of the calendar") from exc
    return month, day, year
