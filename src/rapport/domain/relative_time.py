"""Time told relative to today: 'today', 'yesterday', '3 days ago', 'in 5 days',
'7 weeks ago', 'never'. The one rule the CLI, the web pages and the agenda phrase
days with, so the same day never reads two ways.

A moment (a datetime) falls on a day of the workspace's time zone, never the
machine's: 23:30 UTC is "today" in London and already "tomorrow" in Tokyo.
"""

from __future__ import annotations

import datetime as dt

# (up to this many days, unit, days per unit): exact days for two weeks, then
# coarser units, so "45 days" reads "6 weeks" and a stale tie "3 years"
SPANS: tuple[tuple[int, str, int], ...] = (
    (13, "day", 1),
    (59, "week", 7),
    (729, "month", 30),
)
YEAR_DAYS = 365


def plural(n: int, word: str) -> str:
    """'1 day', '2 days'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def span(days: int) -> str:
    """A length of `days` (0 or more) in its unit: '3 days', '7 weeks', '2 years'."""
    for most, unit, size in SPANS:
        if days <= most:
            return plural(days // size, unit)
    return plural(days // YEAR_DAYS, "year")


def in_days(days: int) -> str:
    """The day `days` after today (negative: before it), in words."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {span(days)}" if days > 0 else f"{span(-days)} ago"


def day_of(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The day `moment` falls on in `tz` (a naive moment is taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).date()


def relative(when: dt.datetime | dt.date | None, today: dt.date, tz: dt.tzinfo) -> str:
    """`when` (a moment, a day, or None for 'never') told from `today` in zone `tz`."""
    if when is None:
        return "never"
    day = day_of(when, tz) if isinstance(when, dt.datetime) else when
    return in_days((day - today).days)


def when_ahead(moment: dt.datetime, today: dt.date) -> str:
    """A moment still to come (in the user's zone), as said aloud: 'today at 15:30',
    'tomorrow at 10:00', 'on Thursday at 09:00', 'on 14 December at 10:00'."""
    days = (moment.date() - today).days
    if days <= 1:
        day = in_days(max(days, 0))
    elif days < 7:
        day = f"on {moment:%A}"
    else:
        day = f"on {moment.day} {moment:%B}"
    return f"{day} at {moment:%H:%M}"
