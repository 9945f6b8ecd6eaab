from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from rapport.services import people, search
from rapport.storage import search as storage
from rapport.storage.schema import SearchDoc
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person


def _found(ctx, query: str) -> list[tuple[str, str]]:
    return [(h.kind, h.title) for h in search.find(ctx, query)]


def test_finds_people_by_name_prefix_org_and_notes(ctx) -> None:
    make_person(ctx, "Ana Lima", organization="Acme Robotics", interests="sailing")
    make_person(ctx, "Bruno Souza", notes="Knows everyone in fintech")
    assert ("person", "Ana Lima") in _found(ctx, "ana")
    assert ("person", "Ana Lima") in _found(ctx, "robot")
    assert _found(ctx, "sailing") == [("person", "Ana Lima")]
    assert _found(ctx, "fintech") == [("person", "Bruno Souza")]
    assert ("organization", "Acme Robotics") in _found(ctx, "acme")


def test_two_words_must_both_match(ctx) -> None:
    make_person(ctx, "Ana Lima", organization="Acme")
    make_person(ctx, "Ana Souza", organization="Globex")
    assert _found(ctx, "ana acme") == [("person", "Ana Lima")]
    assert _found(ctx, "ana nobody") == []


def test_accents_and_case_do_not_matter(ctx) -> None:
    make_person(ctx, "José Núñez")
    assert _found(ctx, "JOSE nunez") == [("person", "José Núñez")]
    assert _found(ctx, "núñ") == [("person", "José Núñez")]


def test_finds_conversations_by_their_notes(ctx) -> None:
    ana = make_person(ctx, "Ana Lima")
    make_interaction(
        ctx,
        [ana.id],
        on=TODAY - dt.timedelta(days=2),
        summary="Lunch",
        notes="She wants a Series A intro",
    )
    hits = search.find(ctx, "series intro")
    assert [(h.kind, h.title) for h in hits] == [("interaction", "Lunch")]
    assert hits[0].person_ids == [ana.id]


def test_edits_are_searchable_at_once_and_old_text_is_gone(ctx) -> None:
    pid = make_person(ctx, "Ana Lima", organization="Acme").id
    people.edit(ctx, pid, {"organization": "Globex", "full_name": "Ana Lima Barros"})
    assert ("person", "Ana Lima Barros") in _found(ctx, "globex")
    # Acme is now a past role, which search covers too
    assert ("person", "Ana Lima Barros") in _found(ctx, "acme")
    assert _found(ctx, "barros") == [("person", "Ana Lima Barros")]
    people.edit(ctx, pid, {"full_name": "Ana Souza"})
    assert _found(ctx, "barros") == []


def test_punctuation_and_operators_in_queries_are_harmless(ctx) -> None:
    make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    for query in [
        '"',
        "ana AND",
        "NEAR(",
        "*",
        "ana:*",
        "a & | !",
        "'); drop table person; --",
        "",
    ]:
        search.find(ctx, query)  # never raises
    assert ("person", "Ana Lima") in _found(ctx, "ana@acme.com")


def _stored(ctx) -> dict[int, tuple[int, str, str]]:
    rows = ctx.session.execute(
        select(SearchDoc.ref_id, SearchDoc.id, SearchDoc.title, SearchDoc.body).where(
            SearchDoc.kind == "person"
        )
    )
    return {ref_id: (doc_id, title, body) for ref_id, doc_id, title, body in rows}


def test_replace_many_rewrites_changed_documents_and_adds_missing_ones(ctx) -> None:
    ana = make_person(ctx, "Ana Lima", organization="Acme").id
    bruno = make_person(ctx, "Bruno Souza", organization="Initech").id
    carla = make_person(ctx, "Carla Dias").id
    storage.remove(ctx.session, "person", [carla])
    before = _stored(ctx)
    storage.replace_many(
        ctx.session,
        ctx.workspace_id,
        "person",
        [
            (ana, "ana lima", "globex cto"),
            (bruno, before[bruno][1], before[bruno][2]),  # as stored
            (carla, "carla dias", "designer"),
        ],
    )
    after = _stored(ctx)
    assert after[ana][1:] == ("ana lima", "globex cto")
    assert after[ana][0] == before[ana][0]  # updated in place
    assert after[bruno] == before[bruno]
    assert after[carla][1:] == ("carla dias", "designer")
    # the full-text index follows: the new words are found, the old ones are gone
    assert _found(ctx, "globex") == [("person", "Ana Lima")]
    assert ("person", "Ana Lima") not in _found(ctx, "acme")
    assert _found(ctx, "designer") == [("person", "Carla Dias")]
    assert ("person", "Bruno Souza") in _found(ctx, "initech")
    if ctx.session.get_bind().dialect.name == "sqlite":  # FTS5 agrees with its content
        ctx.session.connection().exec_driver_sql(
            "INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)"
        )
