"""What the user keeps for themselves never reaches a drafted message: notes, things to
remember, why a relationship is strained, feedback and what they resolved to change,
the notes of the last conversation."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.services import drafts, events, favours, mentoring, people, workspace
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person

D = dt.timedelta
PRIVATE = {
    "notes": "thinks our CEO is a fraud",
    "remember": "going through a divorce",
}


@pytest.fixture
def me(ctx):
    workspace.configure(ctx, owner_email="sam@example.com", owner_name="Sam")
    return ctx


def _sent(me, ref: str) -> str:
    d = drafts.draft(me, ref)
    return f"{d.subject}\n{d.body}".lower()


def test_a_strained_draft_never_quotes_the_context(me) -> None:
    ana = make_person(me, "Ana Lima", **PRIVATE)
    people.edit(me, ana.id, {"strained": True, "strained_context": "she felt I took credit"})
    text = _sent(me, "ana")
    assert "took credit" not in text and "she " not in text
    assert not any(v.lower() in text for v in PRIVATE.values())


def test_feedback_and_its_action_stay_out_of_the_follow_up(me) -> None:
    bruno = make_person(me, "Bruno Souza", **PRIVATE)
    mentoring.record_feedback(
        me,
        bruno.id,
        "you interrupt people in reviews",
        actions=["stop interrupting in design reviews"],
        due_on=TODAY - D(days=1),
    )
    text = _sent(me, "bruno")
    assert "feedback" in text
    assert "interrupt" not in text
    assert not any(v.lower() in text for v in PRIVATE.values())


def test_last_notes_and_private_fields_stay_out_of_a_check_in(me) -> None:
    carla = make_person(me, "Carla Dias", types=["client"], **PRIVATE)
    make_interaction(
        me, [carla.id], on=TODAY - D(days=90), summary="Mentoring session", notes="budget cut"
    )
    text = _sent(me, "carla")
    assert "our mentoring session" in text and "budget cut" not in text
    assert not any(v.lower() in text for v in PRIVATE.values())


def test_a_follow_up_uses_the_met_note_only_as_a_topic(me) -> None:
    conf = events.create(me, "PyCon", TODAY - D(days=2))
    dan = make_person(me, "Dan Wu", **PRIVATE)
    events.met(me, conf.id, dan.id, "building voice agents")
    assert "building voice agents" in _sent(me, "dan")
    eve = make_person(me, "Eve Adams")
    events.met(me, conf.id, eve.id, "she's looking for a new job")
    assert "job" not in _sent(me, "eve")


def test_a_users_template_gets_the_phrased_favour(me, tmp_path) -> None:
    fay = make_person(me, "Fay Lin")
    favours.record(
        me, fay.id, "received", "resource", note="lent a book", occurred_on=TODAY - D(days=4)
    )
    (tmp_path / "thanks.txt").write_text(
        "thanks {{ first }}\nThank you for {{ favour }}! ({{ variant }}, {{ signoff }})",
        encoding="utf-8",
    )
    d = drafts.draft(me, "fay", tmp_path)
    assert d.subject == "Thanks Fay"
    assert d.body.startswith("Thank you for lending me a book! (")
