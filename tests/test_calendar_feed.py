"""The agenda feed (.ics) as a calendar app reads it: written by the service, parsed
back with icalendar and expanded with recurring-ical-events, as clients do."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from rapport.domain.milestones import series_start
from rapport.services import exports, imports
from rapport.services.context import Ctx

LEAP_DAY_CARD = b"""BEGIN:VCARD
VERSION:4.0
FN:Lea Fevereiro
BDAY:--0229
END:VCARD
"""


def _birthdays_in(ctx: Ctx, year: int) -> list[dt.date]:
    import icalendar
    import recurring_ical_events

    out = io.StringIO()
    exports.ics_feed(ctx, out)
    calendar = icalendar.Calendar.from_ical(out.getvalue())
    found = recurring_ical_events.of(calendar).between(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    return [e.decoded("DTSTART") for e in found if "birthday" in str(e["SUMMARY"])]


def test_a_year_less_leap_day_birthday_is_on_the_29th_in_leap_years(ctx: Ctx) -> None:
    imports.run(ctx, LEAP_DAY_CARD)
    assert _birthdays_in(ctx, 2028) == [dt.date(2028, 2, 29)]  # never the 28th as well
    assert _birthdays_in(ctx, 2027) == [dt.date(2027, 2, 28)]  # the agenda's day in common years
    assert _birthdays_in(ctx, ctx.today.year) == [dt.date(2026, 2, 28)]
    assert _birthdays_in(ctx, 2032) == [dt.date(2032, 2, 29)]


def test_an_ordinary_yearly_birthday_keeps_its_day(ctx: Ctx) -> None:
    imports.run(ctx, LEAP_DAY_CARD.replace(b"--0229", b"--0612"))
    for year in (2026, 2027, 2028):
        assert _birthdays_in(ctx, year) == [dt.date(year, 6, 12)]


@pytest.mark.parametrize(
    ("month", "day", "year", "start"),
    [
        (2, 29, 2026, dt.date(2024, 2, 29)),
        (2, 29, 2024, dt.date(2024, 2, 29)),
        (2, 29, 2100, dt.date(2096, 2, 29)),  # 2100 is not a leap year
        (2, 28, 2026, dt.date(2026, 2, 28)),
        (6, 12, 2026, dt.date(2026, 6, 12)),
    ],
)
def test_a_yearly_series_starts_on_its_own_day(
    month: int, day: int, year: int, start: dt.date
) -> None:
    assert series_start(month, day, year) == start
