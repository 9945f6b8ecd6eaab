"""Days in words: exact near today, coarser further out, the same both ways in time,
and a moment placed on its day in the workspace's zone, not the machine's."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.relative_time import in_days, relative, span
from rapport.services import workspace
from rapport.services.context import Rapport
from tests.cli_runner import Cli
from tests.factories import make_interaction, make_person

TODAY = dt.date(2026, 11, 23)
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
days = st.integers(min_value=-20_000, max_value=20_000)


def magnitude(words: str) -> int:
    """How many days a phrase says, at its unit's size ('7 weeks ago' → 49)."""
    exact = {"today": 0, "yesterday": 1, "tomorrow": 1}
    if words in exact:
        return exact[words]
    n, unit = words.removeprefix("in ").removesuffix(" ago").split()
    return int(n) * UNIT_DAYS[unit.removesuffix("s")]


def test_near_days_are_exact() -> None:
    assert [in_days(n) for n in (-3, -1, 0, 1, 3)] == [
        "3 days ago",
        "yesterday",
        "today",
        "tomorrow",
        "in 3 days",
    ]
    assert in_days(-13) == "13 days ago" and in_days(-14) == "2 weeks ago"


def test_far_days_take_a_coarser_unit() -> None:
    assert in_days(-53) == "7 weeks ago"
    assert in_days(387) == "in 12 months"
    assert in_days(-2518) == "6 years ago"
    assert span(1) == "1 day" and span(365 * 3) == "3 years"


@given(days)
def test_past_and_future_read_alike(n: int) -> None:
    past, future = in_days(-abs(n)), in_days(abs(n))
    if abs(n) == 0:
        assert past == future == "today"
    elif abs(n) == 1:
        assert (past, future) == ("yesterday", "tomorrow")
    else:
        assert past == span(abs(n)) + " ago"
        assert future == "in " + span(abs(n))


@given(days, days)
def test_further_away_never_reads_nearer(a: int, b: int) -> None:
    near, far = sorted((abs(a), abs(b)))
    for sign in (1, -1):
        assert magnitude(in_days(sign * near)) <= magnitude(in_days(sign * far))


@given(days)
def test_the_words_never_overstate_and_stay_close(n: int) -> None:
    words = in_days(n)
    said = magnitude(words)
    unit = 1 if abs(n) <= 1 else UNIT_DAYS[words.removesuffix(" ago").split()[-1].rstrip("s")]
    assert said <= abs(n)
    assert abs(n) - said < unit  # rounded down to its unit, no more
    assert 2 * said > abs(n) or n == 0  # and never less than half the truth


@given(days)
def test_the_direction_is_always_said(n: int) -> None:
    words = in_days(n)
    if n < -1:
        assert words.endswith(" ago")
    elif n > 1:
        assert words.startswith("in ")


def test_a_day_or_nothing() -> None:
    assert relative(None, TODAY, dt.UTC) == "never"
    assert relative(dt.date(2026, 11, 22), TODAY, ZoneInfo("Asia/Tokyo")) == "yesterday"


@pytest.fixture
def machine_in_honolulu() -> Iterator[None]:
    """The machine's clock in a zone far from the workspace's."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Honolulu"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.usefixtures("machine_in_honolulu")
def test_a_late_moment_falls_on_the_workspace_day_not_the_machine_day() -> None:
    late = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    assert relative(late, TODAY, ZoneInfo("Europe/London")) == "yesterday"
    assert relative(late, TODAY, ZoneInfo("Asia/Tokyo")) == "today"  # 08:30 on the 23rd
    assert relative(late, TODAY, ZoneInfo("America/New_York")) == "yesterday"
    naive = late.replace(tzinfo=None)  # as SQLite hands it back: UTC
    assert relative(naive, TODAY, ZoneInfo("Asia/Tokyo")) == "today"


@pytest.mark.usefixtures("machine_in_honolulu")
def test_the_cli_tells_days_in_the_workspace_zone(
    app: Rapport, database_url: str, tmp_path: Path
) -> None:
    with app.open(write=True, today=TODAY) as ctx:
        workspace.configure(ctx, timezone="Asia/Tokyo")
    with app.open(write=True, today=TODAY) as ctx:
        ana = make_person(ctx, "Ana Lima")
        late = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)  # 08:30 on the 23rd in Tokyo
        make_interaction(ctx, [ana.id], at=late, summary="Breakfast")
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    shown = cli("person", "show", "ana").stdout
    assert re.search(r"last contact\s+today", shown)
    assert "2026-11-23  meeting" in shown
    assert "today" in cli("person", "list").stdout
    assert "2026-11-23 meeting: Breakfast" in cli("brief", "ana").stdout
