"""Updating people already known from a contacts file writes in bulk
(`services.bulk_update`) and leaves them exactly as `people.change`, person by
person, would: same values, role history, counts and refused rows. Both paths plan
by the one rule (`domain.person_patch.plan`)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select, update

from rapport.adapters.records import Skipped
from rapport.domain.person_patch import plan
from rapport.domain.records import PersonOut
from rapport.errors import Invalid
from rapport.services import bulk_update, imports, people, search
from rapport.services.context import Ctx, Rapport
from rapport.services.imports import ImportSummary, contact_updates
from rapport.services.imports.contact_records import Contact, ContactResult
from rapport.services.person_state import read_states
from rapport.services.search_documents import reindex_people
from rapport.storage.schema import (
    Milestone,
    Organization,
    Person,
    PersonEmail,
    Role,
    SearchDoc,
    Tag,
    Workspace,
)
from tests.conftest import TODAY
from tests.factories import make_person

LONG_NOTE = "n" * 100_001  # over people's 100,000-character limit for text

# the network before the import: name -> people.add fields
KNOWN: dict[str, dict[str, Any]] = {
    "Ana Lima": {"emails": ["ana@acme.com"], "organization": "Acme", "title": "CTO"},
    "Bruno Souza": {"emails": ["bruno@globex.io"], "organization": "Globex", "title": "Engineer"},
    "Carla Dias": {"emails": ["carla@dias.me"], "title": "Designer"},
    "Dan Brown": {"emails": ["dan@brown.io"]},
    "Eva Green": {"emails": ["eva@home.net", "eva@work.com"]},
    "Femi Ade": {"emails": ["femi@ade.ng"], "phones": ["+44 20 7946 0000"]},
    "Gus Grav": {"emails": ["gus@grav.de"], "urls": ["https://gus.example"]},
    "Hana Sato": {"emails": ["hana@sato.jp"], "tags": ["vip"], "types": ["friend"]},
    "Ivo Horn": {"emails": ["ivo@horn.cz"]},
    "Jon Snow": {"emails": ["jon@wall.org"], "organization": "Night's Watch"},
    "Lee Min": {"emails": ["lee@min.kr"]},
    "Mia Wong": {"emails": ["mia@wong.hk"], "organization": "Umbrella", "title": "Analyst"},
    "Noa Levi": {"emails": ["noa@levi.il"]},
    "Oli Berg": {"emails": ["oli@berg.se"], "organization": "Acme", "title": "CFO"},
    "Pia Roth": {"emails": ["pia@roth.at"]},
    "Rui Costa": {"phones": ["+351 912 345 678"]},
}
COLUMNS = ("rapport_id", "name", "given_name", "family_name", "nickname", "organization",
           "title", "emails", "phones", "urls", "tags", "types", "location", "timezone",
           "how_met", "met_on", "birthday", "notes")  # fmt: skip
# the import: one row per person (rapport CSV: lists joined with ';')
ROWS: list[dict[str, str]] = [
    {"name": "Ana Lima", "emails": "ana@acme.com", "organization": "ACME", "title": "CEO"},
    {"name": "Bruno Souza", "emails": "bruno@globex.io", "organization": "Hooli",
     "title": "Director of Engineering"},
    {"name": "Carla Dias", "emails": "carla@dias.me", "organization": "Initech",
     "title": "Designer"},
    {"name": "Dan Brown", "emails": "dan@brown.io", "organization": "INITECH", "title": "Chef"},
    {"name": "Eva Green", "emails": "eva@new.org; EVA@HOME.NET"},
    {"name": "Femi Ade", "emails": "femi@ade.ng", "phones": "+44 20 7946 0001"},
    {"name": "Gus Grav", "emails": "gus@grav.de", "urls": "linkedin.com/in/gus-grav"},
    {"name": "Hana Sato", "emails": "hana@sato.jp", "tags": "VIP; lisbon; Lisbon",
     "types": "client; friend"},
    {"name": "Ivo Horn", "emails": "ivo@horn.cz", "birthday": "1985-06-12"},
    {"name": "Jonathan Snow", "emails": "jon@wall.org"},
    {"name": "Min-jun Lee", "given_name": "Min-jun", "family_name": "Lee",
     "emails": "lee@min.kr"},
    {"name": "Mia Wong", "emails": "mia@wong.hk; mia@new.hk", "title": "Partner",
     "tags": "lisbon", "notes": LONG_NOTE},
    {"name": "Noa Levi", "emails": "noa@levi.il", "timezone": "Mars/Olympus",
     "location": "Haifa"},
    {"name": "Oli Berg", "emails": "oli@berg.se", "organization": "Acme", "title": "CFO"},
    {"name": "Pia Roth", "emails": "pia@roth.at", "nickname": "Pi",
     "timezone": "Europe/Vienna", "how_met": "Ski trip", "notes": "likes tea"},
    {"name": "Rui Costa", "phones": "+351912345678", "emails": "rui@costa.pt; rui@work.pt"},
    {"name": "Quinn New", "emails": "quinn@new.io", "organization": "Hooli", "title": "Intern"},
]  # fmt: skip


def _csv(rows: Sequence[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return out.getvalue().encode()


def _update_one_by_one(
    ctx: Ctx,
    batch: Sequence[Contact],
    source: str,
    result: ContactResult,
) -> None:
    """The import's update person by person: the same patch, through `people.change`
    in a savepoint each. The reference to compare with."""
    states = read_states(ctx, [c.person_id for c in batch if c.person_id])
    touched: list[int] = []
    for contact in batch:
        pid = contact.person_id
        assert pid is not None
        state = states[pid]
        patch = contact_updates.changes_for(contact, state)
        planned = None
        if patch is not None:
            try:
                planned = plan(
                    state, patch, today=ctx.today, phone_region=ctx.settings.get("phone_region")
                )
            except Invalid as exc:
                result.skipped.append(Skipped(contact.record.line, exc.reason))
                continue
        if patch is None or planned is None or planned.empty:
            result.unchanged += 1
            continue
        with ctx.session.begin_nested():
            people.change(ctx, pid, patch)
        given = patch.given()
        if set(given) - {"birthday", "anniversary"}:
            touched.append(pid)
        result.updated += 1
        if "organization" in given or "title" in given:
            ctx.session.execute(
                update(Role)
                .where(Role.person_id == pid, Role.ended_on.is_(None))
                .values(source=source)
            )
            if state.organization or state.title:
                result.role_changes += 1
    # document by document (`search.put`), not the bulk `replace_people` under test
    reindex_people(ctx.session, ctx.workspace_id, touched)


@dataclasses.dataclass
class Network:
    """One workspace the scenario ran in, read back."""

    workspace_id: int
    summary: ImportSummary
    people: dict[str, PersonOut]  # by name, ids and creation times blanked
    roles: dict[str, list[tuple[Any, ...]]]  # by name: org, title, dates, source
    emails: dict[str, list[tuple[str, bool]]]  # by name: address, primary
    dates: dict[str, list[tuple[Any, ...]]]
    organizations: list[str]
    tags: list[str]
    documents: dict[str, tuple[str, list[str]]]  # search: title, the body's words


def _new_workspace(app: Rapport) -> int:
    with app.open(write=True, today=TODAY) as ctx:
        ws = Workspace(name="Scratch", timezone="UTC", settings={})
        ctx.session.add(ws)
        ctx.session.flush()
        return ws.id


def _blank(person: PersonOut) -> PersonOut:
    roles = [dataclasses.replace(r, id=0) for r in person.roles]
    # ids differ between the two workspaces; the organisation's name is compared
    return dataclasses.replace(person, id=0, created_at=TODAY, roles=roles, organization_id=None)


def _read(ctx: Ctx, summary: ImportSummary) -> Network:
    ids = ctx.session.scalars(
        select(Person.id).where(Person.workspace_id == ctx.workspace_id).order_by(Person.id)
    )
    shown = [people.show(ctx, pid) for pid in ids]
    names = {p.id: p.name for p in shown}
    roles: dict[str, list[tuple[Any, ...]]] = {p.name: [] for p in shown}
    for pid, org, title, started, ended, detected, source in ctx.session.execute(
        select(Role.person_id, Organization.name, Role.title, Role.started_on, Role.ended_on,
               Role.detected_on, Role.source)
        .outerjoin(Organization, Organization.id == Role.organization_id)
        .where(Role.workspace_id == ctx.workspace_id)
        .order_by(Role.id)
    ):  # fmt: skip
        roles[names[pid]].append((org, title, started, ended, detected, source))
    emails: dict[str, list[tuple[str, bool]]] = {p.name: [] for p in shown}
    for pid, address, primary in ctx.session.execute(
        select(PersonEmail.person_id, PersonEmail.address, PersonEmail.is_primary)
        .where(PersonEmail.workspace_id == ctx.workspace_id)
        .order_by(PersonEmail.id)
    ):
        emails[names[pid]].append((address, primary))
    dates: dict[str, list[tuple[Any, ...]]] = {p.name: [] for p in shown}
    for row in ctx.session.execute(
        select(Milestone.person_id, Milestone.kind, Milestone.label, Milestone.month,
               Milestone.day, Milestone.year, Milestone.recurrence, Milestone.lead_days)
        .where(Milestone.workspace_id == ctx.workspace_id)
        .order_by(Milestone.id)
    ):  # fmt: skip
        dates[names[row[0]]].append(tuple(row[1:]))
    orgs = ctx.session.scalars(
        select(Organization.name)
        .where(Organization.workspace_id == ctx.workspace_id)
        .order_by(Organization.name_key)
    )
    tags = ctx.session.scalars(
        select(Tag.name).where(Tag.workspace_id == ctx.workspace_id).order_by(Tag.name_key)
    )
    documents = {
        names[ref_id]: (title, sorted(body.split()))
        for ref_id, title, body in ctx.session.execute(
            select(SearchDoc.ref_id, SearchDoc.title, SearchDoc.body).where(
                SearchDoc.workspace_id == ctx.workspace_id, SearchDoc.kind == "person"
            )
        )
    }
    return Network(
        workspace_id=ctx.workspace_id,
        summary=dataclasses.replace(summary, source=""),
        people={p.name: _blank(p) for p in shown},
        roles=roles,
        emails=emails,
        dates=dates,
        organizations=list(orgs),
        tags=list(tags),
        documents=documents,
    )


def _scenario(app: Rapport, *, one_by_one: bool, monkeypatch: pytest.MonkeyPatch) -> Network:
    """KNOWN, then ROWS imported, in a workspace of its own."""
    ws = _new_workspace(app)
    with app.open(write=True, today=TODAY, workspace_id=ws) as ctx:
        known = {name: make_person(ctx, name, **fields) for name, fields in KNOWN.items()}
        # an older version stored no primary address; `people.change` makes the first one
        ctx.session.execute(
            update(PersonEmail)
            .where(PersonEmail.person_id == known["Eva Green"].id)
            .values(is_primary=False)
        )
    with monkeypatch.context() as patch:
        if one_by_one:
            patch.setattr(contact_updates, "update", _update_one_by_one)
        with app.open(write=True, today=TODAY, workspace_id=ws) as ctx:
            summary = imports.run(ctx, _csv(ROWS))
    with app.open(today=TODAY, workspace_id=ws) as ctx:
        return _read(ctx, summary)


@pytest.fixture
def networks(app: Rapport, monkeypatch: pytest.MonkeyPatch) -> tuple[Network, Network]:
    """The scenario through the bulk path, and through `people.change` one by one."""
    return (
        _scenario(app, one_by_one=False, monkeypatch=monkeypatch),
        _scenario(app, one_by_one=True, monkeypatch=monkeypatch),
    )


def test_bulk_update_equals_people_change_one_by_one(networks: tuple[Network, Network]) -> None:
    bulk, reference = networks
    assert bulk.summary == reference.summary
    assert bulk.people == reference.people
    assert bulk.roles == reference.roles
    assert bulk.emails == reference.emails
    assert bulk.dates == reference.dates
    assert bulk.organizations == reference.organizations
    assert bulk.tags == reference.tags
    assert bulk.documents == reference.documents
    assert len(bulk.documents) == len(bulk.people)


def test_the_import_counts_and_refuses_what_people_change_refuses(
    networks: tuple[Network, Network],
) -> None:
    summary = networks[0].summary
    assert (summary.created, summary.updated, summary.unchanged) == (1, 14, 1)
    assert summary.role_changes == 3  # Ana, Bruno; Carla, whose title was known
    assert [(p.line, p.reason) for p in summary.skipped] == [
        (13, "is 100001 characters long; at most 100000")  # Mia: nothing of the row written
    ]
    assert any("unknown time zone 'Mars/Olympus'" in w for w in summary.warnings)


def test_people_are_updated_as_the_rules_say(networks: tuple[Network, Network]) -> None:
    found = networks[0].people
    ana, bruno, eva = found["Ana Lima"], found["Bruno Souza"], found["Eva Green"]
    assert (ana.organization, ana.title) == ("Acme", "CEO")
    assert (bruno.organization, bruno.title) == ("Hooli", "Director of Engineering")
    assert eva.emails == ["eva@home.net", "eva@work.com", "eva@new.org"]
    assert networks[0].emails["Eva Green"] == [
        ("eva@home.net", True), ("eva@work.com", False), ("eva@new.org", False)
    ]  # fmt: skip
    assert networks[0].emails["Rui Costa"] == [("rui@costa.pt", True), ("rui@work.pt", False)]
    assert found["Femi Ade"].phones == ["+44 20 7946 0000", "+44 20 7946 0001"]
    assert found["Gus Grav"].urls == ["https://gus.example", "https://linkedin.com/in/gus-grav"]
    hana = found["Hana Sato"]
    assert (hana.tags, hana.types) == (["lisbon", "vip"], ["client", "friend"])
    jon, lee = found["Jonathan Snow"], found["Min-jun Lee"]
    assert (jon.given_name, jon.family_name) == ("Jonathan", "Snow")
    assert (lee.given_name, lee.family_name) == ("Min-jun", "Lee")
    mia = found["Mia Wong"]
    assert (mia.title, mia.emails, mia.tags, mia.notes) == ("Analyst", ["mia@wong.hk"], [], None)
    noa = found["Noa Levi"]
    assert (noa.location, noa.timezone) == ("Haifa", None)
    pia = found["Pia Roth"]
    assert (pia.nickname, pia.timezone, pia.how_met) == ("Pi", "Europe/Vienna", "Ski trip")
    assert networks[0].dates["Ivo Horn"] == [("birthday", None, 6, 12, 1985, "yearly", 3)]
    assert networks[0].organizations == [
        "Acme", "Globex", "Hooli", "Initech", "Night's Watch", "Umbrella"
    ]  # fmt: skip


def test_role_history_ends_starts_and_completes_roles(networks: tuple[Network, Network]) -> None:
    roles = networks[0].roles
    source = networks[0].summary.format
    assert roles["Ana Lima"] == [
        ("Acme", "CTO", None, TODAY, None, "manual"),
        ("Acme", "CEO", TODAY, None, TODAY, source),
    ]
    assert roles["Bruno Souza"] == [
        ("Globex", "Engineer", None, TODAY, None, "manual"),
        ("Hooli", "Director of Engineering", TODAY, None, TODAY, source),
    ]
    # an organization filled in completes the current role, no new one starts
    assert roles["Carla Dias"] == [("Initech", "Designer", None, None, None, source)]
    assert roles["Dan Brown"] == [("Initech", "Chef", None, None, None, source)]
    assert roles["Mia Wong"] == [("Umbrella", "Analyst", None, None, None, "manual")]
    assert roles["Oli Berg"] == [("Acme", "CFO", None, None, None, "manual")]


def test_search_finds_people_by_their_new_title_and_organization(
    app: Rapport, networks: tuple[Network, Network]
) -> None:
    with app.open(today=TODAY, workspace_id=networks[0].workspace_id) as ctx:
        by_title = search.find(ctx, "director engineering")
        by_org = search.find(ctx, "initech")
    bruno = networks[0].people["Bruno Souza"]
    assert [(r.kind, r.title, r.detail) for r in by_title] == [
        ("person", bruno.name, "Director of Engineering at Hooli")
    ]
    assert {r.title for r in by_org if r.kind == "person"} == {"Carla Dias", "Dan Brown"}


def test_a_person_row_changes_updated_at_only_when_its_columns_change(ctx: Ctx) -> None:
    renamed = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    added_to = make_person(ctx, "Bruno Souza", emails=["bruno@globex.io"])
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    ctx.session.execute(update(Person).values(updated_at=long_ago))
    pending = [
        bulk_update.Change(renamed.id, 2, {"full_name": "Ana Maria Lima"}),
        bulk_update.Change(added_to.id, 3, {"emails": ["bruno@globex.io", "b@souza.me"]}),
    ]
    current = read_states(ctx, [renamed.id, added_to.id])
    outcome = bulk_update.apply(ctx, pending, current, "test")
    assert (outcome.applied, outcome.skipped) == (pending, [])
    stamps = dict(ctx.session.execute(select(Person.full_name, Person.updated_at)).all())
    assert stamps["Ana Maria Lima"] > long_ago
    assert stamps["Bruno Souza"] == long_ago  # only an email added: the row is as it was
    assert people.show(ctx, renamed.id).given_name == "Ana Maria"


BAD_CHANGES: list[dict[str, Any]] = [
    {"timezone": "Mars/Olympus"},
    {"notes": LONG_NOTE},
    {"how_met": LONG_NOTE},
    {"title": "t" * 301},
    {"organization": "o" * 301, "title": "CEO"},
    {"full_name": "Ana\x00Lima"},
    {"given_name": "g" * 201, "full_name": "New Name"},
    {"met_on": "2020-01-01"},
    {"emails": ["ana@acme.com", "not an address"]},
    {"phones": ["12"]},
    {"urls": ["https://ok.example", "no dots here"]},
    {"types": ["nemesis"]},
    {"tags": ["fine", "#"]},
    {"tags": ["x" * 101]},
    {"colour": "blue"},
    {"title": "CEO", "emails": ["bad"]},  # a good change with a bad one: none of it
]


@pytest.mark.parametrize("changes", BAD_CHANGES, ids=lambda c: "+".join(c))
def test_a_refused_change_is_refused_for_the_same_reason_and_writes_nothing(
    ctx: Ctx, changes: dict[str, Any]
) -> None:
    ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"], organization="Acme", title="CTO")
    other = make_person(ctx, "Bruno Souza")
    with pytest.raises(Invalid) as refused, ctx.session.begin_nested():
        people.change(ctx, ana.id, changes)
    pending = [
        bulk_update.Change(ana.id, 7, changes),
        bulk_update.Change(other.id, 8, {"title": "CEO"}),
    ]
    current = read_states(ctx, [ana.id, other.id])
    outcome = bulk_update.apply(ctx, pending, current, "test")
    assert outcome.skipped == [Skipped(7, refused.value.reason)]
    assert outcome.applied == pending[1:]
    assert people.show(ctx, ana.id) == ana
    assert people.show(ctx, other.id).title == "CEO"
