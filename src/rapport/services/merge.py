"""Merging two records of the same person without losing anything of either."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from rapport.domain.records import PersonOut
from rapport.errors import Invalid
from rapport.services import people
from rapport.services.context import Ctx
from rapport.services.search_documents import reindex_people
from rapport.storage import search
from rapport.storage.schema import (
    AgendaMark,
    Commitment,
    EventAttendee,
    Exchange,
    Feedback,
    InteractionParticipant,
    Introduction,
    Mentorship,
    Milestone,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
    PersonType,
    PersonUrl,
    Role,
)

# fields copied from the merged record when the kept one has none
_FILL = (
    "given_name",
    "family_name",
    "nickname",
    "organization_id",
    "title",
    "location",
    "timezone",
    "how_met",
    "met_on",
    "met_event_id",
    "introduced_by_id",
    "interests",
    "remember",
    "preferred_channel",
    "not_before",
    "max_contact_days",
    "cadence_days",
    "strained_context",
    "strained_since",
)
# rows that simply change owner
_MOVE = (Role, Commitment, Exchange, Mentorship, AgendaMark, PersonUrl)


def merge(ctx: Ctx, keep_id: int, other_id: int) -> PersonOut:
    """Fold `other_id` into `keep_id`: every interaction, promise, favour, milestone,
    event, address and note moves over; the other record is then deleted."""
    if keep_id == other_id:
        raise Invalid("merge", "cannot merge a person with themselves")
    keep, other = people.get(ctx, keep_id), people.get(ctx, other_id)
    ctx.journal("merge", f"Merged {other.full_name} into {keep.full_name}")
    s = ctx.session
    for name in _FILL:
        if getattr(keep, name) is None and getattr(other, name) is not None:
            setattr(keep, name, getattr(other, name))
    if other.notes:
        keep.notes = f"{keep.notes}\n\n{other.notes}" if keep.notes else other.notes
    keep.strained = keep.strained or other.strained
    if other.last_contact_at and (
        not keep.last_contact_at or other.last_contact_at > keep.last_contact_at
    ):
        keep.last_contact_at = other.last_contact_at
    if keep.archived_at and not other.archived_at:
        keep.archived_at = None

    # interactions both took part in keep one participant row
    shared = select(InteractionParticipant.interaction_id).where(
        InteractionParticipant.person_id == keep.id
    )
    s.execute(
        delete(InteractionParticipant).where(
            InteractionParticipant.person_id == other.id,
            InteractionParticipant.interaction_id.in_(shared),
        )
    )
    s.execute(
        update(InteractionParticipant)
        .where(InteractionParticipant.person_id == other.id)
        .values(person_id=keep.id)
    )
    _move_unique(ctx, EventAttendee, EventAttendee.event_id, keep.id, other.id)
    _move_unique(ctx, PersonType, PersonType.type, keep.id, other.id)
    _move_unique(ctx, PersonTag, PersonTag.tag_id, keep.id, other.id)
    _move_unique(ctx, PersonEmail, PersonEmail.address_key, keep.id, other.id)
    _move_unique(ctx, PersonPhone, PersonPhone.number_key, keep.id, other.id)
    for model in _MOVE:
        s.execute(update(model).where(model.person_id == other.id).values(person_id=keep.id))
    # the same yearly date recorded on both records is kept once
    seen = {
        (m.kind, m.month, m.day)
        for m in s.scalars(select(Milestone).where(Milestone.person_id == keep.id))
    }
    for m in s.scalars(select(Milestone).where(Milestone.person_id == other.id)):
        if (m.kind, m.month, m.day) in seen:
            s.delete(m)
        else:
            m.person_id = keep.id
    s.execute(update(Feedback).where(Feedback.person_id == other.id).values(person_id=keep.id))
    for column in (Introduction.person_id, Introduction.to_person_id, Introduction.introducer_id):
        s.execute(update(Introduction).where(column == other.id).values({column.key: keep.id}))
    s.execute(
        update(Person).where(Person.introduced_by_id == other.id).values(introduced_by_id=keep.id)
    )
    if keep.introduced_by_id == keep.id:
        keep.introduced_by_id = None
    s.flush()
    search.remove(s, "person", [other.id])
    s.delete(other)
    s.flush()
    reindex_people(s, ctx.workspace_id, [keep.id])
    return people.out(ctx, keep)


def _move_unique(ctx: Ctx, model: type, key_column: object, keep_id: int, other_id: int) -> None:
    """Move rows keyed by (person, key) from other to keep, dropping those keep has."""
    s = ctx.session
    column = getattr(model, key_column.key)  # type: ignore[attr-defined]
    has = select(column).where(model.person_id == keep_id)  # type: ignore[attr-defined]
    s.execute(delete(model).where(model.person_id == other_id, column.in_(has)))  # type: ignore[attr-defined]
    s.execute(update(model).where(model.person_id == other_id).values(person_id=keep_id))  # type: ignore[attr-defined]
