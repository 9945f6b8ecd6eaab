"""Each source of the agenda, boundaries, merging, and done/snooze/dismiss."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.errors import Invalid, NotFound
from rapport.services import agenda, events, favours, mentoring, milestones, people, promises
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person

D = dt.timedelta


def _kinds(ctx, day: dt.date | None = None) -> dict[str, list[str]]:
    return {e.person: [r.kind for r in e.reasons] for e in agenda.build(ctx, day).entries}


def test_follow_up_after_an_event_names_the_event(ctx) -> None:
    conf = events.create(ctx, "PyCon", TODAY - D(days=3))
    ana = make_person(ctx, "Ana Lima")
    events.met(ctx, conf.id, ana.id, "compilers")
    entry = agenda.build(ctx).entries[0]
    assert entry.kind == "follow-up"
    assert entry.reasons[0].text == "met at PyCon 3 days ago and not yet followed up (compilers)"
    make_interaction(ctx, [ana.id], kind="email", on=TODAY)
    assert agenda.build(ctx).entries == []


def test_follow_up_for_someone_met_without_an_event(ctx) -> None:
    make_person(ctx, "Ana Lima", met_on=TODAY - D(days=2))
    assert _kinds(ctx) == {"Ana Lima": ["follow-up"]}
    assert _kinds(ctx, TODAY + D(days=20)) == {}  # the window has passed


def test_promises_mine_due_soon_and_theirs_overdue(ctx) -> None:
    ana, bruno = make_person(ctx, "Ana"), make_person(ctx, "Bruno")
    promises.promise(ctx, ana.id, "send the deck", due_on=TODAY + D(days=5))
    promises.promise(ctx, bruno.id, "intro to Dana", owner="them", due_on=TODAY - D(days=1))
    assert _kinds(ctx) == {"Bruno": ["nudge"]}
    later = agenda.build(ctx, TODAY + D(days=4)).entries
    texts = {e.person: e.reasons[0].text for e in later}
    assert texts["Ana"] == "you promised to send the deck, due tomorrow"
    assert agenda.build(ctx, TODAY + D(days=7)).entries[0].reasons[0].text == (
        "you promised to send the deck: 2 days overdue"
    )


def test_thanks_owed_after_a_few_days(ctx) -> None:
    ana = make_person(ctx)
    got = favours.record(ctx, ana.id, "received", "referral", note="to Acme", occurred_on=TODAY)
    assert _kinds(ctx) == {}
    assert _kinds(ctx, TODAY + D(days=2)) == {"Ana Lima": ["thanks"]}
    favours.thank(ctx, got.id)
    assert _kinds(ctx, TODAY + D(days=2)) == {}


def test_milestones_within_their_lead_time(ctx) -> None:
    ana = make_person(ctx)
    day = TODAY + D(days=5)
    milestones.add(ctx, ana.id, "birthday", day.month, day.day, lead_days=3)
    assert _kinds(ctx) == {}
    assert _kinds(ctx, TODAY + D(days=2)) == {"Ana Lima": ["milestone"]}
    assert agenda.build(ctx, day).entries[0].reasons[0].text == "birthday today"


def test_birthday_in_an_eastern_time_zone_starts_on_their_day(open_ctx) -> None:
    with open_ctx() as ctx:
        from rapport.services import workspace

        workspace.configure(ctx, timezone="America/Los_Angeles")
    with open_ctx() as ctx:
        kiri = make_person(ctx, "Kiri", timezone="Pacific/Kiritimati")  # UTC+14
        tomorrow = TODAY + D(days=1)
        milestones.add(ctx, kiri.id, "birthday", tomorrow.month, tomorrow.day, lead_days=0)
        reason = agenda.build(ctx).entries[0].reasons[0]
    assert reason.text == "birthday today (their time)"


def test_work_anniversary_from_the_role_history(ctx) -> None:
    ana = make_person(ctx, "Ana Lima", organization="Acme", title="CTO")
    from rapport.storage.schema import Role

    role = ctx.session.query(Role).filter_by(person_id=ana.id).one()
    role.started_on = dt.date(2023, TODAY.month, TODAY.day) + D(days=2)
    ctx.session.flush()
    reason = agenda.build(ctx).entries[0].reasons[0]
    assert reason.kind == "milestone" and reason.text == "3 years at Acme in 2 days"


def test_role_change_until_acknowledged(ctx) -> None:
    ana = make_person(ctx, "Ana Lima", organization="Acme", title="Engineer")
    people.edit(ctx, ana.id, {"title": "VP Engineering", "organization": "Globex"})
    entry = agenda.build(ctx).entries[0]
    assert entry.reasons[0].text == "new role: VP Engineering at Globex"
    agenda.done(ctx, "ana", note="Congratulated her")
    assert agenda.build(ctx).entries == []
    assert agenda.build(ctx, TODAY + D(days=1)).entries == []


def test_strained_until_a_repair_step(ctx) -> None:
    ana = make_person(ctx)
    people.edit(ctx, ana.id, {"strained": True, "strained_context": "missed the launch"})
    assert agenda.build(ctx).entries[0].reasons[0].text == (
        f"relationship strained since {TODAY}: missed the launch; no repair step yet"
    )
    make_interaction(ctx, [ana.id], on=TODAY + D(days=1), tone="tense")
    assert _kinds(ctx, TODAY + D(days=1)) == {}


def test_a_repair_logged_the_day_the_tie_was_marked_strained_counts(ctx) -> None:
    """Marked strained in the morning, the repair call logged that afternoon: the
    tie is no longer waiting for a first repair step."""
    ana = make_person(ctx)
    people.edit(ctx, ana.id, {"strained": True, "strained_context": "missed the launch"})
    assert _kinds(ctx) == {"Ana Lima": ["strained"]}
    make_interaction(ctx, [ana.id], on=TODAY, summary="Apologised and listened")
    assert _kinds(ctx) == {}
    assert _kinds(ctx, TODAY + D(days=1)) == {}


def test_mentoring_sessions_by_their_rhythm(ctx) -> None:
    mona = make_person(ctx, "Mona")
    mentoring.start_mentorship(ctx, mona.id, "mentor", session_cadence_days=30, started_on=TODAY)
    assert _kinds(ctx, TODAY + D(days=29)) == {}
    assert _kinds(ctx, TODAY + D(days=30)) == {"Mona": ["mentoring"]}


def test_feedback_action_items(ctx) -> None:
    boss = make_person(ctx, "Maria")
    mentoring.record_feedback(
        ctx, boss.id, "Speak up in meetings", actions=["prepare one point per meeting"]
    )
    assert _kinds(ctx) == {"Maria": ["feedback"]}
    agenda.done(ctx, "maria")
    assert _kinds(ctx) == {}
    assert promises.listing(ctx, status="kept")[0].description == "prepare one point per meeting"


def test_a_person_appears_once_with_all_their_reasons(ctx) -> None:
    ana = make_person(ctx, "Ana", types=["client"], met_on=TODAY - D(days=200))
    promises.promise(ctx, ana.id, "send the deck", due_on=TODAY)
    favours.record(ctx, ana.id, "received", "advice", occurred_on=TODAY - D(days=5))
    entries = agenda.build(ctx).entries
    assert len(entries) == 1
    assert [r.kind for r in entries[0].reasons] == ["promise", "thanks", "keep-in-touch"]


def test_boundaries_hold_back_contact_but_not_my_promises(ctx) -> None:
    ana = make_person(ctx, "Ana", types=["client"], met_on=TODAY - D(days=200))
    promises.promise(ctx, ana.id, "send the deck", due_on=TODAY)
    people.edit(ctx, ana.id, {"not_before": TODAY + D(days=10)})
    assert _kinds(ctx) == {"Ana": ["promise"]}
    people.edit(ctx, ana.id, {"not_before": None, "max_contact_days": 30})
    make_interaction(ctx, [ana.id], on=TODAY - D(days=40))
    assert _kinds(ctx) == {"Ana": ["promise", "keep-in-touch"]}
    make_interaction(ctx, [ana.id], on=TODAY - D(days=3), kind="email")
    favours.record(ctx, ana.id, "received", "advice", occurred_on=TODAY - D(days=3))
    assert _kinds(ctx) == {"Ana": ["promise"]}  # thanks waits: contacted 3 days ago


def test_archived_people_never_appear(ctx) -> None:
    ana = make_person(ctx, "Ana", types=["client"], met_on=TODAY - D(days=200))
    promises.promise(ctx, ana.id, "send the deck", due_on=TODAY)
    people.archive(ctx, ana.id)
    assert agenda.build(ctx).entries == []


def test_snooze_hides_until_the_day_and_dismiss_for_this_cycle(ctx) -> None:
    make_person(ctx, "Ana", types=["client"], met_on=TODAY - D(days=40))
    bruno = make_person(ctx, "Bruno", types=["client"], met_on=TODAY - D(days=40))
    agenda.snooze(ctx, "ana", TODAY + D(days=3))
    assert [e.person for e in agenda.build(ctx).entries] == ["Bruno"]
    assert [e.person for e in agenda.build(ctx, TODAY + D(days=3)).entries] == ["Ana", "Bruno"]
    agenda.dismiss(ctx, "bruno")
    assert [e.person for e in agenda.build(ctx, TODAY + D(days=3)).entries] == ["Ana"]
    # the next cycle brings Bruno back after a contact and another lapse
    make_interaction(ctx, [bruno.id], on=TODAY)
    assert "Bruno" in [e.person for e in agenda.build(ctx, TODAY + D(days=31)).entries]
    with pytest.raises(Invalid):
        agenda.snooze(ctx, "ana", TODAY)
    agenda.show(ctx, "cli")
    with pytest.raises(NotFound):
        agenda.done(ctx, "42")
    with pytest.raises(NotFound):
        agenda.done(ctx, "touch:999:2020-01-01")


def test_done_logs_the_contact_through_the_preferred_channel(ctx) -> None:
    ana = make_person(
        ctx, "Ana", types=["client"], met_on=TODAY - D(days=40), preferred_channel="email"
    )
    agenda.show(ctx, "cli")
    message = agenda.done(ctx, "1", note="Sent a check-in about the pilot")
    assert message == f"Ana: done t{ana.id} (email logged: Sent a check-in about the pilot)"
    shown = people.show(ctx, ana.id)
    assert shown.last_contact_at is not None
    from rapport.services import interactions

    logged = interactions.timeline(ctx, ana.id)[0]
    assert (logged.kind, logged.direction, logged.summary) == (
        "email",
        "me",
        "Sent a check-in about the pilot",
    )
    assert agenda.build(ctx).entries == []


def test_positions_are_ranked_and_stable(ctx) -> None:
    for n in range(6):
        make_person(
            ctx,
            f"P{n}",
            types=["client", "peer"][n % 2 : n % 2 + 1],
            met_on=TODAY - D(days=100 + n),
        )
    first = agenda.build(ctx)
    assert [e.position for e in first.entries] == list(range(1, 7))
    priorities = [e.priority for e in first.entries]
    assert priorities == sorted(priorities, reverse=True)
    assert agenda.build(ctx) == first
    assert (
        agenda.build(ctx, limit=2).entries == first.entries[:2]
        and agenda.build(ctx, limit=2).total == 6
    )


def test_the_milestone_query_leaves_out_no_milestone_the_rule_lists(open_ctx) -> None:
    """The query reads milestones within a day of their lead time only (a person's
    day is at most a day off the user's); around that edge, in zones 14 hours ahead
    of UTC and 11 behind, and around Feb 29, the agenda lists exactly what the rule
    lists when given every milestone."""
    from rapport.domain.agenda import facts as f
    from rapport.domain.agenda.sources import milestone_reasons
    from rapport.services import workspace
    from rapport.services.agenda_facts import _zones
    from rapport.storage.schema import Milestone, Person

    with open_ctx() as ctx:
        workspace.configure(ctx, timezone="America/Los_Angeles")
    with open_ctx() as ctx:
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", None):
            for lead in (0, 1, 3):
                pid = make_person(ctx, f"{zone}-{lead}", timezone=zone).id
                for n in range(-2, 7):
                    day = TODAY + D(days=n)
                    milestones.add(
                        ctx, pid, "custom", day.month, day.day, lead_days=lead, label=f"day {n}"
                    )
                milestones.add(ctx, pid, "birthday", 2, 29, lead_days=lead)
    with open_ctx(write=False) as ctx:
        every = [
            f.MilestoneFacts(
                key=f"milestone:{m.id}",
                ref_id=m.id,
                person_id=m.person_id,
                kind=m.kind,
                label=m.label,
                month=m.month,
                day=m.day,
                year=m.year,
                once=m.recurrence == "once",
                lead_days=m.lead_days,
                person_timezone=tz,
            )
            for m, tz in ctx.session.query(Milestone, Person.timezone).join(Person)
        ]
        zones = _zones(m.person_timezone for m in every)
        days = [TODAY + D(days=n) for n in range(-1, 3)]
        days += [dt.date(2027, 2, 26) + D(days=n) for n in range(4)]
        days += [dt.date(2028, 2, 26) + D(days=n) for n in range(5)]
        shown = 0
        for day in days:
            listed = {
                (e.person_id, r.key) for e in agenda.build(ctx, day).entries for r in e.reasons
            }
            ruled = {(pid, r.key) for pid, r in milestone_reasons(every, day, ctx.tz, zones)}
            assert listed == ruled, day
            shown += len(ruled)
        assert shown > 100  # the edges are exercised
