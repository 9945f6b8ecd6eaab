"""Merging two records of the same person without losing anything of either.

`preview` says what a merge would do (`domain.merge_plan`); `merge` does exactly
that, as one journaled action that `rapport undo` takes back whole."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from rapport.domain.merge_facts import (
    DateFacts,
    MergePlan,
    MergePreview,
    RecordFacts,
    RoleFacts,
)
from rapport.domain.merge_plan import plan
from rapport.domain.records import PersonOut
from rapport.errors import Contradicts
from rapport.services import people, ties
from rapport.services.context import Ctx
from rapport.services.search_documents import reindex_people
from rapport.storage import search
from rapport.storage.schema import (
    AgendaMark,
    Commitment,
    CustomFieldValue,
    Event,
    EventAttendee,
    Exchange,
    Feedback,
    InteractionParticipant,
    Introduction,
    JournalEntry,
    Mentorship,
    Milestone,
    Organization,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
    PersonType,
    PersonUrl,
    Role,
    Tag,
)

# the person's own columns the plan weighs
_COLUMNS = (
    "given_name", "family_name", "nickname", "organization_id", "title", "location",
    "timezone", "how_met", "met_on", "met_event_id", "introduced_by_id", "interests",
    "remember", "notes", "preferred_channel", "not_before", "max_contact_days",
    "cadence_days", "strained", "strained_context", "strained_since", "archived_at",
    "last_contact_at", "health_adjustment", "health_adjustment_reason",
)  # fmt: skip
# rows that simply change owner
_MOVE = (Commitment, Exchange, Mentorship, AgendaMark)


@dataclass(frozen=True)
class MergeResult:
    """The person kept, what the merge did, and the journal entry that undoes it."""

    person: PersonOut
    preview: MergePreview
    entry_id: int | None


def preview(ctx: Ctx, keep_id: int, other_id: int) -> MergePreview:
    """What merging `other_id` into `keep_id` would do; nothing is written."""
    return _plan(ctx, keep_id, other_id).preview


def merge(ctx: Ctx, keep_id: int, other_id: int) -> MergeResult:
    """Fold `other_id` into `keep_id` as `preview` says: every interaction, promise,
    favour, date, event, address and note moves over; the other record is then
    deleted. One journal entry ("merge"), undone whole by `journal.undo`."""
    planned = _plan(ctx, keep_id, other_id)
    keep, other = people.get(ctx, keep_id), people.get(ctx, other_id)
    entry = ctx.journal("merge", _summary(other, keep))
    _write(ctx, keep, other, planned)
    return MergeResult(people.out(ctx, people.get(ctx, keep_id)), planned.preview, entry)


def _summary(other: Person, keep: Person) -> str:
    """The merge's journal entry in words, which also records who went where
    (`survivor` reads the ids back from it)."""
    return f"Merged {other.full_name} (#{other.id}) into {keep.full_name} (#{keep.id})"


_MERGED = re.compile(r"\(#(\d+)\) into .*\(#(\d+)\)$")


def survivor(ctx: Ctx, person_id: int) -> int | None:
    """The person `person_id` lives on in after being merged away (through later
    merges too): None when it was never merged, or its merge was undone."""
    current, seen = person_id, {person_id}
    while True:
        summaries = ctx.session.scalars(
            select(JournalEntry.summary)
            .where(
                JournalEntry.workspace_id == ctx.workspace_id,
                JournalEntry.action == "merge",
                JournalEntry.undone_by_id.is_(None),
                JournalEntry.summary.contains(f"(#{current}) into ", autoescape=True),
            )
            .order_by(JournalEntry.id.desc())
        )
        kept = None
        for summary in summaries:
            found = _MERGED.search(summary)
            if found and int(found.group(1)) == current:
                kept = int(found.group(2))
                break
        if kept is None or kept in seen:
            return None  # never merged, or merged into someone gone since
        if ctx.session.get(Person, kept) is not None:
            return kept
        current = kept
        seen.add(kept)


def _plan(ctx: Ctx, keep_id: int, other_id: int) -> MergePlan:
    if keep_id == other_id:
        raise Contradicts("merge", "cannot merge a person with themselves")
    keep, other = people.get(ctx, keep_id), people.get(ctx, other_id)
    shared = _shared_interactions(ctx, keep.id, other.id)
    return plan(_facts(ctx, keep), _facts(ctx, other, shared), ctx.today)


# --- reading the two records -----------------------------------------------------------------


def _facts(ctx: Ctx, person: Person, shared: int = 0) -> RecordFacts:
    s, pid = ctx.session, person.id
    org = s.get(Organization, person.organization_id) if person.organization_id else None
    shown: dict[str, str] = {}
    if person.met_event_id is not None and (event := s.get(Event, person.met_event_id)):
        shown["met_event_id"] = event.name
    if person.introduced_by_id is not None and (who := s.get(Person, person.introduced_by_id)):
        shown["introduced_by_id"] = who.full_name
    roles = [
        RoleFacts(r.id, r.organization_id, name, r.title, r.started_on, r.ended_on)
        for r, name in s.execute(
            select(Role, Organization.name)
            .outerjoin(Organization, Organization.id == Role.organization_id)
            .where(Role.person_id == pid)
            .order_by(Role.id)
        )
    ]
    dates = [
        DateFacts(m.id, m.kind, m.label, m.month, m.day, m.year)
        for m in s.scalars(
            select(Milestone).where(Milestone.person_id == pid).order_by(Milestone.id)
        )
    ]
    tags = _values(
        ctx,
        select(Tag.name)
        .join(PersonTag, PersonTag.tag_id == Tag.id)
        .where(PersonTag.person_id == pid)
        .order_by(Tag.name_key),
    )
    return RecordFacts(
        id=pid,
        name=person.full_name,
        fields={c: getattr(person, c) for c in _COLUMNS},
        organization=org.name if org else None,
        shown=shown,
        emails=_pairs(ctx, select(PersonEmail.address_key, PersonEmail.address)
                      .where(PersonEmail.person_id == pid)
                      .order_by(PersonEmail.is_primary.desc(), PersonEmail.id)),
        phones=_pairs(ctx, select(PersonPhone.number_key, PersonPhone.number)
                      .where(PersonPhone.person_id == pid).order_by(PersonPhone.id)),
        urls=_values(ctx, select(PersonUrl.url).where(PersonUrl.person_id == pid)
                     .order_by(PersonUrl.id)),
        types=_values(ctx, select(PersonType.type).where(PersonType.person_id == pid)
                      .order_by(PersonType.type)),
        tags=list(tags),
        roles=roles,
        dates=dates,
        counts=_counts(ctx, pid) | {"dates": len(dates)},
        shared_interactions=shared,
    )  # fmt: skip


def _pairs(ctx: Ctx, query: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in ctx.session.execute(query)}


def _values(ctx: Ctx, query: Any) -> list[str]:
    return [str(v) for v in ctx.session.scalars(query)]


def _count(ctx: Ctx, model: Any, *where: Any) -> int:
    return ctx.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _counts(ctx: Ctx, pid: int) -> dict[str, int]:
    i = Introduction
    return {
        "interactions": _count(
            ctx, InteractionParticipant, InteractionParticipant.person_id == pid
        ),
        "promises": _count(ctx, Commitment, Commitment.person_id == pid),
        "favours": _count(ctx, Exchange, Exchange.person_id == pid),
        "events": _count(ctx, EventAttendee, EventAttendee.person_id == pid),
        "introductions": _count(
            ctx, i, or_(i.person_id == pid, i.to_person_id == pid, i.introducer_id == pid)
        ),
        "mentorships": _count(ctx, Mentorship, Mentorship.person_id == pid),
        "feedback": _count(ctx, Feedback, Feedback.person_id == pid),
    }


def _shared_interactions(ctx: Ctx, keep_id: int, other_id: int) -> int:
    p = InteractionParticipant
    theirs = select(p.interaction_id).where(p.person_id == other_id)
    return _count(ctx, p, p.person_id == keep_id, p.interaction_id.in_(theirs))


# --- writing the plan --------------------------------------------------------------------------


def _write(ctx: Ctx, keep: Person, other: Person, planned: MergePlan) -> None:
    s, writes = ctx.session, planned.writes
    for name, value in writes.person.items():
        setattr(keep, name, value)
    s.flush()
    for model, changed, dropped in (
        (Role, writes.roles, writes.roles_dropped),
        (Milestone, writes.dates, writes.dates_dropped),
    ):
        if dropped:
            s.execute(delete(model).where(model.id.in_(dropped)))
        for row in changed:
            s.execute(update(model).where(model.id == row.id).values(row.values))
        s.execute(update(model).where(model.person_id == other.id).values(person_id=keep.id))

    # interactions both took part in keep one participant row
    shared = select(InteractionParticipant.interaction_id).where(
        InteractionParticipant.person_id == keep.id
    )
    both = set(
        s.scalars(
            select(InteractionParticipant.interaction_id).where(
                InteractionParticipant.person_id == other.id,
                InteractionParticipant.interaction_id.in_(shared),
            )
        )
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
    _move_unique(ctx, PersonPhone, PersonPhone.number_key, keep.id, other.id)
    _move_unique(ctx, PersonUrl, PersonUrl.url, keep.id, other.id)
    # the user's own fields: the kept record's values win, the other's fill the gaps
    _move_unique(ctx, CustomFieldValue, CustomFieldValue.field_id, keep.id, other.id)
    if s.scalar(select(PersonEmail.id).where(PersonEmail.person_id == keep.id).limit(1)):
        # the kept record's primary address stays the one
        s.execute(
            update(PersonEmail)
            .where(PersonEmail.person_id == other.id, PersonEmail.is_primary.is_(True))
            .values(is_primary=False)
        )
    _move_unique(ctx, PersonEmail, PersonEmail.address_key, keep.id, other.id)
    for moved in _MOVE:
        s.execute(update(moved).where(moved.person_id == other.id).values(person_id=keep.id))
    s.execute(update(Feedback).where(Feedback.person_id == other.id).values(person_id=keep.id))
    for column in (Introduction.person_id, Introduction.to_person_id, Introduction.introducer_id):
        s.execute(update(Introduction).where(column == other.id).values({column.key: keep.id}))
    s.execute(
        update(Person).where(Person.introduced_by_id == other.id).values(introduced_by_id=keep.id)
    )
    s.flush()
    s.refresh(keep)
    if keep.introduced_by_id == keep.id:
        keep.introduced_by_id = None
    search.remove(s, "person", [other.id])  # derived: undo rebuilds it
    s.delete(other)
    s.flush()
    reindex_people(s, ctx.workspace_id, [keep.id])
    # the other's ties are now the kept person's; a conversation both were in has one
    # person fewer, which can bring it down to a size that ties its people together
    ties.refresh_person(ctx, keep.id)
    ties.refresh(ctx, ties.people_of(ctx, both).values())


def _move_unique(ctx: Ctx, model: type, key_column: object, keep_id: int, other_id: int) -> None:
    """Move rows keyed by (person, key) from other to keep, dropping those keep has."""
    s = ctx.session
    column = getattr(model, key_column.key)  # type: ignore[attr-defined]
    has = select(column).where(model.person_id == keep_id)  # type: ignore[attr-defined]
    s.execute(delete(model).where(model.person_id == other_id, column.in_(has)))  # type: ignore[attr-defined]
    s.execute(update(model).where(model.person_id == other_id).values(person_id=keep_id))  # type: ignore[attr-defined]
