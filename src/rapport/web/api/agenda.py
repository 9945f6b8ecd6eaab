"""The agenda: today's ranked list, answering it, and the drafted messages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rapport.domain.records import Agenda, Draft
from rapport.services import agenda, drafts, lists
from rapport.web.api.schemas import MAX_ID, AgendaDone, AgendaRef, AgendaSnooze, Day, Message, Text
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["agenda"])


@router.get("/agenda", response_model=Agenda)
def get_agenda(
    ws: WorkspaceDep,
    date: Annotated[Day | None, Query(description="The day to plan (default today)")] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    list_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only the people on this list")
    ] = None,
) -> Any:
    """One entry per person, most important first, each with its reasons (each with
    its `ref` to answer it by, and `shown_until` when it lapses) and the suggested
    action. The entries' numbers refer to this listing (`listing`) until the agenda
    is listed again."""
    with ws.write() as ctx:
        who = lists.people_of(ctx, list_id) if list_id is not None else None
        return agenda.show(ctx, "api", date, limit, who)


@router.post("/agenda/done", response_model=Message)
def done(ws: WorkspaceDep, body: AgendaDone) -> Any:
    """Answer one reason (`all`: every reason of the entry): the contact is logged
    with the note unless `log` is false; only the reasons answered act (a promise
    kept, a favour thanked, a new role acknowledged)."""
    with ws.write() as ctx:
        message = agenda.done(
            ctx,
            body.ref,
            note=body.note,
            kind=body.kind.value if body.kind else None,
            everything=body.all,
            log_contact=body.log,
            interface="api",
            listing=body.listing,
        )
    return {"message": message}


@router.post("/agenda/snooze", response_model=Message)
def snooze(ws: WorkspaceDep, body: AgendaSnooze) -> Any:
    """Hide a reason (`all`: the entry's) until a day; it comes back then if still due."""
    with ws.write() as ctx:
        message = agenda.snooze(
            ctx, body.ref, body.until, everything=body.all, interface="api", listing=body.listing
        )
    return {"message": message}


@router.post("/agenda/dismiss", response_model=Message)
def dismiss(ws: WorkspaceDep, body: AgendaRef) -> Any:
    """Drop a reason (`all`: the entry's) for this cycle; the answer says when it
    returns (a check-in after one more rhythm, a promise a week later, a birthday
    next year)."""
    with ws.write() as ctx:
        message = agenda.dismiss(
            ctx, body.ref, everything=body.all, interface="api", listing=body.listing
        )
    return {"message": message}


@router.get("/agenda/draft", response_model=Draft)
def draft(ws: WorkspaceDep, ref: Annotated[Text, Query(min_length=1, max_length=300)]) -> Any:
    """The suggested message for an entry, from your templates."""
    with ws.read() as ctx:
        return drafts.draft(ctx, ref, interface="api")
