"""Keeping the search index current: called by the services after each change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.storage import search
from rapport.storage.schema import (
    CustomFieldValue,
    Interaction,
    Organization,
    Person,
    PersonEmail,
    PersonTag,
    PersonType,
    Tag,
)


def reindex_people(session: Session, workspace_id: int, ids: Sequence[int]) -> None:
    """Rebuild the search documents of the people `ids` (a few queries for any count)."""
    for pid, title, body in person_documents(session, ids):
        search.put(session, workspace_id, "person", pid, title, body)


def replace_people(session: Session, workspace_id: int, ids: Sequence[int]) -> None:
    """Rebuild many people's search documents at once (importers): a few statements
    per thousand people, and only the documents whose text changed are rewritten.
    (One statement per person costs ~25 ms each on a large SQLite full-text index,
    which flushes at every statement.)"""
    unique = sorted(set(ids))
    for start in range(0, len(unique), 1000):
        docs = person_documents(session, unique[start : start + 1000])
        search.replace_many(session, workspace_id, "person", docs)


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
        select(PersonEmail.person_id, PersonEmail.address).where(PersonEmail.person_id.in_(ids))
    ):
        extra[pid].append(address)
    for pid, name in rows_of(
        select(PersonTag.person_id, Tag.name)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .where(PersonTag.person_id.in_(ids))
    ):
        extra[pid].append(name)
    for pid, type_ in rows_of(
        select(PersonType.person_id, PersonType.type).where(PersonType.person_id.in_(ids))
    ):
        extra[pid].append(type_)
    for owner, value in rows_of(
        select(CustomFieldValue.person_id, CustomFieldValue.value).where(
            CustomFieldValue.person_id.in_(ids)
        )
    ):
        if owner is not None:
            extra[owner].append(value)
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
