"""Dates as people type them: 'yesterday', 'last tuesday', 'in 2 weeks', '2026-03-01',
'12/10/1985' (read in the workspace's date order: `domain.date_order`); and a span of
days written back as people write it ('16–18 Nov 2026')."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from rapport.domain.date_order import DateOrder, read_numeric
from rapport.errors import Invalid

Prefer = Literal["past", "future"]


def parse_day(
    text: str,
    today: dt.date,
    *,
    prefer: Prefer = "past",
    field: str = "date",
    order: DateOrder | None = None,
) -> dt.date:
    """The calendar day `text` names, relative to `today`. ISO dates are read exactly;
    numeric ones ('12/10/1985', '12.10', '12-10-85') in `order` (see `read_numeric`;
    without a year, the nearest such day in the direction `prefer` says); phrases go
    through dateparser (English). Invalid when nothing sensible matches."""
    raw = text.strip()
    if not raw:
        raise Invalid(field, "is empty")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    lowered = raw.lower()
    if lowered == "today":
        return today
    if lowered == "yesterday":
        return today - dt.timedelta(days=1)
    if lowered == "tomorrow":
        return today + dt.timedelta(days=1)
    numeric = read_numeric(raw, order, today=today, field=field)
    if numeric is not None:
        if numeric.year is not None:
            return dt.date(numeric.year, numeric.month, numeric.day)
        return _nearest(numeric.month, numeric.day, today, prefer)
    import dateparser  # imported here: 180 ms we only pay when a phrase is typed

    base = dt.datetime.combine(today, dt.time(12, 0))
    parsed = dateparser.parse(
        raw,
        languages=["en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": prefer,
            **({"DATE_ORDER": order} if order else {}),
        },
    )
    if parsed is None:
        raise Invalid(
            field, f"cannot read {text!r} as a date (try 2026-03-01, yesterday, last friday)"
        )
    return parsed.date()


def _nearest(month: int, day: int, today: dt.date, prefer: Prefer) -> dt.date:
    """(month, day) in the year nearest `today` that has it, on or before `today` (past)
    or on or after it (future)."""
    step = -1 if prefer == "past" else 1
    year = today.year
    while True:
        try:
            found = dt.date(year, month, day)
        except ValueError:  # 29 February: a leap year further on
            year += step
            continue
        if (found <= today) if prefer == "past" else (found >= today):
            return found
        year += step


def parse_moment(
    text: str,
    today: dt.date,
    tz: dt.tzinfo,
    *,
    field: str = "when",
    order: DateOrder | None = None,
) -> dt.datetime:
    """An aware datetime for `text`; a bare day becomes noon local time on that day."""
    raw = text.strip()
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        day = parse_day(raw, today, field=field, order=order)
        return dt.datetime.combine(day, dt.time(12, 0), tzinfo=tz)
    if len(raw) <= 10:  # a bare ISO date parses as midnight: use noon like phrases do
        moment = moment.replace(hour=12)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def day_range(starts: dt.date, ends: dt.date | None = None) -> str:
    """An event's days as people write them: '16 Nov 2026', '16–18 Nov 2026',
    '30 Nov – 2 Dec 2026', '30 Dec 2026 – 2 Jan 2027' (what both ends share, said once)."""
    if ends is None or ends <= starts:
        return f"{starts.day} {starts:%b %Y}"
    if (starts.year, starts.month) == (ends.year, ends.month):
        return f"{starts.day}–{ends.day} {ends:%b %Y}"
    if starts.year == ends.year:
        return f"{starts.day} {starts:%b} – {ends.day} {ends:%b %Y}"
    return f"{starts.day} {starts:%b %Y} – {ends.day} {ends:%b %Y}"
