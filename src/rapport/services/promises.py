"""Commitments both ways: what I promised, what they promised, kept or broken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from rapport.domain.records import CommitmentOut
from rapport.domain.text import clean_text
from rapport.domain.vocabulary import CommitmentStatus, Owner, parse_choice
from rapport.errors import Invalid, NotFound
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.services.people import names_of
from rapport.storage.schema import Commitment, Interaction


def promise(
    ctx: Ctx,
    person_id: int,
    description: str,
    *,
    owner: str = "me",
    due_on: dt.date | None = None,
    origin_interaction_id: int | None = None,
    feedback_id: int | None = None,
) -> CommitmentOut:
    """Record a promise (`owner` 'me': mine to them; 'them': theirs to me)."""
    person = get_person(ctx, person_id)
    text = clean_text(description, "promise")
    if not text:
        raise Invalid("promise", "say what was promised")
    ctx.journal("promise", f"{person.full_name}: promised {text[:200]}")
    if origin_interaction_id is not None:
        origin = ctx.session.get(Interaction, origin_interaction_id)
        if origin is None or origin.workspace_id != ctx.workspace_id:
            raise NotFound(f"no interaction with id {origin_interaction_id}")
    row = Commitment(
        workspace_id=ctx.workspace_id,
        owner=parse_choice(Owner, owner, "owner").value,
        person_id=person_id,
        description=text,
        due_on=due_on,
        status=CommitmentStatus.OPEN.value,
        origin_interaction_id=origin_interaction_id,
        feedback_id=feedback_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return outs(ctx, [row])[0]


def resolve(ctx: Ctx, commitment_id: int, status: str) -> CommitmentOut:
    """Close a promise as kept, broken or released (or reopen it with 'open')."""
    row = ctx.session.get(Commitment, commitment_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        raise NotFound(f"no promise with id {commitment_id}")
    value = parse_choice(CommitmentStatus, status, "status")
    verb = "reopened" if value is CommitmentStatus.OPEN else value.value
    ctx.journal(value.value if value is not CommitmentStatus.OPEN else "reopen",
                f"Promise {verb}: {row.description[:200]}")  # fmt: skip
    row.status = value.value
    row.resolved_at = None if value is CommitmentStatus.OPEN else ctx.now()
    ctx.session.flush()
    return outs(ctx, [row])[0]


def listing(
    ctx: Ctx,
    *,
    person_id: int | None = None,
    status: str | None = "open",
    owner: str | None = None,
    limit: int | None = None,
) -> list[CommitmentOut]:
    """Promises, soonest due first (undated last); the first `limit` when given."""
    query = select(Commitment).where(Commitment.workspace_id == ctx.workspace_id)
    if person_id is not None:
        query = query.where(Commitment.person_id == person_id)
    if status:
        query = query.where(
            Commitment.status == parse_choice(CommitmentStatus, status, "status").value
        )
    if owner:
        query = query.where(Commitment.owner == parse_choice(Owner, owner, "owner").value)
    query = query.order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
    if limit is not None:
        query = query.limit(limit)
    return outs(ctx, list(ctx.session.scalars(query)))


def outs(ctx: Ctx, rows: Sequence[Commitment]) -> list[CommitmentOut]:
    ids = {r.person_id for r in rows}
    names = names_of(ctx, ids)
    return [
        CommitmentOut(
            id=r.id,
            owner=r.owner,
            person=names.get(r.person_id, "?"),
            person_id=r.person_id,
            description=r.description,
            due_on=r.due_on,
            status=r.status,
            created_at=r.created_at,
            resolved_at=r.resolved_at,
        )
        for r in rows
    ]
