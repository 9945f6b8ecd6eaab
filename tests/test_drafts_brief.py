from __future__ import annotations

import datetime as dt

import pytest

from rapport.errors import Invalid
from rapport.services import brief, drafts, events, favours, milestones, promises, workspace
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person

D = dt.timedelta


@pytest.fixture
def me(ctx):
    workspace.configure(ctx, owner_email="sam@example.com", owner_name="Sam")
    return ctx


def test_check_in_draft_recalls_the_last_conversation(me) -> None:
    ana = make_person(me, "Ana Lima", types=["client"], interests="sailing")
    make_interaction(me, [ana.id], on=TODAY - D(days=45), summary="the pilot in Porto")
    d = drafts.draft(me, "ana")
    assert d.kind == "keep-in-touch" and d.subject in (
        "Catching up",
        "Checking in",
        "How are things?",
    )
    assert d.body.startswith("Hi Ana,")
    assert "our conversation about the pilot in Porto" in d.body
    assert "Anything new with sailing?" in d.body and d.body.endswith("Sam")


def test_thank_you_names_the_favour_and_follow_up_names_the_event(me) -> None:
    ana = make_person(me, "Ana Lima")
    favours.record(
        me,
        ana.id,
        "received",
        "introduction",
        note="the intro to Acme's CFO",
        occurred_on=TODAY - D(days=4),
    )
    assert "hank you for the intro to Acme's CFO." in drafts.draft(me, "ana").body
    conf = events.create(me, "PyCon", TODAY - D(days=2))
    bruno = make_person(me, "Bruno Souza")
    events.met(me, conf.id, bruno.id, "Rust in production")
    d = drafts.draft(me, "bruno")
    assert "PyCon" in d.subject and " at PyCon" in d.body
    assert "Rust in production" in d.body  # what they talked about, as the topic
    carla = make_person(me, "Carla Dias")
    events.met(me, conf.id, carla.id, "CTO at Initech, she is hiring")
    d = drafts.draft(me, "carla")
    assert " at PyCon" in d.body and "Initech" not in d.body  # a note about her: left out


def test_birthday_and_promise_drafts(me) -> None:
    ana = make_person(me, "Ana Lima")
    milestones.add(me, ana.id, "birthday", TODAY.month, TODAY.day)
    assert drafts.draft(me, "ana").subject == "Happy birthday!"
    bruno = make_person(me, "Bruno")
    promises.promise(me, bruno.id, "send the slides", due_on=TODAY - D(days=1))
    d = drafts.draft(me, "bruno")
    assert d.subject == "The slides, as promised"
    assert "I promised to send the slides, and I'm sorry it took longer" in d.body


def test_user_templates_override_the_built_in_ones(me, tmp_path) -> None:
    make_person(me, "Ana Lima", types=["client"], met_on=TODAY - D(days=60))
    (tmp_path / "keep-in-touch.txt").write_text(
        "Hey {{ first }}!\nLong time no see.", encoding="utf-8"
    )
    d = drafts.draft(me, "ana", tmp_path)
    assert (d.subject, d.body) == ("Hey Ana!", "Long time no see.")
    (tmp_path / "keep-in-touch.txt").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(Invalid, match="template"):
        drafts.draft(me, "ana", tmp_path)


def test_templates_cannot_reach_python_internals(me, tmp_path) -> None:
    make_person(me, "Ana Lima", types=["client"], met_on=TODAY - D(days=60))
    (tmp_path / "keep-in-touch.txt").write_text(
        "{{ first.__class__.__mro__[1].__subclasses__() }}\nx", encoding="utf-8"
    )
    with pytest.raises(Invalid):
        drafts.draft(me, "ana", tmp_path)


def test_brief_gathers_what_to_know(me) -> None:
    ana = make_person(
        me,
        "Ana Lima",
        organization="Acme",
        title="CTO",
        interests="sailing",
        remember="two kids",
        met_on=dt.date(2025, 3, 1),
        how_met="PyCon hallway",
    )
    make_interaction(
        me, [ana.id], on=TODAY - D(days=10), summary="Pilot", notes="Budget approved in Q1"
    )
    promises.promise(me, ana.id, "send the deck", due_on=TODAY + D(days=3))
    promises.promise(me, ana.id, "intro to their CFO", owner="them")
    favours.record(me, ana.id, "received", "advice", note="pricing")
    milestones.add(me, ana.id, "birthday", (TODAY + D(days=20)).month, (TODAY + D(days=20)).day)
    b = brief.brief(me, ana.id)
    assert b.how_we_met == "2025-03-01: PyCon hallway"
    assert [i.summary for i in b.recent] == ["Pilot"]
    assert [p.description for p in b.my_promises] == ["send the deck"]
    assert [p.description for p in b.their_promises] == ["intro to their CFO"]
    assert b.balance.received == 1 and len(b.unthanked) == 1
    assert len(b.upcoming_milestones) == 1
    assert b.talking_points[0] == "Pick up from last time: Budget approved in Q1"
    assert "Ask about sailing" in b.talking_points and "Remember: two kids" in b.talking_points
    assert 0 <= b.health.value <= 100


def test_picking_up_from_a_synced_email_names_its_subject_not_the_message_count(me) -> None:
    ana = make_person(me, "Ana Lima")
    make_interaction(
        me, [ana.id], on=TODAY - D(days=2), kind="email", summary="Pilot plan",
        notes="3 messages", source="mail", external_id="2026-12-05/pilot@x",
    )  # fmt: skip
    assert brief.brief(me, ana.id).talking_points[0] == "Pick up from last time: Pilot plan"


def test_role_anniversary_and_mentoring_drafts(me) -> None:
    from rapport.services import mentoring, people
    from rapport.storage.schema import Role

    ana = make_person(me, "Ana Lima", organization="Acme", title="Engineer")
    people.edit(me, ana.id, {"title": "VP Engineering", "organization": "Globex"})
    d = drafts.draft(me, "ana")
    assert d.subject == "Congratulations on the new role"
    assert "I just saw the news: VP Engineering at Globex." in d.body
    bruno = make_person(me, "Bruno Souza", organization="Initech", title="CTO")
    role = me.session.query(Role).filter_by(person_id=bruno.id).one()
    role.started_on = dt.date(2023, TODAY.month, TODAY.day) + D(days=2)
    me.session.flush()
    d = drafts.draft(me, "bruno")
    assert d.subject == "Congratulations!"
    assert "ongratulations on 3 years at Initech" in d.body and "in 2 days" not in d.body
    carla = make_person(me, "Carla Dias")
    mentoring.start_mentorship(
        me,
        carla.id,
        "mentee",
        goals="public speaking",
        session_cadence_days=14,
        started_on=TODAY - D(days=40),
    )
    d = drafts.draft(me, "carla")
    assert d.subject in ("Our next session", "Booking our next session")
    assert "I'd like to pick up on public speaking." in d.body
