"""Organisations tended as a whole, on SQLite and PostgreSQL: listed with the people
there now and before (from the role history), one organisation's profile ("who do I
know at Acme"), two spellings merged into one with one undoable journal entry, and
company-only contact rows imported as organisations, never people."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.errors import Ambiguous, Invalid, NotFound
from rapport.services import health, imports, journal, organizations, people, roles, search
from rapport.services.imports import ImportOptions
from rapport.services.roles import RoleSpec
from tests.conftest import OpenCtx
from tests.factories import make_interaction, make_person


@pytest.fixture
def acme(open_ctx: OpenCtx) -> tuple[int, int, int]:
    """Ana at Acme now, Bruno at "ACME Inc" (the same place spelt otherwise), Carla
    at Acme from 2019 to mid-2021 and at Globex since."""
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", organization="Acme", title="CTO").id
        bruno = make_person(ctx, "Bruno Souza", organization="ACME Inc").id
        carla = make_person(ctx, "Carla Dias", organization="Globex").id
        roles.add(ctx, carla, RoleSpec("Engineer", "Acme", "2019-02", "2021-06"))
        make_interaction(ctx, [ana], on=ctx.today - dt.timedelta(days=3), summary="Roadmap")
        make_interaction(ctx, [carla], on=ctx.today - dt.timedelta(days=40), summary="Old days")
    return ana, bruno, carla


def _listed(open_ctx: OpenCtx) -> list[tuple[str, int, int]]:
    with open_ctx(write=False) as ctx:
        return [(o.name, o.people_now, o.people_before) for o in organizations.listing(ctx)]


def test_listed_with_people_now_and_before(open_ctx: OpenCtx, acme: tuple[int, int, int]) -> None:
    assert _listed(open_ctx) == [("Acme", 1, 1), ("ACME Inc", 1, 0), ("Globex", 1, 0)]
    with open_ctx(write=False) as ctx:
        first, _, globex = organizations.listing(ctx)
        assert first.last_contact_at is not None  # Ana, three days ago
        assert first.last_contact_at.astimezone(ctx.tz).date() == ctx.today - dt.timedelta(3)
    assert globex.last_contact_at is not None  # Carla, who is there now


def test_who_do_i_know_at_acme(open_ctx: OpenCtx, acme: tuple[int, int, int]) -> None:
    ana, _bruno, carla = acme
    with open_ctx(write=False) as ctx:
        found = organizations.profile(ctx, "acme")  # the exact name beats ACME Inc
        ana_health = health.person_health(ctx, ana).value
    assert found.organization.name == "Acme"
    assert [(m.id, m.title, m.left_on) for m in found.now] == [(ana, "CTO", None)]
    assert [(m.id, m.title, m.left_on) for m in found.before] == [
        (carla, "Engineer", dt.date(2021, 6, 1))
    ]
    assert found.now[0].health == ana_health and found.health == ana_health
    assert found.now[0].last_contact_at is not None
    assert [c.summary for c in found.conversations] == ["Roadmap", "Old days"]
    assert found.conversation_count == 2


def test_an_organisation_with_no_one_there_now_has_no_health(
    open_ctx: OpenCtx, acme: tuple[int, int, int]
) -> None:
    with open_ctx() as ctx:
        people.archive(ctx, acme[1])
    with open_ctx(write=False) as ctx:
        found = organizations.profile(ctx, "ACME Inc")
    assert (found.health, found.now, found.before) == (None, [], [])


def test_references_by_id_prefix_and_ambiguity(
    open_ctx: OpenCtx, acme: tuple[int, int, int]
) -> None:
    with open_ctx(write=False) as ctx:
        glob = organizations.find(ctx, "glob")
        assert organizations.find(ctx, f"#{glob.id}").name == "Globex"
        assert organizations.find(ctx, "inc").name == "ACME Inc"  # a word of the name
        with pytest.raises(Ambiguous, match="'ac' matches 2 organisations"):
            organizations.find(ctx, "ac")
        with pytest.raises(NotFound, match="no organisation matches 'Initech'"):
            organizations.find(ctx, "Initech")
        with pytest.raises(NotFound, match="no organisation with id 999"):
            organizations.find(ctx, "#999")
        for odd in ("", "  ", "\x00", "Acme\ud800", "99999999999999999999"):
            with pytest.raises(NotFound):
                organizations.find(ctx, odd)


def test_merging_two_spellings_moves_people_and_roles_and_undo_restores_both(
    open_ctx: OpenCtx, acme: tuple[int, int, int]
) -> None:
    ana, bruno, _carla = acme
    with open_ctx() as ctx:
        change = organizations.merge(ctx, "ACME Inc", "Acme")
    assert change.message == "merged ACME Inc into Acme: 1 person moved"
    assert (change.people, change.organization.people_now) == (1, 2)
    assert _listed(open_ctx) == [("Acme", 2, 1), ("Globex", 1, 0)]
    with open_ctx(write=False) as ctx:
        assert people.show(ctx, bruno).organization == "Acme"
        assert {m.id for m in organizations.profile(ctx, "Acme").now} == {ana, bruno}
        orgs = {h.title for h in search.find(ctx, "ACME") if h.kind == "organization"}
        assert orgs == {"Acme"}
        assert journal.history(ctx, limit=1)[0].summary == "Merged ACME Inc into Acme"
    with open_ctx() as ctx:
        journal.undo(ctx)
    assert _listed(open_ctx) == [("Acme", 1, 1), ("ACME Inc", 1, 0), ("Globex", 1, 0)]
    with open_ctx(write=False) as ctx:
        assert people.show(ctx, bruno).organization == "ACME Inc"
        orgs = {h.title for h in search.find(ctx, "ACME") if h.kind == "organization"}
        assert orgs == {"Acme", "ACME Inc"}


def test_the_merged_one_lends_what_the_other_lacks(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima", organization="Initech")
        make_person(ctx, "Bruno Souza", organization="Initech Corp")
        src = organizations.find(ctx, "Initech Corp")
        src.website, src.industry = "https://initech.example", "Software"
    with open_ctx() as ctx:
        change = organizations.merge(ctx, "Initech Corp", "Initech")
    assert (change.organization.website, change.organization.industry) == (
        "https://initech.example",
        "Software",
    )


def test_a_merge_into_itself_or_nowhere_is_refused(
    open_ctx: OpenCtx, acme: tuple[int, int, int]
) -> None:
    with open_ctx() as ctx:
        with pytest.raises(Invalid, match="same organisation"):
            organizations.merge(ctx, "Acme", "acme")
        with pytest.raises(NotFound):
            organizations.merge(ctx, "Acme", "Initech")
    assert len(_listed(open_ctx)) == 3


def test_a_company_only_csv_row_becomes_an_organisation(open_ctx: OpenCtx) -> None:
    rows = (
        b"Name,Company,E-mail Address\n"
        b"Dana Reyes,Initech,dana@initech.example\n"
        b",Umbrella Corp,\n"
        b",Initech,info@initech.example\n"
    )
    with open_ctx() as ctx:
        summary = imports.run(ctx, rows, ImportOptions())
    assert (summary.created, summary.organizations_created) == (1, 2)
    with open_ctx(write=False) as ctx:
        assert [p.name for p in people.listing(ctx)[0]] == ["Dana Reyes"]
        listed = {o.name: o.people_now for o in organizations.listing(ctx)}
    assert listed == {"Initech": 1, "Umbrella Corp": 0}
