from __future__ import annotations

import datetime as dt

import pytest

from rapport.errors import Invalid, NotFound
from rapport.services import events, interactions, people
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_interaction, make_person


def test_logging_updates_each_participants_last_contact(ctx) -> None:
    ana, bruno = make_person(ctx, "Ana Lima"), make_person(ctx, "Bruno Souza")
    logged = make_interaction(ctx, [ana.id, bruno.id], on=TODAY - dt.timedelta(days=3))
    assert sorted(logged.participants) == ["Ana Lima", "Bruno Souza"]
    assert people.show(ctx, ana.id).last_contact_at == logged.occurred_at
    # an older interaction does not move the last contact back
    make_interaction(ctx, [ana.id], on=TODAY - dt.timedelta(days=30))
    assert people.show(ctx, ana.id).last_contact_at == logged.occurred_at


def test_deleting_the_latest_interaction_restores_the_previous_last_contact(ctx) -> None:
    ana = make_person(ctx)
    older = make_interaction(ctx, [ana.id], on=TODAY - dt.timedelta(days=10))
    newer = make_interaction(ctx, [ana.id], on=TODAY - dt.timedelta(days=1))
    interactions.delete_interaction(ctx, newer.id)
    assert people.show(ctx, ana.id).last_contact_at == older.occurred_at
    interactions.delete_interaction(ctx, older.id)
    assert people.show(ctx, ana.id).last_contact_at is None


def test_timeline_is_newest_first_and_limited(ctx) -> None:
    ana = make_person(ctx)
    for days in (5, 1, 3):
        make_interaction(ctx, [ana.id], on=TODAY - dt.timedelta(days=days), summary=f"{days}d")
    assert [i.summary for i in interactions.timeline(ctx, ana.id)] == ["1d", "3d", "5d"]
    assert [i.summary for i in interactions.timeline(ctx, ana.id, limit=1)] == ["1d"]
    assert interactions.count_for(ctx, ana.id) == 3


def test_same_external_id_is_stored_once(ctx) -> None:
    ana = make_person(ctx)
    first = make_interaction(ctx, [ana.id], source="mbox", external_id="<m1@x>")
    again = make_interaction(ctx, [ana.id], source="mbox", external_id="<m1@x>")
    assert first.id == again.id
    assert interactions.count_for(ctx, ana.id) == 1


def test_channel_defaults_from_the_kind(ctx) -> None:
    ana = make_person(ctx)
    assert make_interaction(ctx, [ana.id], kind="call").channel == "phone"
    assert make_interaction(ctx, [ana.id], kind="lunch").kind == "meal"


def test_coffee_is_a_meeting_the_timeline_calls_coffee(ctx) -> None:
    """Reported: `--kind coffee` was logged as 'meal'. A coffee is an in-person
    meeting; the word is kept at the head of the summary."""
    ana = make_person(ctx)
    coffee = make_interaction(ctx, [ana.id], kind="coffee", summary="pilot scope")
    assert (coffee.kind, coffee.channel) == ("meeting", "in-person")
    assert coffee.summary == "Coffee: pilot scope"
    again = make_interaction(ctx, [ana.id], kind="Coffee", summary="Coffee at Lisboa")
    assert again.summary == "Coffee at Lisboa"  # already says so


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "telepathy"}, "kind"),
        ({"direction": "sideways"}, "direction"),
        ({"tone": "furious"}, "tone"),
        ({"on": TODAY + dt.timedelta(days=10)}, "future"),
        ({"summary": "nul \x00 byte"}, "summary"),
        ({"summary": "x" * 501}, "summary"),
        ({"notes": "nul \x00 byte"}, "notes"),
    ],
)
def test_bad_interactions_are_refused(open_ctx: OpenCtx, fields, message) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx).id
    with pytest.raises(Invalid, match=message), open_ctx() as ctx:
        make_interaction(ctx, [pid], **fields)
    with open_ctx(write=False) as ctx:
        assert interactions.count_for(ctx, pid) == 0
        assert people.show(ctx, pid).last_contact_at is None


def test_an_interaction_needs_people_who_exist(ctx) -> None:
    with pytest.raises(Invalid):
        make_interaction(ctx, [])
    with pytest.raises(NotFound):
        make_interaction(ctx, [12345])


def test_contact_after_an_event_follows_up_the_people_met_there(ctx) -> None:
    conf = events.create(ctx, "WebSummit", TODAY - dt.timedelta(days=5))
    ana, bruno = make_person(ctx, "Ana Lima"), make_person(ctx, "Bruno Souza")
    events.met(ctx, conf.id, ana.id, "works on agents")
    events.met(ctx, conf.id, bruno.id)
    # the meeting at the event itself is not a follow-up
    make_interaction(ctx, [ana.id], on=TODAY - dt.timedelta(days=5), event_id=conf.id)
    assert events.show(ctx, conf.id).followed_up == 0
    make_interaction(ctx, [ana.id], kind="email", on=TODAY - dt.timedelta(days=2))
    shown = events.show(ctx, conf.id)
    assert shown.followed_up == 1
    assert {a.person: bool(a.followed_up_at) for a in shown.attendees} == {
        "Ana Lima": True,
        "Bruno Souza": False,
    }
    assert people.show(ctx, ana.id).met_at_event == "WebSummit"
