"""The held-out check of matching by evidence: LinkedIn, Google, vCard and a mapped
CSV imported into the demo network, and a LinkedIn export into a small copy of the
benchmark network. No person's organization or title changes without a key (email,
phone, profile) in common; every keyed update is applied; every name-only candidate
waits in the review queue; accepting them all gives the people the old behaviour
(every name match applied, tests/golden/review-old-import.json) gave, and keeping them
all separate leaves the known people as they were."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from bench import files, load
from bench.generate import SMALL, generate
from sqlalchemy import select

from rapport.adapters import csv_contacts
from rapport.adapters.records import ContactRecord
from rapport.domain.names import fold
from rapport.services import demo, imports, journal, review
from rapport.services.context import Ctx
from rapport.services.imports import ImportOptions
from rapport.storage.schema import Organization, Person, PersonEmail, PersonPhone
from tests.conftest import OpenCtx

SAMPLES = Path(__file__).parent / "samples"
GOLDEN = Path(__file__).parent / "golden" / "review-old-import.json"
CRM_MAP = {
    "Kontakt": "name",
    "E-Mail-Adresse": "email",
    "Firma": "organization",
    "Position": "title",
    "Telefon": "phone",
    "Stichworte": "tags",
}
FILES: list[tuple[str, dict[str, object]]] = [
    ("linkedin-Connections.csv", {}),
    ("google-contacts.csv", {}),
    ("contacts-3.0-apple.vcf", {}),
    ("contacts-4.0-nextcloud.vcf", {}),
    ("crm-export.csv", {"mapping": CRM_MAP}),
]
Snapshot = dict[int, tuple[str, str | None, str | None]]


def _roles(ctx: Ctx) -> Snapshot:
    """Each person's (name, organization, title)."""
    rows = ctx.session.execute(
        select(Person.id, Person.full_name, Organization.name, Person.title)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.workspace_id == ctx.workspace_id)
    ).all()
    return {pid: (name, org, title) for pid, name, org, title in rows}


def _people(ctx: Ctx) -> list[list[object]]:
    """Everyone as the golden file lists them: name, organization, title, email and
    phone keys."""
    found = []
    for pid, (name, org, title) in _roles(ctx).items():
        emails = ctx.session.scalars(
            select(PersonEmail.address_key).where(PersonEmail.person_id == pid)
        )
        phones = ctx.session.scalars(
            select(PersonPhone.number_key).where(PersonPhone.person_id == pid)
        )
        found.append([name, org, title, sorted(emails), sorted(phones)])
    return sorted(found, key=json.dumps)


def _keys(ctx: Ctx) -> dict[str, int]:
    """Every email and phone key of the workspace, and whose it is."""
    emails = ctx.session.execute(select(PersonEmail.address_key, PersonEmail.person_id)).all()
    phones = ctx.session.execute(select(PersonPhone.number_key, PersonPhone.person_id)).all()
    return {row[0]: row[1] for row in (*emails, *phones)}


def _import_demo_files(open_ctx: OpenCtx) -> tuple[Snapshot, dict[str, int], int]:
    with open_ctx() as ctx:
        demo.build(ctx)
    with open_ctx(write=False) as ctx:
        before, keys = _roles(ctx), _keys(ctx)
    proposed = 0
    for name, options in FILES:
        with open_ctx() as ctx:
            summary = imports.run(ctx, SAMPLES / name, ImportOptions(**options))  # type: ignore[arg-type]
        proposed += summary.proposed
    return before, keys, proposed


def test_the_demo_network_changes_only_by_keys_and_queues_the_rest(open_ctx: OpenCtx) -> None:
    """(One test, as building the demo network takes a while: accepting all is
    undone before keeping all separate.)"""
    before, keys, proposed = _import_demo_files(open_ctx)
    with open_ctx(write=False) as ctx:
        after = _roles(ctx)
        queue = review.listing(ctx, per_page=500)
    changed = {pid for pid in before if after[pid] != before[pid]}
    # the only keyed match with a new role: Carla's LinkedIn row and vCard carry the
    # address she has in the demo (carla@initech.example)
    carla = next(pid for pid, (name, _, _) in before.items() if name == "Carla Dias")
    assert keys["carla@initech.example"] == carla
    assert changed == {carla}
    assert after[carla] == ("Carla Dias", "Initech", "Designer")
    # every name-only candidate waits, with what it would change; nothing else does
    assert {p.person_name for p in queue.items} == {
        "Ana Lima", "Bruno Souza", "Diego Ramos", "Eva Chen",
    }  # fmt: skip
    assert queue.total == proposed == 6  # Ana and Bruno twice: LinkedIn, the Apple vCard
    assert all(p.kind in ("same-name", "same-name-org") and p.changes for p in queue.items)

    # accepting everything gives what the old behaviour (every name match applied) gave
    with open_ctx() as ctx:
        for kind in queue.kinds:
            review.accept_all(ctx, kind)
    with open_ctx(write=False) as ctx:
        assert _people(ctx) == sorted(json.loads(GOLDEN.read_text("utf-8")), key=json.dumps)
    with open_ctx() as ctx:
        journal.undo(ctx)  # (one transaction above: one journal entry)
    with open_ctx(write=False) as ctx:
        assert _roles(ctx) == after and review.waiting(ctx) == proposed

    # keeping everything separate leaves the known people as they were
    with open_ctx() as ctx:
        for kind in queue.kinds:
            review.separate_all(ctx, kind)
        separate = _roles(ctx)
    assert {pid: separate[pid] for pid in after} == after
    assert len(separate) == len(after) + proposed  # each kept separate is a new person


def _rows(path: Path) -> list[ContactRecord]:
    return [r for r in csv_contacts.parse(path, flavour="linkedin") if isinstance(r, ContactRecord)]


def test_the_benchmark_network_changes_only_by_keys(open_ctx: OpenCtx, tmp_path: Path) -> None:
    spec = dataclasses.replace(SMALL, people=200, linkedin_rows=150)
    gen = generate(spec, with_interactions=False)
    with open_ctx(today=spec.today) as ctx:
        load.load(ctx, gen.network)
    export = tmp_path / "Connections.csv"
    files.linkedin(gen, export)
    with open_ctx(write=False, today=spec.today) as ctx:
        before, keys = _roles(ctx), _keys(ctx)
    by_name = {fold(name): pid for pid, (name, _, _) in before.items()}
    keyed: dict[int, ContactRecord] = {}
    named: dict[int, ContactRecord] = {}
    for row in _rows(export):
        owner = next((keys[e.lower()] for e in row.emails if e.lower() in keys), None)
        if owner is not None:
            keyed[owner] = row
        elif fold(row.name) in by_name:
            named[by_name[fold(row.name)]] = row
    assert keyed and named  # the file has both kinds, as the generator promises
    with open_ctx(today=spec.today) as ctx:
        summary = imports.run(ctx, export)
    assert summary.proposed == len(named)
    assert summary.created == len(_rows(export)) - len(keyed) - len(named)
    with open_ctx(write=False, today=spec.today) as ctx:
        after = _roles(ctx)
        queue = review.listing(ctx, per_page=500)
    for pid, (name, org, title) in before.items():
        if pid in keyed:  # every keyed update applied
            row = keyed[pid]
            assert after[pid][1:] == (row.organization or org, row.title or title), name
        else:  # and nothing else changed
            assert after[pid] == (name, org, title), name
    assert {p.person_id for p in queue.items} == set(named)
    # the same file again: nothing new, nothing changed
    with open_ctx(today=spec.today) as ctx:
        again = imports.run(ctx, export)
    assert (again.created, again.updated, again.proposed) == (0, 0, 0)
    # accepting them all: each named person takes the row's role, as before the queue
    with open_ctx(today=spec.today) as ctx:
        review.accept_all(ctx, "same-name")
        review.accept_all(ctx, "same-name-org")
        accepted = _roles(ctx)
    for pid, row in named.items():
        _, org, title = before[pid]
        assert accepted[pid][1:] == (row.organization or org, row.title or title)
