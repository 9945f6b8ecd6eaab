"""Random patches give the same people whether applied one by one
(`people.change`) or together (`bulk_update.apply`), on SQLite and PostgreSQL:
both paths plan by the one rule and write through the same writer."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rapport.adapters.records import PartialDate
from rapport.domain.person_patch import Items, PersonPatch
from rapport.domain.records import PersonOut
from rapport.errors import Invalid
from rapport.services import bulk_update, people
from rapport.services.context import Rapport
from rapport.services.person_state import read_states
from rapport.storage.schema import Milestone, Organization, Role, Workspace
from tests.conftest import TODAY

BEFORE: list[dict[str, Any]] = [
    {"full_name": "Ana Lima", "organization": "Acme", "title": "CTO",
     "emails": ["ana@acme.com"], "tags": ["vip"], "types": ["client"]},
    {"full_name": "Bruno Souza", "phones": ["+44 20 7946 0000"], "urls": ["gus.example"]},
    {"full_name": "Carla Dias", "title": "Designer", "emails": ["c@dias.me", "carla@x.io"]},
]  # fmt: skip


def _items(pool: list[str]) -> st.SearchStrategy[Items]:
    values = st.lists(st.sampled_from(pool), max_size=3)
    return st.builds(Items, values, st.booleans(), values)


PATCHES = st.builds(
    PersonPatch,
    **{
        name: st.just(None) | strategy
        for name, strategy in {
            "full_name": st.sampled_from(["Ana Lima", "Ana Maria Lima", "Bo", ""]),
            "given_name": st.sampled_from(["Ana", "Anna"]),
            "organization": st.sampled_from(["Acme", "ACME", "Globex"]),
            "title": st.sampled_from(["CTO", "CEO"]),
            "notes": st.sampled_from(["met at a fair", "x" * 100_001]),
            "timezone": st.sampled_from(["Europe/Lisbon", "Mars/Olympus"]),
            "cadence_days": st.sampled_from([30, 0]),
            "strained_context": st.just("late"),
        }.items()
    },
    strained=st.booleans(),
    emails=_items(["ana@acme.com", "ANA@acme.com", "new@x.io", "bad"]),
    phones=_items(["+44 20 7946 0000", "+44 20 7946 0001"]),
    urls=_items(["gus.example", "linkedin.com/in/x"]),
    types=_items(["client", "friend", "peer"]),
    tags=_items(["vip", "VIP", "lisbon", "#"]),
    birthday=st.builds(
        PartialDate, st.integers(1, 12), st.integers(1, 28), st.none() | st.just(1985)
    ),
)


def _given(patch: PersonPatch, keep: frozenset[str]) -> PersonPatch:
    """`patch` with only the fields in `keep` set."""
    return PersonPatch(**{k: v for k, v in patch.given().items() if k in keep})


def _blank(person: PersonOut) -> PersonOut:
    roles = [dataclasses.replace(r, id=0) for r in person.roles]
    # ids differ between the two workspaces; the organisation's name is compared
    return dataclasses.replace(person, id=0, created_at=TODAY, roles=roles, organization_id=None)


def _network(app: Rapport, patches: list[PersonPatch], *, bulk: bool) -> dict[str, Any]:
    with app.open(write=True, today=TODAY) as ctx:
        ws = Workspace(name="Scratch", timezone="UTC", settings={})
        ctx.session.add(ws)
        ctx.session.flush()
        wid = ws.id
    with app.open(write=True, today=TODAY, workspace_id=wid) as ctx:
        ids = [people.add(ctx, fields).id for fields in BEFORE]
    refused: list[int] = []
    with app.open(write=True, today=TODAY, workspace_id=wid) as ctx:
        if bulk:
            pairs = enumerate(zip(ids, patches, strict=True))
            changes = [bulk_update.Change(pid, n, p) for n, (pid, p) in pairs]
            outcome = bulk_update.apply(ctx, changes, read_states(ctx, ids), "manual")
            refused = [s.line for s in outcome.skipped]
        else:
            for n, (pid, patch) in enumerate(zip(ids, patches, strict=True)):
                try:
                    with ctx.session.begin_nested():
                        people.change(ctx, pid, patch)
                except Invalid:
                    refused.append(n)
    with app.open(today=TODAY, workspace_id=wid) as ctx:
        shown = [people.show(ctx, pid) for pid in ids]
        roles = ctx.session.execute(
            select(Role.person_id, Organization.name, Role.title, Role.started_on,
                   Role.ended_on, Role.source)
            .outerjoin(Organization, Organization.id == Role.organization_id)
            .where(Role.workspace_id == wid)
            .order_by(Role.person_id, Role.id)
        ).all()  # fmt: skip
        dates = ctx.session.execute(
            select(Milestone.person_id, Milestone.kind, Milestone.month, Milestone.day,
                   Milestone.year)
            .where(Milestone.workspace_id == wid)
            .order_by(Milestone.person_id, Milestone.id)
        ).all()  # fmt: skip
    index = {pid: n for n, pid in enumerate(ids)}
    return {
        "refused": refused,
        "people": [_blank(p) for p in shown],
        "roles": [(index[r[0]], *r[1:]) for r in roles],
        "dates": [(index[d[0]], *d[1:]) for d in dates],
    }


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    patches=st.lists(PATCHES, min_size=3, max_size=3),
    keep=st.lists(st.frozensets(st.sampled_from(sorted({
        "full_name", "given_name", "organization", "title", "notes", "timezone",
        "cadence_days", "strained", "strained_context", "emails", "phones", "urls", "types",
        "tags", "birthday"})), max_size=4), min_size=3, max_size=3),
)  # fmt: skip
def test_patches_one_by_one_and_in_bulk_leave_the_same_people(
    app: Rapport, patches: list[PersonPatch], keep: list[frozenset[str]]
) -> None:
    chosen = [_given(p, k) for p, k in zip(patches, keep, strict=True)]
    assert _network(app, chosen, bulk=True) == _network(app, chosen, bulk=False)
