"""Keeping the search index current: called by the services after each change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.storage import search, vectors
from rapport.storage.schema import (
    Commitment,
    CustomFieldValue,
    Event,
    EventAttendee,
    Exchange,
    Feedback,
    Interaction,
    Mentorship,
    Milestone,
    Organization,
    Person,
    PersonEmail,
    PersonTag,
    PersonType,
    Role,
    SearchDoc,
    Tag,
)

# the records with a search document of their own besides people, organizations and
# interactions: their table, and the kind their documents and results carry
RECORD_KINDS = {
    "commitment": "promise",
    "exchange": "favour",
    "feedback": "feedback",
    "event": "event",
    "mentorship": "mentorship",
    "milestone": "milestone",
}


def reindex_people(session: Session, workspace_id: int, ids: Sequence[int]) -> None:
    """Rebuild the search documents of the people `ids` (a few queries for any count)."""
    for pid, title, body in person_documents(session, ids):
        search.put(session, workspace_id, "person", pid, title, body)
    vectors.mark_stale(session, ids)  # their meaning too, embedded later (services.semantic)


def replace_people(session: Session, workspace_id: int, ids: Sequence[int]) -> None:
    """Rebuild many people's search documents at once (importers): a few statements
    per thousand people, and only the documents whose text changed are rewritten.
    (One statement per person costs ~25 ms each on a large SQLite full-text index,
    which flushes at every statement.)"""
    unique = sorted(set(ids))
    for start in range(0, len(unique), 1000):
        docs = person_documents(session, unique[start : start + 1000])
        search.replace_many(session, workspace_id, "person", docs)
    vectors.mark_stale(session, unique)  # their meaning too, embedded later (services.semantic)


def index_new_people(session: Session, workspace_id: int, ids: Sequence[int]) -> None:
    """Add the search documents of people just created (none exist yet): one
    executemany instead of a look-up per person (importers)."""
    docs = (("person", pid, title, body) for pid, title, body in person_documents(session, ids))
    search.put_many(session, workspace_id, docs)


def person_documents(session: Session, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(person id, title, body) of the search document of each of `ids`."""
    if not ids:
        return []
    # Core rows (the ORM's result step costs more than these queries); what is still
    # pending in the session is flushed first, as Session.execute would
    session.flush()
    rows_of = session.connection().execute
    extra: dict[int, list[str]] = defaultdict(list)
    for pid, address in rows_of(
        select(PersonEmail.person_id, PersonEmail.address)
        .where(PersonEmail.person_id.in_(ids))
        .order_by(PersonEmail.id)
    ):
        extra[pid].append(address)
    for pid, name in rows_of(
        select(PersonTag.person_id, Tag.name)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .where(PersonTag.person_id.in_(ids))
        .order_by(PersonTag.person_id, PersonTag.tag_id)
    ):
        extra[pid].append(name)
    for pid, type_ in rows_of(
        select(PersonType.person_id, PersonType.type)
        .where(PersonType.person_id.in_(ids))
        .order_by(PersonType.person_id, PersonType.type)
    ):
        extra[pid].append(type_)
    for owner, value in rows_of(
        select(CustomFieldValue.person_id, CustomFieldValue.value)
        .where(CustomFieldValue.person_id.in_(ids))
        .order_by(CustomFieldValue.id)
    ):
        if owner is not None:
            extra[owner].append(value)
    for pid, role_title, org_name in rows_of(
        select(Role.person_id, Role.title, Organization.name)
        .outerjoin(Organization, Organization.id == Role.organization_id)
        .where(Role.person_id.in_(ids))
        .order_by(Role.id)
    ):
        extra[pid].extend(t for t in (role_title, org_name) if t)  # past roles too
    for pid, event_name, place, note in rows_of(
        select(EventAttendee.person_id, Event.name, Event.place, EventAttendee.note)
        .join(Event, Event.id == EventAttendee.event_id)
        .where(EventAttendee.person_id.in_(ids))
        .order_by(EventAttendee.event_id)
    ):
        extra[pid].extend(t for t in (event_name, place, note) if t)  # where they were met
    rows = rows_of(
        select(
            Person.id,
            Person.full_name,
            Person.nickname,
            Organization.name,
            Person.title,
            Person.location,
            Person.how_met,
            Person.interests,
            Person.remember,
            Person.notes,
            Person.strained_context,
        )
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.id.in_(ids))
    ).all()
    docs = []
    for pid, full_name, nickname, *texts in rows:
        title = search.index_text(full_name, nickname)
        body = search.index_text(*texts, *extra[pid])
        docs.append((pid, title, body))
    return docs


def interaction_doc(interaction: Interaction) -> tuple[str, str]:
    return (
        search.index_text(interaction.summary),
        search.index_text(interaction.notes, interaction.project),
    )


def reindex_interaction(session: Session, interaction: Interaction) -> None:
    title, body = interaction_doc(interaction)
    search.put(session, interaction.workspace_id, "interaction", interaction.id, title, body)


def reindex_organization(session: Session, org: Organization, *, people: bool = True) -> None:
    """The organisation's search document, and (`people`) those of its people, whose
    documents carry its name."""
    values = session.scalars(
        select(CustomFieldValue.value).where(CustomFieldValue.organization_id == org.id)
    ).all()
    search.put(
        session,
        org.workspace_id,
        "organization",
        org.id,
        search.index_text(org.name),
        search.index_text(org.industry, org.website, org.notes, *values),
    )
    if not people:
        return
    member_ids = list(session.scalars(select(Person.id).where(Person.organization_id == org.id)))
    reindex_people(session, org.workspace_id, member_ids)


def record_documents(session: Session, kind: str, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(id, title, body) of the search documents of the records `ids` of `kind` (one
    of RECORD_KINDS' values) that still exist."""
    if not ids:
        return []
    session.flush()
    rows_of = session.connection().execute
    docs: list[tuple[int, str, str]] = []
    if kind == "promise":
        for rid, description in rows_of(
            select(Commitment.id, Commitment.description)
            .where(Commitment.id.in_(ids))
            .order_by(Commitment.id)
        ):
            docs.append((rid, search.index_text(description), ""))
    elif kind == "favour":
        for rid, note, what in rows_of(
            select(Exchange.id, Exchange.note, Exchange.kind)
            .where(Exchange.id.in_(ids))
            .order_by(Exchange.id)
        ):
            docs.append((rid, search.index_text(note), search.index_text(what)))
    elif kind == "feedback":
        for rid, content in rows_of(
            select(Feedback.id, Feedback.content).where(Feedback.id.in_(ids))
        ):
            docs.append((rid, "", search.index_text(content)))
    elif kind == "event":
        met: dict[int, list[str]] = defaultdict(list)
        for eid, note in rows_of(
            select(EventAttendee.event_id, EventAttendee.note).where(
                EventAttendee.event_id.in_(ids), EventAttendee.note.is_not(None)
            )
        ):
            if note:
                met[eid].append(note)
        for rid, name, place, notes in rows_of(
            select(Event.id, Event.name, Event.place, Event.notes)
            .where(Event.id.in_(ids))
            .order_by(Event.id)
        ):
            docs.append((rid, search.index_text(name), search.index_text(place, notes, *met[rid])))
    elif kind == "mentorship":
        for rid, goals in rows_of(
            select(Mentorship.id, Mentorship.goals).where(Mentorship.id.in_(ids))
        ):
            docs.append((rid, "", search.index_text(goals)))
    elif kind == "milestone":
        for rid, label, what in rows_of(
            select(Milestone.id, Milestone.label, Milestone.kind)
            .where(Milestone.id.in_(ids))
            .order_by(Milestone.id)
        ):
            docs.append((rid, search.index_text(label), search.index_text(what)))
    return docs


def reindex_records(session: Session, workspace_id: int, kind: str, ids: Sequence[int]) -> None:
    """The documents of records `ids` of `kind` rebuilt, those of records gone removed."""
    unique = sorted(set(ids))
    for start in range(0, len(unique), 1000):
        chunk = unique[start : start + 1000]
        docs = record_documents(session, kind, chunk)
        search.replace_many(session, workspace_id, kind, docs)
        there = {rid for rid, _, _ in docs}
        search.remove(session, kind, [rid for rid in chunk if rid not in there])


def sync(session: Session, workspace_id: int, touched: dict[str, dict[Any, Any]]) -> None:
    """After a write (called by the context before it commits): the documents of the
    records the transaction touched (`touched`: the journal's rows seen, per table)
    rebuilt, so no service has to remember them: promises, favours, feedback, events,
    mentorships, milestones, and the people met at an event whose name or note
    changed. (People, organizations and interactions are rebuilt by their services.)"""
    for table, kind in RECORD_KINDS.items():
        if ids := [k for k in touched.get(table, {}) if isinstance(k, int)]:
            reindex_records(session, workspace_id, kind, ids)
    events: set[int] = set()
    people: set[int] = set()
    for key in touched.get("event_attendee", {}):
        if isinstance(key, tuple) and len(key) == 2:
            events.add(key[0])
            people.add(key[1])
    if events - set(touched.get("event", {})):
        reindex_records(session, workspace_id, "event", sorted(events))
    renamed = [k for k in touched.get("event", {}) if isinstance(k, int)]
    if renamed:
        people.update(
            session.scalars(
                select(EventAttendee.person_id).where(EventAttendee.event_id.in_(renamed))
            )
        )
    if people:
        there = sorted(session.scalars(select(Person.id).where(Person.id.in_(people))))
        replace_people(session, workspace_id, there)
    # a person's vector holds their latest conversations: logged or deleted, it waits
    # to be embedded again
    talked = {
        key[1]
        for key in touched.get("interaction_participant", {})
        if isinstance(key, tuple) and len(key) == 2
    }
    vectors.mark_stale(session, sorted(talked - people))


_MODELS: dict[str, Any] = {
    "promise": Commitment,
    "favour": Exchange,
    "feedback": Feedback,
    "event": Event,
    "mentorship": Mentorship,
    "milestone": Milestone,
}


def index_missing_records(session: Session, workspace_id: int) -> int:
    """Documents for the workspace's promises, favours, feedback, events, mentorships
    and milestones that have none (a bulk load writes those rows without them): only
    inserts, so it is safe while the SQLite index is deferred. Returns how many."""
    written = 0
    for kind, model in _MODELS.items():
        indexed = select(SearchDoc.ref_id).where(
            SearchDoc.kind == kind, SearchDoc.workspace_id == workspace_id
        )
        ids = list(
            session.scalars(
                select(model.id)
                .where(model.workspace_id == workspace_id, model.id.not_in(indexed))
                .order_by(model.id)
            )
        )
        for start in range(0, len(ids), 1000):
            docs = record_documents(session, kind, ids[start : start + 1000])
            search.put_many(session, workspace_id, ((kind, r, t, b) for r, t, b in docs))
            written += len(docs)
    return written


def reindex_all(session: Session, workspace_id: int) -> dict[str, int]:
    """Every search document of the workspace rebuilt from its records (`rapport
    reindex`; the first open after an upgrade that changed how text is indexed; a
    restored backup). Documents whose text is unchanged stay as they are (same row),
    those of records gone are removed. Returns the documents per kind."""
    counts: dict[str, int] = {}
    kept: dict[str, set[int]] = {}

    def write(kind: str, docs: Sequence[tuple[int, str, str]]) -> None:
        search.replace_many(session, workspace_id, kind, docs)
        kept.setdefault(kind, set()).update(r for r, _, _ in docs)

    people = list(session.scalars(select(Person.id).where(Person.workspace_id == workspace_id)))
    for start in range(0, len(people), 1000):
        write("person", person_documents(session, people[start : start + 1000]))
    orgs = session.execute(
        select(Organization.id, Organization.name, Organization.industry, Organization.website,
               Organization.notes).where(Organization.workspace_id == workspace_id)
    ).all()  # fmt: skip
    values: dict[int, list[str]] = defaultdict(list)
    for owner, value in session.execute(
        select(CustomFieldValue.organization_id, CustomFieldValue.value)
        .join(Organization, Organization.id == CustomFieldValue.organization_id)
        .where(Organization.workspace_id == workspace_id)
    ):
        if owner is not None:
            values[owner].append(value)
    write(
        "organization",
        [
            (
                oid,
                search.index_text(name),
                search.index_text(industry, website, notes, *values[oid]),
            )
            for oid, name, industry, website, notes in orgs
        ],
    )
    last = 0
    while True:
        batch = session.execute(
            select(Interaction.id, Interaction.summary, Interaction.notes, Interaction.project)
            .where(Interaction.workspace_id == workspace_id, Interaction.id > last)
            .order_by(Interaction.id)
            .limit(5000)
        ).all()
        if not batch:
            break
        write(
            "interaction",
            [
                (iid, search.index_text(summary), search.index_text(notes, project))
                for iid, summary, notes, project in batch
            ],
        )
        last = batch[-1][0]
    for kind, model in _MODELS.items():
        ids = list(session.scalars(select(model.id).where(model.workspace_id == workspace_id)))
        for start in range(0, len(ids), 1000):
            write(kind, record_documents(session, kind, ids[start : start + 1000]))
    # documents of records gone, or of kinds no longer indexed
    stale = [
        (kind, ref_id)
        for kind, ref_id in session.execute(
            select(SearchDoc.kind, SearchDoc.ref_id).where(SearchDoc.workspace_id == workspace_id)
        )
        if ref_id not in kept.get(kind, ())
    ]
    for start in range(0, len(stale), 1000):
        search.remove_pairs(session, stale[start : start + 1000])
    for kind in ("person", "organization", "interaction", *_MODELS):
        counts[kind] = len(kept.get(kind, ()))
    return counts
