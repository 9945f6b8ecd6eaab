from __future__ import annotations

import datetime as dt

import pytest

from rapport.errors import Invalid, NotFound
from rapport.services import people
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person


def test_add_person_with_every_kind_of_detail(ctx) -> None:
    ana = make_person(
        ctx,
        "Ana Lima",
        emails=["Ana@Acme.com", "ana.lima@gmail.com", "ana@acme.com"],
        phones=["+33 6 12 34 56 78"],
        urls=["linkedin.com/in/analima"],
        organization="Acme",
        title="CTO",
        types=["client", "Mentor"],
        tags=["ai", "#lisbon"],
        interests="sailing, climate tech",
        remember="two kids, vegetarian",
        preferred_channel="email",
        cadence_days=21,
        timezone="Europe/Lisbon",
    )
    assert ana.given_name == "Ana" and ana.family_name == "Lima"
    assert ana.emails == ["Ana@Acme.com", "ana.lima@gmail.com"]  # same address once
    assert ana.urls == ["https://linkedin.com/in/analima"]
    assert ana.types == ["client", "mentor"]
    assert ana.tags == ["ai", "lisbon"]
    assert ana.organization == "Acme" and ana.title == "CTO"
    assert ana.effective_cadence_days == 21
    assert [(r.organization, r.title, r.ended_on) for r in ana.roles] == [("Acme", "CTO", None)]


def test_cadence_falls_back_to_the_tightest_type_default(ctx) -> None:
    assert make_person(ctx, "A", types=["peer", "client"]).effective_cadence_days == 30
    assert make_person(ctx, "B", types=["industry"]).effective_cadence_days == 180
    assert make_person(ctx, "C").effective_cadence_days is None


def test_new_company_moves_the_old_role_into_history(ctx) -> None:
    ana = make_person(ctx, "Ana Lima", organization="Acme", title="Engineer")
    changed = people.edit(ctx, ana.id, {"organization": "Globex", "title": "VP Engineering"})
    assert changed.organization == "Globex"
    history = [(r.organization, r.title, r.ended_on, r.detected_on) for r in changed.roles]
    assert history == [
        ("Acme", "Engineer", TODAY, None),
        ("Globex", "VP Engineering", None, TODAY),
    ]
    # editing something else leaves the history alone
    again = people.edit(ctx, ana.id, {"notes": "met her team"})
    assert len(again.roles) == 2


def test_organization_matches_case_and_accent_blind(ctx) -> None:
    a = make_person(ctx, "A", organization="Société Générale")
    b = make_person(ctx, "B", organization="societe generale")
    assert a.organization == b.organization == "Société Générale"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"emails": ["not-an-email"]}, "email"),
        ({"phones": ["call me"]}, "phone"),
        ({"types": ["boss"]}, "type"),
        ({"cadence_days": 0}, "cadence_days"),
        ({"cadence_days": "often"}, "cadence_days"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(open_ctx: OpenCtx, changes, field) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx).id
    with pytest.raises(Invalid) as caught, open_ctx() as ctx:
        people.edit(ctx, pid, changes)
    assert caught.value.field == field
    with open_ctx(write=False) as ctx:  # the failed edit changed nothing
        assert people.show(ctx, pid).emails == []


def test_a_person_needs_a_name(ctx) -> None:
    with pytest.raises(Invalid, match="name"):
        people.add(ctx, {"full_name": "   "})


def test_archive_and_restore(ctx) -> None:
    pid = make_person(ctx).id
    assert people.archive(ctx, pid).archived
    rows, total = people.listing(ctx)
    assert total == 0 and rows == []
    rows, total = people.listing(ctx, archived=True)
    assert [r.id for r in rows] == [pid]
    assert not people.archive(ctx, pid, archived=False).archived


def test_listing_filters_sorts_and_pages(ctx) -> None:
    make_person(ctx, "Carla Dias", types=["client"], tags=["vip"], organization="Acme")
    make_person(ctx, "Bruno Souza", types=["peer"], organization="Globex")
    make_person(ctx, "Ana Lima", types=["client"], organization="Acme Labs")
    names = lambda rows: [r.name for r in rows]  # noqa: E731
    assert names(people.listing(ctx)[0]) == ["Ana Lima", "Bruno Souza", "Carla Dias"]
    assert names(people.listing(ctx, type_="client")[0]) == ["Ana Lima", "Carla Dias"]
    assert names(people.listing(ctx, tag="VIP")[0]) == ["Carla Dias"]
    assert names(people.listing(ctx, organization="acme")[0]) == ["Ana Lima", "Carla Dias"]
    page, total = people.listing(ctx, limit=2, offset=2)
    assert names(page) == ["Carla Dias"] and total == 3
    with pytest.raises(Invalid):
        people.listing(ctx, sort="shoe size")


def test_people_of_another_workspace_are_invisible(app, open_ctx: OpenCtx) -> None:
    from rapport.storage.schema import Workspace

    with open_ctx() as ctx:
        other = Workspace(name="someone else", timezone="UTC", settings={})
        ctx.session.add(other)
        ctx.session.flush()
        foreign = people.add(
            ctx.__class__(ctx.session, other.id, ctx.tz, ctx.today, {}), {"full_name": "Eve"}
        )
    with open_ctx() as ctx, pytest.raises(NotFound):
        people.show(ctx, foreign.id)


def test_strained_flag_records_since_when(ctx) -> None:
    pid = make_person(ctx).id
    people.edit(ctx, pid, {"strained": True, "strained_context": "missed the deadline"})
    shown = people.show(ctx, pid)
    assert shown.strained and shown.strained_context == "missed the deadline"
    assert people.get(ctx, pid).strained_since == TODAY
    people.edit(ctx, pid, {"strained": False})
    assert people.get(ctx, pid).strained_since is None


def test_boundaries_are_stored(ctx) -> None:
    pid = make_person(ctx).id
    later = TODAY + dt.timedelta(days=30)
    shown = people.edit(ctx, pid, {"not_before": later, "max_contact_days": 14})
    assert shown.not_before == later and shown.max_contact_days == 14


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": "A" * 301}, "full_name"),
        ({"title": "T" * 301}, "title"),
        ({"notes": "nul \x00 byte"}, "notes"),
        ({"emails": ["a\x00@b.co"]}, "email"),
        ({"tags": ["x" * 101]}, "tag"),
    ],
)
def test_overlong_text_and_nul_characters_are_refused_on_every_backend(
    open_ctx: OpenCtx, changes, field
) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx).id
    with pytest.raises(Invalid) as caught, open_ctx() as ctx:
        people.edit(ctx, pid, changes)
    assert caught.value.field == field


def test_channel_words_are_not_confused_with_interaction_kinds(ctx) -> None:
    assert make_person(ctx, "A", preferred_channel="phone").preferred_channel == "phone"
    assert make_person(ctx, "B", preferred_channel="in person").preferred_channel == "in-person"
