"""Changing an interaction already logged, when its source changed it: a meeting
moved on the calendar moves (its participants' copies of the moment too), an
attendee who left it leaves it. Everything goes through the caller's transaction,
so the journal records it and `rapport undo` puts it back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, select, update

from rapport.services import ties
from rapport.services.context import Ctx
from rapport.services.interactions import refresh_last_contact
from rapport.services.search_documents import reindex_interaction
from rapport.storage.schema import Interaction, InteractionParticipant


def participants(ctx: Ctx, interaction_id: int) -> list[int]:
    return list(
        ctx.session.scalars(
            select(InteractionParticipant.person_id).where(
                InteractionParticipant.interaction_id == interaction_id
            )
        )
    )


def reschedule(
    ctx: Ctx, interaction_id: int, occurred_at: dt.datetime, summary: str | None = None
) -> None:
    """Move the interaction to `occurred_at` (and retitle it), with every
    participant's copy of the moment and their last contact."""
    row = ctx.session.get(Interaction, interaction_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        return
    row.occurred_at = occurred_at
    if summary is not None and summary != row.summary:
        row.summary = summary[:500]
        reindex_interaction(ctx.session, row)
    ctx.session.execute(
        update(InteractionParticipant)
        .where(InteractionParticipant.interaction_id == interaction_id)
        .values(occurred_at=occurred_at)
    )
    ctx.session.flush()
    people = participants(ctx, interaction_id)
    refresh_last_contact(ctx, people)
    ties.refresh(ctx, [people])


def drop_participants(ctx: Ctx, interaction_id: int, person_ids: Sequence[int]) -> None:
    """`person_ids` were not there after all: off the interaction, and their last
    contact worked out again."""
    if not person_ids:
        return
    before = participants(ctx, interaction_id)
    ctx.session.execute(
        delete(InteractionParticipant).where(
            InteractionParticipant.interaction_id == interaction_id,
            InteractionParticipant.person_id.in_(list(person_ids)),
        )
    )
    ctx.session.flush()
    refresh_last_contact(ctx, person_ids)
    ties.refresh(ctx, [set(before) | set(person_ids)])
