"""Loading a whole network at once (`bench.load`), on SQLite and PostgreSQL: the
rows, and every value the services keep derived from them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from bench import load
from bench.generate import SMALL, generate
from bench.network import (
    EventRecord,
    InteractionRecord,
    Network,
    OrganizationRecord,
    PersonRecord,
)
from sqlalchemy import func, select, text

from rapport.errors import Invalid
from rapport.services import agenda, people, profile, search, search_documents
from rapport.services.context import Ctx
from rapport.storage.schema import (
    EventAttendee,
    Interaction,
    InteractionParticipant,
    Person,
    SearchDoc,
)
from tests.conftest import TODAY, OpenCtx

TINY = dataclasses.replace(SMALL, people=60, interactions=600)
UTC = dt.UTC


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=day), dt.time(hour), UTC)


def test_a_generated_network_loads_with_its_derived_values(open_ctx: OpenCtx) -> None:
    gen = generate(TINY)
    with open_ctx() as ctx:
        report = load.load(ctx, gen.network)
    assert report.counts["person"] == TINY.people
    assert report.counts["interaction"] == TINY.interactions
    with open_ctx(write=False) as ctx:
        s = ctx.session
        latest = dict(
            s.execute(
                select(
                    InteractionParticipant.person_id, func.max(InteractionParticipant.occurred_at)
                ).group_by(InteractionParticipant.person_id)
            ).all()
        )
        for pid, last in s.execute(select(Person.id, Person.last_contact_at)):
            stored = latest.get(pid)
            if isinstance(stored, str):
                stored = dt.datetime.fromisoformat(stored)
            expected = stored.replace(tzinfo=UTC) if stored else None
            assert last == expected, pid
        closest = report.person_ids[gen.by_rank[0]]
        page = profile.profile(ctx, closest)
        assert page.interactions and page.interaction_count >= len(page.interactions)
        assert page.person.last_contact_at == page.interactions[0].occurred_at
        assert agenda.keep_in_touch(ctx, TODAY)
        name = gen.network.people[gen.by_rank[3]].full_name
        assert any(r.kind == "person" for r in search.find(ctx, name))
        assert search.find(ctx, "pricing")


def test_the_search_documents_are_the_ones_the_services_write(open_ctx: OpenCtx) -> None:
    gen = generate(TINY)
    with open_ctx() as ctx:
        report = load.load(ctx, gen.network)

    def docs(ctx: Ctx) -> list[tuple[str, int, str, list[str]]]:
        rows = ctx.session.execute(
            select(SearchDoc.kind, SearchDoc.ref_id, SearchDoc.title, SearchDoc.body)
        )
        return sorted((k, r, t, sorted(b.split())) for k, r, t, b in rows)

    with open_ctx(write=False) as ctx:
        loaded = docs(ctx)
    with open_ctx() as ctx:
        search_documents.reindex_people(ctx.session, ctx.workspace_id, report.person_ids)
        for interaction in ctx.session.scalars(select(Interaction)):
            search_documents.reindex_interaction(ctx.session, interaction)
        ctx.session.flush()
        assert docs(ctx) == loaded
        # and every record of the other kinds has the document the services write
        search.reindex(ctx)
        assert docs(ctx) == loaded
        assert {k for k, *_ in loaded} >= {"promise", "favour", "milestone", "event"}


def test_contact_after_an_event_follows_up_the_people_met_there(open_ctx: OpenCtx) -> None:
    network = Network(
        people=[PersonRecord("Ana Lima"), PersonRecord("Bruno Costa")],
        events=[EventRecord("WebSummit", TODAY - dt.timedelta(days=10), attendees=(0, 1))],
        interactions=[
            InteractionRecord("event", at(10), (0, 1), event=0),
            InteractionRecord("email", at(20), (1,)),  # before the event: not a follow-up
            InteractionRecord("email", at(5), (0,)),
        ],
    )
    with open_ctx() as ctx:
        ids = load.load(ctx, network).person_ids
    with open_ctx(write=False) as ctx:
        followed = dict(
            ctx.session.execute(select(EventAttendee.person_id, EventAttendee.followed_up_at)).all()
        )
        assert followed == {ids[0]: at(5), ids[1]: None}
        assert people.show(ctx, ids[1]).last_contact_at == at(10)


def test_an_organization_already_stored_is_reused(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = people.add(ctx, {"full_name": "Ana Lima", "organization": "Acme"})
    network = Network(
        organizations=[OrganizationRecord("ACME"), OrganizationRecord("Nordwind")],
        people=[PersonRecord("Bruno Costa", organization=0), PersonRecord("Carla", organization=1)],
    )
    with open_ctx() as ctx:
        ids = load.load(ctx, network).person_ids
        bruno = people.show(ctx, ids[0])
        assert bruno.organization == "Acme"
        assert people.show(ctx, ana.id).organization == "Acme"
        assert [r.title for r in search.find(ctx, "acme") if r.kind == "person"]


def test_an_invalid_record_saves_nothing(open_ctx: OpenCtx) -> None:
    network = Network(
        people=[PersonRecord("Ana Lima")],
        interactions=[
            InteractionRecord("email", at(3), (0,)),
            InteractionRecord("telepathy", at(2), (0,)),
        ],
    )
    with pytest.raises(Invalid), open_ctx() as ctx:
        load.load(ctx, network)
    with open_ctx() as ctx:
        assert people.count(ctx) == 0
        # the search index still follows every new document
        people.add(ctx, {"full_name": "Zoë Müller"})
        assert [r.title for r in search.find(ctx, "zoe")] == ["Zoë Müller"]


def test_loading_twice_adds_a_second_copy_with_fresh_ids(open_ctx: OpenCtx) -> None:
    network = Network(
        people=[PersonRecord("Ana Lima", emails=("ana@acme.example",))],
        interactions=[InteractionRecord("call", at(1), (0,), summary="Pilot")],
    )
    with open_ctx() as ctx:
        first = load.load(ctx, network).person_ids
        second = load.load(ctx, network).person_ids
        assert first != second
        assert people.count(ctx) == 2
        if ctx.session.get_bind().dialect.name == "sqlite":
            indexed = ctx.session.execute(
                text("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'pilot'")
            ).scalar()
            assert indexed == 2
