"""Paginated reads for the API: conversations and events by page, one conversation
by id."""

from __future__ import annotations

from sqlalchemy import func, select

from rapport.domain.records import EventOut, InteractionOut
from rapport.errors import NotFound
from rapport.services import events, interactions
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.storage.schema import Event, Interaction, InteractionParticipant


def interactions_page(
    ctx: Ctx, *, person_id: int | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[InteractionOut], int]:
    """Newest first, with everyone's or one person's conversations; and the total."""
    if person_id is not None:
        get_person(ctx, person_id)
        ids_query = (
            select(InteractionParticipant.interaction_id)
            .where(InteractionParticipant.person_id == person_id)
            .order_by(
                InteractionParticipant.occurred_at.desc(),
                InteractionParticipant.interaction_id.desc(),
            )
        )
        total = ctx.session.scalar(
            select(func.count()).where(InteractionParticipant.person_id == person_id)
        )
    else:
        ids_query = (
            select(Interaction.id)
            .where(Interaction.workspace_id == ctx.workspace_id)
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        )
        total = ctx.session.scalar(
            select(func.count(Interaction.id)).where(Interaction.workspace_id == ctx.workspace_id)
        )
    ids = list(ctx.session.scalars(ids_query.limit(limit).offset(offset)))
    rows = {
        i.id: i for i in ctx.session.scalars(select(Interaction).where(Interaction.id.in_(ids)))
    }
    return interactions.outs(ctx, [rows[i] for i in ids if i in rows]), int(total or 0)


def interaction(ctx: Ctx, interaction_id: int) -> InteractionOut:
    row = ctx.session.get(Interaction, interaction_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        raise NotFound(f"no interaction with id {interaction_id}")
    return interactions.out(ctx, row)


def events_page(ctx: Ctx, *, limit: int = 50, offset: int = 0) -> tuple[list[EventOut], int]:
    """Events, latest first, and how many there are."""
    rows = list(
        ctx.session.scalars(
            select(Event)
            .where(Event.workspace_id == ctx.workspace_id)
            .order_by(Event.starts_on.desc(), Event.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    total = ctx.session.scalar(
        select(func.count(Event.id)).where(Event.workspace_id == ctx.workspace_id)
    )
    return events.outs(ctx, rows), int(total or 0)
