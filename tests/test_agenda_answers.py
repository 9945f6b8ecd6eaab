"""Answering the agenda: references, the dismiss cycle of each kind, the rules a
user can change, and what a number means (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.domain.agenda import answers, facts, references, rules, sources
from rapport.domain.agenda.keep_in_touch import touch_due_reason
from rapport.errors import Conflict, Invalid
from rapport.services import agenda, agenda_listing, promises
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person

D = dt.timedelta
DEFAULT = rules.AgendaRules()


@pytest.mark.parametrize(
    ("key", "ref"),
    [
        ("touch:12:2026-10-01", "t12"),
        ("followup:4:met", "f4"),
        ("followup:4:9", "f4-9"),
        ("promise:12", "p12"),
        ("feedback:13", "p13"),
        ("nudge:14", "p14"),
        ("thanks:5", "th5"),
        ("milestone:7:2026-11-25", "m7"),
        ("anniversary:3:2026-11-25", "a3"),
        ("role:8", "r8"),
        ("strained:4:2026-01-01", "s4"),
        ("mentoring:2:2026-11-01", "g2"),
    ],
)
def test_every_key_has_a_short_reference_that_reads_back(key: str, ref: str) -> None:
    assert references.short_ref(key) == ref
    assert references.read(ref).ref == ref
    assert references.read(ref.upper()).ref == ref  # typed in capitals


def test_a_key_of_no_known_shape_is_its_own_reference() -> None:
    assert references.short_ref("odd") == "odd"
    assert references.short_ref("promise:x") == "promise:x"


def test_what_a_user_types_is_read_once() -> None:
    assert references.read("2") == references.Typed(position=2)
    assert references.read("#2") == references.Typed(person="#2")
    assert references.read("nadia") == references.Typed(person="nadia")
    with pytest.raises(Invalid):
        references.read("٢")


def _touch(cadence: int) -> facts.TouchDue:
    return facts.TouchDue(
        7, "Ana", None, cadence, cadence + 10, TODAY - D(days=40), 1.0, None, None, None
    )


def test_the_dismiss_cycle_of_each_kind() -> None:
    """The table in domain/agenda/answers.py, kind by kind."""
    checkin = touch_due_reason(_touch(30), TODAY)
    assert answers.dismissal(checkin, TODAY) == "until 23 December"  # one more rhythm
    ((_, nudge),) = sources.promise_reasons(
        [facts.PromiseFacts(1, 7, "them", "intro", TODAY - D(days=3), False)], TODAY, DEFAULT
    )
    assert answers.dismissal(nudge, TODAY) == "until 30 November"  # the next check
    birthday = facts.MilestoneFacts(
        "milestone:1", 1, 7, "birthday", None, 11, 25, None, False, 3, None
    )
    ((_, day),) = sources.milestone_reasons([birthday], TODAY, dt.UTC, {})
    assert answers.dismissal(day, TODAY) == "until 22 November 2027"  # next year's, its lead before
    once = facts.MilestoneFacts(
        "milestone:2", 2, 7, "custom", "launch", 11, 25, 2026, True, 3, None
    )
    ((_, launch),) = sources.milestone_reasons([once], TODAY, dt.UTC, {})
    assert answers.dismissal(launch, TODAY).startswith("for good")
    ((_, follow_up),) = sources.follow_up_reasons(
        [facts.FollowUpFacts(7, TODAY - D(days=10), 3, "PyCon", None)], TODAY, DEFAULT
    )
    assert follow_up.shown_until == TODAY + D(days=4)
    assert answers.dismissal(follow_up, TODAY) == (
        "for good (it is shown until 27 November only, before it would return)"
    )
    ((_, session),) = sources.mentoring_reasons(
        [facts.MentoringFacts(1, 7, "mentee", 21, TODAY - D(days=30), None, None)], TODAY
    )
    assert answers.dismissal(session, TODAY) == "until 14 December"  # one more session rhythm


def test_the_rules_come_from_the_workspace_with_defaults() -> None:
    assert rules.rules_from(None) == DEFAULT
    assert rules.rules_from({"thanks_after_days": 0}).thanks_after_days == 0
    # a value no longer accepted (an old backup) falls back to the default
    assert rules.rules_from({"follow_up_days": 0, "nonsense": 3}) == DEFAULT
    assert set(rules.RULES) == set(rules.DEFAULTS)
    with pytest.raises(Invalid, match="from 1 to 90"):
        rules.checked("follow_up_days", 91)
    thanks = [facts.ThanksFacts(1, 7, "advice", None, TODAY)]
    assert sources.thanks_reasons(thanks, TODAY, DEFAULT) == []
    assert len(sources.thanks_reasons(thanks, TODAY, rules.AgendaRules(thanks_after_days=0))) == 1


def test_a_dismissed_check_in_returns_after_one_more_rhythm(ctx) -> None:
    """A check-in's key names the day it fell due: without a contact it stays the
    same, so a dismissal without a day buried it for good."""
    ana = make_person(ctx, "Ana", types=["client"])  # a 30-day rhythm
    make_interaction(ctx, [ana.id], on=TODAY - D(days=40))
    assert agenda.dismiss(ctx, "ana") == f"Ana: dismissed t{ana.id} until 23 December"
    assert agenda.build(ctx, TODAY + D(days=29)).entries == []
    assert [e.person for e in agenda.build(ctx, TODAY + D(days=30)).entries] == ["Ana"]


def test_a_listing_is_remembered_per_interface_and_for_today_only(ctx) -> None:
    ana = make_person(ctx, "Ana")
    promises.promise(ctx, ana.id, "send the deck", due_on=TODAY)
    shown = agenda.show(ctx, "cli")
    assert shown.listing == agenda_listing.recall(ctx, "cli").digest  # type: ignore[union-attr]
    assert agenda.show(ctx, "cli", TODAY + D(days=1)).listing == ""  # another day's plan
    with pytest.raises(Conflict, match="no agenda was listed here today"):
        agenda.done(ctx, "1", interface="api")
    assert agenda.done(ctx, "1").startswith("Ana: done p")
