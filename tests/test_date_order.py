"""The workspace's date order: told from the time zone's country (a CLDR table kept
in step with Babel), and numeric dates read by it, in every form people type."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.domain import date_order
from rapport.domain.date_order import ORDERS, in_words, needs_echo, order_for_zone, read_numeric
from rapport.domain.dates import parse_day, parse_moment
from rapport.domain.milestones import parse_month_day
from rapport.errors import Invalid
from tests.conftest import TODAY

PATTERNS = {"DMY": "{d}{s}{m}{s}{y}", "MDY": "{m}{s}{d}{s}{y}", "YMD": "{y}{s}{m}{s}{d}"}


@pytest.mark.parametrize(
    ("zone", "order"),
    [
        ("Europe/Lisbon", "DMY"),
        ("Europe/London", "DMY"),
        ("America/Sao_Paulo", "DMY"),
        ("America/New_York", "MDY"),
        ("America/Los_Angeles", "MDY"),
        ("Asia/Manila", "MDY"),
        ("Asia/Tokyo", "YMD"),
        ("Asia/Shanghai", "YMD"),
        ("US/Eastern", "MDY"),  # an old name, linked to America/New_York
        ("UTC", None),
        ("Etc/GMT+3", None),
        ("Nowhere/City", None),
    ],
)
def test_the_order_comes_from_the_time_zones_country(zone: str, order: str | None) -> None:
    assert order_for_zone(zone) == order


def test_the_shipped_table_is_cldrs() -> None:
    """The table in the package is what Babel says today: regenerate it when not."""
    pytest.importorskip("babel")
    from tests import generate_date_orders

    found = generate_date_orders.table()
    for country in found:
        assert date_order.order_for_country(country) == found[country], country


def test_without_zone_tab_no_country_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(date_order, "_zone_tabs", list)
    date_order.zone_countries.cache_clear()
    try:
        assert order_for_zone("Europe/Lisbon") is None
    finally:
        monkeypatch.undo()
        date_order.zone_countries.cache_clear()
    assert order_for_zone("Europe/Lisbon") == "DMY"


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("12-10-1985", "DMY", dt.date(1985, 10, 12)),
        ("12/10/1985", "DMY", dt.date(1985, 10, 12)),
        ("12.10.85", "DMY", dt.date(1985, 10, 12)),
        ("12-10-1985", "MDY", dt.date(1985, 12, 10)),
        ("12/10/1985", "MDY", dt.date(1985, 12, 10)),
        ("12.10.85", "MDY", dt.date(1985, 12, 10)),
        ("85/10/12", "YMD", dt.date(1985, 10, 12)),
        ("1985/10/12", "YMD", dt.date(1985, 10, 12)),
        ("12/10", "DMY", dt.date(2026, 10, 12)),  # no year: the last one (past)
        ("12/10", "MDY", dt.date(2025, 12, 10)),
        ("12/10", "YMD", dt.date(2025, 12, 10)),  # month-day: the year left out
    ],
)
def test_numeric_dates_follow_the_order(text: str, order: str, expected: dt.date) -> None:
    assert parse_day(text, TODAY, order=order) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("order", [*ORDERS, None])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13/10/1985", dt.date(1985, 10, 13)),
        ("10/13/1985", dt.date(1985, 10, 13)),
        ("1985/10/12", dt.date(1985, 10, 12)),
        ("1985-10-12", dt.date(1985, 10, 12)),
        ("10 December 1985", dt.date(1985, 12, 10)),
        ("December 10, 1985", dt.date(1985, 12, 10)),
        ("Dec 10", dt.date(2025, 12, 10)),
        ("12/12/1985", dt.date(1985, 12, 12)),  # both readings are the same day
    ],
)
def test_unambiguous_forms_read_the_same_in_every_order(
    text: str, expected: dt.date, order: str | None
) -> None:
    assert parse_day(text, TODAY, order=order) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["12-10-1985", "12/10/1985", "12.10.85", "12/10"])
def test_without_an_order_an_ambiguous_date_is_refused_with_both_readings(text: str) -> None:
    with pytest.raises(Invalid, match=r"could be 12 October.* or 10 December") as caught:
        parse_day(text, TODAY, order=None)
    reason = caught.value.reason
    assert "'12 October" in reason and "rapport settings dates" in reason


def test_year_first_refuses_what_only_day_or_month_first_could_mean() -> None:
    with pytest.raises(Invalid, match="could be"):
        parse_day("12/10/1985", TODAY, order="YMD")


def test_iso_month_day_keeps_its_meaning_without_an_order() -> None:
    assert parse_month_day("06-12") == (6, 12, None)
    assert parse_month_day("06-12", "DMY") == (12, 6, None)
    with pytest.raises(Invalid, match="not a day"):
        parse_month_day("13-01")


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("12-10-1985", "DMY", (10, 12, 1985)),
        ("12-10-1985", "MDY", (12, 10, 1985)),
        ("12/10", "DMY", (10, 12, None)),
        ("12/10", "MDY", (12, 10, None)),
        ("29/02", "DMY", (2, 29, None)),
        ("12 October", "MDY", (10, 12, None)),
    ],
)
def test_yearly_dates_follow_the_order(
    text: str, order: str, expected: tuple[int, int, int | None]
) -> None:
    assert parse_month_day(text, order, today=TODAY) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["31/02/1985", "13/13/1985", "00/10/1985", "32.1.85"])
def test_a_date_no_order_can_read_is_refused(text: str) -> None:
    with pytest.raises(Invalid, match="not a day of the calendar"):
        parse_day(text, TODAY, order="DMY")


def test_two_digit_years_fall_within_80_years_back_and_20_ahead() -> None:
    assert parse_day("12.10.85", TODAY, order="DMY").year == 1985
    assert parse_day("12.10.46", TODAY, order="DMY").year == 2046
    assert parse_day("12.10.47", TODAY, order="DMY").year == 1947


def test_a_moment_reads_the_day_in_the_order() -> None:
    tz = dt.UTC
    moment = parse_moment("12/10/2026", TODAY, tz, order="DMY")
    assert moment == dt.datetime(2026, 10, 12, 12, 0, tzinfo=tz)


def test_only_a_date_another_order_reads_otherwise_is_echoed() -> None:
    assert needs_echo("12/10/1985") and needs_echo("12-10") and needs_echo("12.10.85")
    assert not needs_echo("13/10/1985")
    assert not needs_echo("12/12/1985")
    assert not needs_echo("1985-10-12") and not needs_echo("12 October 1985")
    assert in_words(10, 12, 1985) == "12 October 1985" and in_words(12, 10) == "10 December"


days = st.dates(dt.date(1910, 1, 1), dt.date(2045, 12, 31))


@given(days, st.sampled_from(ORDERS), st.sampled_from("-/."), st.booleans())
def test_a_date_written_in_an_orders_pattern_reads_back_as_itself(
    day: dt.date, order: str, sep: str, padded: bool
) -> None:
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if padded else (str(day.day), str(day.month))
    text = PATTERNS[order].format(d=d, m=m, y=day.year, s=sep)
    assert parse_day(text, TODAY, order=order) == day  # type: ignore[arg-type]
    found = read_numeric(text, order)  # type: ignore[arg-type]
    assert found is not None and (found.year, found.month, found.day) == (
        day.year,
        day.month,
        day.day,
    )


@given(days, st.sampled_from([*ORDERS, None]))
def test_iso_reads_the_same_in_every_order(day: dt.date, order: str | None) -> None:
    assert parse_day(day.isoformat(), TODAY, order=order) == day  # type: ignore[arg-type]
    assert parse_month_day(day.isoformat(), order) == (  # type: ignore[arg-type]
        day.month,
        day.day,
        day.year,
    )
    assert parse_day(in_words(day.month, day.day, day.year), TODAY, order=order) == day  # type: ignore[arg-type]


@given(st.text(max_size=20), st.sampled_from([*ORDERS, None]))
def test_any_text_is_a_date_or_invalid(text: str, order: str | None) -> None:
    """Never another exception: a date, None (not a numeric date) or Invalid."""
    with contextlib.suppress(Invalid):
        found = read_numeric(text, order)  # type: ignore[arg-type]
        assert found is None or dt.date(found.year or 2000, found.month, found.day)
