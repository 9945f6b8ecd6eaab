"""Keeping the search index current: called by the services after each change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.storage import search
from rapport.storage.schema import (
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
    if not ids:
        return
    extra: dict[int, list[str]] = defaultdict(list)
    for pid, address in session.execute(
        select(PersonEmail.person_id, PersonEmail.address).where(PersonEmail.person_id.in_(ids))
    ):
        extra[pid].append(address)
    for pid, name in session.execute(
        select(PersonTag.person_id, Tag.name)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .where(PersonTag.person_id.in_(ids))
    ):
        extra[pid].append(name)
    for pid, type_ in session.execute(
        select(PersonType.person_id, PersonType.type).where(PersonType.person_id.in_(ids))
    ):
        extra[pid].append(type_)
    rows = session.execute(
        select(Person, Organization.name)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.id.in_(ids))
    ).all()
    for person, org in rows:
        title = search.index_text(person.full_name, person.nickname)
        body = search.index_text(
            org,
            person.title,
            person.location,
            person.how_met,
            person.interests,
            person.remember,
            person.notes,
            person.strained_context,
            *extra[person.id],
        )
        search.put(session, workspace_id, "person", person.id, title, body)


def interaction_doc(interaction: Interaction) -> tuple[str, str]:
    return (
        search.index_text(interaction.summary),
        search.index_text(interaction.notes, interaction.project),
    )


def reindex_interaction(session: Session, interaction: Interaction) -> None:
    title, body = interaction_doc(interaction)
    search.put(session, interaction.workspace_id, "interaction", interaction.id, title, body)


def reindex_organization(session: Session, org: Organization) -> None:
    search.put(
        session,
        org.workspace_id,
        "organization",
        org.id,
        search.index_text(org.name),
        search.index_text(org.industry, org.website, org.notes),
    )
    member_ids = list(session.scalars(select(Person.id).where(Person.organization_id == org.id)))
    reindex_people(session, org.workspace_id, member_ids)
