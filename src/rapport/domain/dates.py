"""Dates as people type them: 'yesterday', 'last tuesday', 'in 2 weeks', '2026-03-01'."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from rapport.errors import Invalid

Prefer = Literal["past", "future"]


def parse_day(
    text: str, today: dt.date, *, prefer: Prefer = "past", field: str = "date"
) -> dt.date:
    """The calendar day `text` names, relative to `today`. ISO dates are read exactly;
    phrases go through dateparser (English). Invalid when nothing sensible matches."""
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
    import dateparser  # imported here: 180 ms we only pay when a phrase is typed

    base = dt.datetime.combine(today, dt.time(12, 0))
    parsed = dateparser.parse(
        raw,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer},
    )
    if parsed is None:
        raise Invalid(
            field, f"cannot read {text!r} as a date (try 2026-03-01, yesterday, last friday)"
        )
    return parsed.date()


def parse_moment(text: str, today: dt.date, tz: dt.tzinfo, *, field: str = "when") -> dt.datetime:
    """An aware datetime for `text`; a bare day becomes noon local time on that day."""
    raw = text.strip()
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        return dt.datetime.combine(parse_day(raw, today, field=field), dt.time(12, 0), tzinfo=tz)
    if len(raw) <= 10:  # a bare ISO date parses as midnight: use noon like phrases do
        moment = moment.replace(hour=12)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
