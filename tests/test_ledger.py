"""Promises, favours, milestones, events, feedback, mentoring and introductions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.milestones import next_occurrence, occurrence, parse_month_day
from rapport.errors import Invalid, NotFound
from rapport.services import events, favours, mentoring, milestones, promises
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person


def test_promises_both_ways_and_their_resolution(ctx) -> None:
    ana = make_person(ctx)
    origin = make_interaction(ctx, [ana.id])
    mine = promises.promise(
        ctx,
        ana.id,
        "send the deck",
        due_on=TODAY + dt.timedelta(days=2),
        origin_interaction_id=origin.id,
    )
    theirs = promises.promise(ctx, ana.id, "intro to their CFO", owner="them")
    assert [p.id for p in promises.listing(ctx)] == [mine.id, theirs.id]  # dated first
    assert [p.id for p in promises.listing(ctx, owner="them")] == [theirs.id]
    kept = promises.resolve(ctx, mine.id, "kept")
    assert kept.status == "kept" and kept.resolved_at is not None
    assert [p.id for p in promises.listing(ctx)] == [theirs.id]
    assert len(promises.listing(ctx, status=None)) == 2
    with pytest.raises(Invalid):
        promises.resolve(ctx, theirs.id, "forgotten")
    with pytest.raises(NotFound):
        promises.resolve(ctx, 999, "kept")
    with pytest.raises(Invalid):
        promises.promise(ctx, ana.id, "  ")


def test_favours_balance_and_thanks(ctx) -> None:
    ana = make_person(ctx)
    favours.record(ctx, ana.id, "given", "advice", note="pricing")
    got = favours.record(ctx, ana.id, "received", "intro", note="to Bruno")
    assert got.kind == "introduction"
    balance = favours.balance(ctx, ana.id)
    assert (balance.given, balance.received, balance.unthanked) == (1, 1, 1)
    favours.thank(ctx, got.id)
    assert favours.balance(ctx).unthanked == 0
    given = favours.listing(ctx, person_id=ana.id)[-1]
    with pytest.raises(Invalid, match="only help you received"):
        favours.thank(ctx, given.id)
    with pytest.raises(Invalid, match="future"):
        favours.record(ctx, ana.id, "given", "advice", occurred_on=TODAY + dt.timedelta(days=1))


def test_upcoming_milestones_across_the_year_end(open_ctx) -> None:
    day = dt.date(2026, 12, 28)
    with open_ctx(today=day) as ctx:
        ana, bruno = make_person(ctx, "Ana"), make_person(ctx, "Bruno")
        milestones.add(ctx, ana.id, "birthday", 1, 2)
        milestones.add(ctx, bruno.id, "birthday", 12, 27)  # just passed
        milestones.add(ctx, bruno.id, "custom", 12, 31, label="company anniversary party")
        found = milestones.upcoming(ctx, within_days=7)
    assert [(m.person, m.next_on) for m in found] == [
        ("Bruno", dt.date(2026, 12, 31)),
        ("Ana", dt.date(2027, 1, 2)),
    ]


def test_leap_day_birthdays_fall_on_feb_28_in_common_years(open_ctx) -> None:
    with open_ctx(today=dt.date(2027, 2, 20)) as ctx:
        leap = make_person(ctx, "Leap")
        milestones.add(ctx, leap.id, "birthday", 2, 29, year=1996)
        found = milestones.upcoming(ctx, within_days=10)
    assert [m.next_on for m in found] == [dt.date(2027, 2, 28)]


def test_milestone_validation(ctx) -> None:
    ana = make_person(ctx)
    with pytest.raises(Invalid, match="label"):
        milestones.add(ctx, ana.id, "custom", 5, 1)
    with pytest.raises(Invalid, match="year"):
        milestones.add(ctx, ana.id, "promotion", 5, 1)
    once = milestones.add(ctx, ana.id, "promotion", 5, 1, year=2025)
    assert once.recurrence == "once" and once.next_on is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985-06-12", (6, 12, 1985)),
        ("06-12", (6, 12, None)),
        ("--06-12", (6, 12, None)),
        ("June 12", (6, 12, None)),
        ("12 jun 1990", (6, 12, 1990)),
        ("Feb 29", (2, 29, None)),
    ],
)
def test_month_day_phrases(text, expected) -> None:
    assert parse_month_day(text) == expected


@pytest.mark.parametrize("text", ["02-30", "13-01", "someday", "1985-02-29", ""])
def test_impossible_dates_are_refused(text) -> None:
    with pytest.raises(Invalid):
        parse_month_day(text)


@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
    st.integers(1, 12),
    st.integers(1, 31),
)
def test_next_occurrence_is_the_first_on_or_after_today(today, month, day) -> None:
    try:
        dt.date(2000, month, day)
    except ValueError:
        return
    when = next_occurrence(month, day, today)
    assert when is not None
    assert today <= when and (when - today).days <= 366
    assert (when.month, when.day) in {(month, day), (2, 28)}
    assert when == occurrence(month, day, when.year)
    # nothing between today and the answer is an occurrence
    previous = when - dt.timedelta(days=1)
    assert previous < today or occurrence(month, day, previous.year) != previous


def test_events_quick_capture_and_follow_up_counts(ctx) -> None:
    conf = events.create(ctx, "PyCon", TODAY - dt.timedelta(days=3), place="Lisbon")
    ana = make_person(ctx)
    shown = events.met(ctx, conf.id, ana.id, "works on compilers")
    assert [(a.person, a.note) for a in shown.attendees] == [("Ana Lima", "works on compilers")]
    events.met(ctx, conf.id, ana.id)  # meeting twice is still one attendee
    assert len(events.show(ctx, conf.id).attendees) == 1
    with pytest.raises(Invalid):
        events.create(ctx, "Bad", TODAY, ends_on=TODAY - dt.timedelta(days=1))


def test_feedback_action_items_become_my_promises(ctx) -> None:
    boss = make_person(ctx, "Maria Boss", types=["manager"])
    fb = mentoring.record_feedback(
        ctx,
        boss.id,
        "Share progress earlier",
        actions=["weekly update email", "demo on Friday"],
        due_on=TODAY + dt.timedelta(days=7),
    )
    assert [a.description for a in fb.actions] == ["weekly update email", "demo on Friday"]
    mine = promises.listing(ctx, owner="me")
    assert {p.description for p in mine} == {"weekly update email", "demo on Friday"}
    assert mentoring.feedback(ctx, person_id=boss.id)[0].content == "Share progress earlier"


def test_mentorship_and_introductions(ctx) -> None:
    mentor, ana, bruno = (
        make_person(ctx, "Mona Mentor"),
        make_person(ctx),
        make_person(ctx, "Bruno"),
    )
    m = mentoring.start_mentorship(
        ctx, mentor.id, "mentor", goals="become a CTO", session_cadence_days=30
    )
    assert (m.their_role, m.started_on) == ("mentor", TODAY)
    made = mentoring.introduce(ctx, ana.id, to_person_id=bruno.id)
    assert (made.introducer, made.person, made.to_person) == ("me", "Ana Lima", "Bruno")
    received = mentoring.introduce(ctx, bruno.id, introducer_id=mentor.id)
    assert (received.introducer, received.to_person) == ("Mona Mentor", "me")
    assert len(mentoring.introductions(ctx, person_id=bruno.id)) == 2
    with pytest.raises(Invalid):
        mentoring.introduce(ctx, ana.id, to_person_id=ana.id)
    with pytest.raises(Invalid):
        mentoring.start_mentorship(ctx, ana.id, "guru")
