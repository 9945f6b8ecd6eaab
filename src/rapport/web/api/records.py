"""What happens with people: conversations, promises, favours, dates and events."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from rapport.domain.records import (
    Balance,
    CommitmentOut,
    EventOut,
    ExchangeOut,
    InteractionOut,
    MilestoneOut,
    PromiseRates,
)
from rapport.domain.vocabulary import CommitmentStatus, Owner
from rapport.errors import Contradicts
from rapport.services import (
    events,
    favours,
    interactions,
    listings,
    milestones,
    people,
    promise_rates,
    promises,
)
from rapport.services.context import Ctx
from rapport.web.api import wire
from rapport.web.api.schemas import (
    MAX_ID,
    AttendeeIn,
    EventIn,
    FavourIn,
    InteractionIn,
    Limit,
    MilestoneIn,
    Offset,
    Page,
    PathId,
    PromiseIn,
    PromiseResolve,
)
from rapport.web.deps import WorkspaceDep

router = APIRouter()
PersonFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {
        "items": items[offset : offset + limit],
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }


# --- interactions ----------------------------------------------------------------


def _moment(ctx: Ctx, value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return ctx.now()
    return value if value.tzinfo else value.replace(tzinfo=ctx.tz)


@router.get("/interactions", response_model=Page[InteractionOut], tags=["interactions"])
def list_interactions(
    ws: WorkspaceDep, person_id: PersonFilter = None, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """Conversations, newest first (everyone's, or one person's)."""
    with ws.read() as ctx:
        items, total = listings.interactions_page(
            ctx, person_id=person_id, limit=limit, offset=offset
        )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.post("/interactions", response_model=InteractionOut, status_code=201, tags=["interactions"])
def log_interaction(ws: WorkspaceDep, body: InteractionIn) -> Any:
    """Log a conversation; with no time given, now."""
    with ws.write() as ctx:
        return interactions.log(
            ctx,
            interactions.InteractionIn(
                kind=body.kind,
                occurred_at=_moment(ctx, body.occurred_at),
                participant_ids=body.participant_ids,
                summary=body.summary,
                direction=body.direction,
                channel=body.channel,
                notes=body.notes,
                tone=body.tone,
                project=body.project,
                event_id=body.event_id,
            ),
        )


@router.get(
    "/interactions/{interaction_id:int}", response_model=InteractionOut, tags=["interactions"]
)
def get_interaction(ws: WorkspaceDep, interaction_id: PathId) -> Any:
    """One conversation."""
    with ws.read() as ctx:
        return listings.interaction(ctx, interaction_id)


@router.delete("/interactions/{interaction_id:int}", status_code=204, tags=["interactions"])
def delete_interaction(ws: WorkspaceDep, interaction_id: PathId) -> Response:
    """Delete a conversation (last-contact dates follow)."""
    with ws.write() as ctx:
        interactions.delete_interaction(ctx, interaction_id)
    return Response(status_code=204)


# --- promises ----------------------------------------------------------------------


@router.get("/promises", response_model=Page[CommitmentOut], tags=["promises"])
def list_promises(
    ws: WorkspaceDep,
    person_id: PersonFilter = None,
    status: Annotated[str, wire.one_of([*(s.value for s in CommitmentStatus), "all"])] = "open",
    owner: Owner | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """Promises both ways, soonest due first."""
    with ws.read() as ctx:
        if person_id is not None:
            people.require(ctx, person_id)
        rows = promises.listing(
            ctx, person_id=person_id, status=None if status == "all" else status, owner=owner
        )
    return page(rows, limit, offset)


@router.get("/promises/rates", response_model=PromiseRates, tags=["promises"])
def get_promise_rates(ws: WorkspaceDep, person_id: PersonFilter = None) -> Any:
    """My kept-rate and theirs (with one person, or everyone), in all and for each of the
    last 12 months."""
    with ws.read() as ctx:
        return promise_rates.rates(ctx, person_id)


@router.post("/promises", response_model=CommitmentOut, status_code=201, tags=["promises"])
def add_promise(ws: WorkspaceDep, body: PromiseIn) -> Any:
    """A promise: yours to them (owner 'me') or theirs to you ('them')."""
    with ws.write() as ctx:
        return promises.promise(
            ctx, body.person_id, body.description, owner=body.owner, due_on=body.due_on
        )


@router.post("/promises/{promise_id:int}/resolve", response_model=CommitmentOut, tags=["promises"])
def resolve_promise(ws: WorkspaceDep, promise_id: PathId, body: PromiseResolve) -> Any:
    """Mark a promise kept, broken or released (or open again)."""
    with ws.write() as ctx:
        return promises.resolve(ctx, promise_id, body.status)


# --- favours -----------------------------------------------------------------------


@router.get("/favours", response_model=Page[ExchangeOut], tags=["favours"])
def list_favours(
    ws: WorkspaceDep, person_id: PersonFilter = None, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """The reciprocity ledger, newest first."""
    with ws.read() as ctx:
        if person_id is not None:
            people.require(ctx, person_id)
        rows = favours.listing(ctx, person_id=person_id)
    return page(rows, limit, offset)


@router.get("/favours/balance", response_model=Balance, tags=["favours"])
def favours_balance(ws: WorkspaceDep, person_id: PersonFilter = None) -> Any:
    """Help given and received, and how much is not yet thanked."""
    with ws.read() as ctx:
        if person_id is not None:
            people.require(ctx, person_id)
        return favours.balance(ctx, person_id)


@router.post("/favours", response_model=ExchangeOut, status_code=201, tags=["favours"])
def add_favour(ws: WorkspaceDep, body: FavourIn) -> Any:
    """Help given to or received from someone."""
    with ws.write() as ctx:
        return favours.record(
            ctx,
            body.person_id,
            body.direction,
            body.kind,
            occurred_on=body.occurred_on,
            note=body.note,
            thanked_on=body.thanked_on,
        )


@router.post("/favours/{favour_id:int}/thank", response_model=ExchangeOut, tags=["favours"])
def thank(ws: WorkspaceDep, favour_id: PathId) -> Any:
    """Mark help received as thanked (today)."""
    with ws.write() as ctx:
        return favours.thank(ctx, favour_id)


# --- milestones --------------------------------------------------------------------


@router.get("/milestones", response_model=Page[MilestoneOut], tags=["milestones"])
def list_milestones(
    ws: WorkspaceDep,
    person_id: PersonFilter = None,
    within_days: Annotated[int, Query(ge=0, le=366)] = 30,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """One person's dates, or everyone's coming up within `within_days`."""
    with ws.read() as ctx:
        if person_id is not None:
            people.require(ctx, person_id)
            rows = milestones.for_person(ctx, person_id)
        else:
            rows = milestones.upcoming(ctx, within_days=within_days)
    return page(rows, limit, offset)


@router.post("/milestones", response_model=MilestoneOut, status_code=201, tags=["milestones"])
def add_milestone(ws: WorkspaceDep, body: MilestoneIn) -> Any:
    """A date to mark: birthday, work anniversary, promotion, new job, custom. A
    birthday for someone who has one is refused (409) unless `replace` or `another`."""
    try:
        with ws.write() as ctx:
            return milestones.add(
                ctx,
                body.person_id,
                body.kind,
                body.month,
                body.day,
                year=body.year,
                recurrence=body.recurrence,
                lead_days=body.lead_days,
                label=body.label,
                if_exists="replace" if body.replace else "another" if body.another else "refuse",
            )
    except milestones.BirthdayTaken as exc:
        hint = 'Send "replace": true to change it, or "another": true to record a second one.'
        raise exc.hinted(hint) from None


@router.delete("/milestones/{milestone_id:int}", status_code=204, tags=["milestones"])
def delete_milestone(ws: WorkspaceDep, milestone_id: PathId) -> Response:
    """Remove a date."""
    with ws.write() as ctx:
        milestones.remove(ctx, milestone_id)
    return Response(status_code=204)


# --- events ------------------------------------------------------------------------


@router.get("/events", response_model=Page[EventOut], tags=["events"])
def list_events(ws: WorkspaceDep, limit: Limit = 50, offset: Offset = 0) -> Any:
    """Events, latest first, with the people met and who has been followed up."""
    with ws.read() as ctx:
        items, total = listings.events_page(ctx, limit=limit, offset=offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.post("/events", response_model=EventOut, status_code=201, tags=["events"])
def add_event(ws: WorkspaceDep, body: EventIn) -> Any:
    """An event: a conference, meetup or dinner."""
    with ws.write() as ctx:
        return events.create(
            ctx, body.name, body.starts_on, ends_on=body.ends_on, place=body.place, notes=body.notes
        )


@router.get("/events/{event_id:int}", response_model=EventOut, tags=["events"])
def get_event(ws: WorkspaceDep, event_id: PathId) -> Any:
    """One event with the people met and their follow-up."""
    with ws.read() as ctx:
        return events.show(ctx, event_id)


@router.post("/events/{event_id:int}/attendees", response_model=EventOut, tags=["events"])
def add_attendee(ws: WorkspaceDep, event_id: PathId, body: AttendeeIn) -> Any:
    """Someone met at the event: an existing person by id, or a new one by name."""
    with ws.write() as ctx:
        events.show(ctx, event_id)  # 404 before anyone is added
        pid = body.person_id
        if pid is not None and not people.exists(ctx, pid):
            # the event is there: a person named in the body who is not is a refused
            # value (409), not a missing event (404)
            raise Contradicts("person_id", f"no person with id {pid} in this network")
        if pid is None:
            fields: dict[str, Any] = {"full_name": body.name}
            if body.organization:
                fields["organization"] = body.organization
            pid = people.add(ctx, fields).id
        return events.met(ctx, event_id, pid, note=body.note)
