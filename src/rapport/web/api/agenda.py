"""The agenda: today's ranked list, answering it, and the drafted messages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rapport.domain.records import Agenda, Draft
from rapport.services import agenda, drafts
from rapport.web.api.schemas import AgendaDone, AgendaRef, AgendaSnooze, Day, Message, Text
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["agenda"])


@router.get("/agenda", response_model=Agenda)
def get_agenda(
    ws: WorkspaceDep,
    date: Annotated[Day | None, Query(description="The day to plan (default today)")] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Any:
    """One entry per person, most important first, each with its reasons and the
    suggested action."""
    with ws.read() as ctx:
        return agenda.build(ctx, date, limit)


@router.post("/agenda/done", response_model=Message)
def done(ws: WorkspaceDep, body: AgendaDone) -> Any:
    """Carry out an entry: contact is logged, promises kept, favours thanked."""
    with ws.write() as ctx:
        return {"message": agenda.done(ctx, body.ref, note=body.note)}


@router.post("/agenda/snooze", response_model=Message)
def snooze(ws: WorkspaceDep, body: AgendaSnooze) -> Any:
    """Hide an entry until a day (it comes back then if still due)."""
    with ws.write() as ctx:
        return {"message": agenda.snooze(ctx, body.ref, body.until)}


@router.post("/agenda/dismiss", response_model=Message)
def dismiss(ws: WorkspaceDep, body: AgendaRef) -> Any:
    """Drop an entry for this cycle."""
    with ws.write() as ctx:
        return {"message": agenda.dismiss(ctx, body.ref)}


@router.get("/agenda/draft", response_model=Draft)
def draft(ws: WorkspaceDep, ref: Annotated[Text, Query(min_length=1, max_length=300)]) -> Any:
    """The suggested message for an entry, from your templates."""
    with ws.read() as ctx:
        return drafts.draft(ctx, ref)
