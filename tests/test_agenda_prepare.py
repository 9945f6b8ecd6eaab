"""The agenda's "prepare" reason: a meeting later today or tomorrow (from a synced
calendar) asks to prepare, once per person, with its words, priority and reference;
done marks you ready without logging a contact (the meeting itself is logged once it
has happened), and it is gone once answered."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from rapport.domain.agenda.answers import what_done_does
from rapport.domain.agenda.facts import PrepareFacts
from rapport.domain.agenda.priorities import PRIORITY
from rapport.domain.agenda.references import read, short_ref
from rapport.domain.agenda.sources import prepare_reasons
from rapport.services import agenda
from rapport.storage.schema import Interaction
from rapport.storage.sync_tables import UpcomingAttendee, UpcomingMeeting
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person

UTC = dt.UTC


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), UTC)


def test_one_reason_per_person_names_their_meetings_in_order() -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    found = prepare_reasons(
        [
            PrepareFacts(2, 7, _at(tomorrow, 10), "Kickoff"),
            PrepareFacts(1, 7, _at(TODAY, 15, 30), "Review"),
            PrepareFacts(2, 8, _at(tomorrow, 10), "Kickoff"),
        ],
        TODAY,
    )
    by_person = dict(found)
    assert by_person[7].text == "you meet today at 15:30: Review; and tomorrow at 10:00: Kickoff"
    assert by_person[7].priority == PRIORITY["prepare today"].start
    assert by_person[7].key == f"prepare:7:{TODAY.isoformat()}"
    assert by_person[8].text == "you meet tomorrow at 10:00: Kickoff"
    assert by_person[8].priority == PRIORITY["prepare tomorrow"].start
    assert by_person[8].shown_until == tomorrow
    assert "what you promised them" in by_person[8].action


def test_its_reference_is_b_and_the_person() -> None:
    assert short_ref("prepare:12:2026-11-24") == "b12"
    assert read("b12").ref == "b12"
    reason = prepare_reasons([PrepareFacts(1, 12, _at(TODAY, 18), "")], TODAY)[0][1]
    assert reason.text == "you meet today at 18:00"
    assert what_done_does(reason) == "marks you ready for the meeting"


def _meeting(open_ctx: OpenCtx, person_id: int, starts_at: dt.datetime) -> None:
    with open_ctx() as ctx:
        mid = ctx.session.execute(
            insert(UpcomingMeeting).returning(UpcomingMeeting.id),
            {"workspace_id": ctx.workspace_id, "external_id": "m1", "starts_at": starts_at,
             "summary": "Project kickoff", "kind": "meeting"},
        ).scalar_one()  # fmt: skip
        ctx.session.execute(insert(UpcomingAttendee), {"meeting_id": mid, "person_id": person_id})


def test_done_marks_you_ready_and_logs_no_contact(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    _meeting(open_ctx, ana.id, _at(TODAY + dt.timedelta(days=1), 10))
    with open_ctx() as ctx:
        entry = next(e for e in agenda.build(ctx).entries if e.person_id == ana.id)
        assert [r.ref for r in entry.reasons] == [f"b{ana.id}"]
        said = agenda.done(ctx, f"b{ana.id}")
    assert "marked done" in said
    with open_ctx() as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Interaction)) == 0
        assert all(e.person_id != ana.id for e in agenda.build(ctx).entries)


def test_a_past_meeting_asks_nothing_even_before_the_next_sync(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    _meeting(open_ctx, ana.id, _at(TODAY - dt.timedelta(days=1), 10))
    with open_ctx() as ctx:
        assert all(e.person_id != ana.id for e in agenda.build(ctx).entries)


def test_the_draft_before_a_meeting_confirms_it_instead_of_asking_for_a_coffee(
    open_ctx: OpenCtx,
) -> None:
    from rapport.services import drafts

    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    starts = _at(TODAY + dt.timedelta(days=1), 10)
    _meeting(open_ctx, ana.id, starts)
    with open_ctx() as ctx:
        local = starts.astimezone(ctx.tz)
        written = drafts.draft(ctx, f"b{ana.id}")
    when = f"tomorrow at {local:%H:%M}" if local.date() == TODAY + dt.timedelta(days=1) else ""
    assert written.kind == "prepare"
    assert written.subject.startswith("Project kickoff: ")
    assert when in written.body and "Hi Ana," in written.body
    assert "coffee" not in written.body and "next few weeks" not in written.body
