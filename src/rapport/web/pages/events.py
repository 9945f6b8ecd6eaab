"""Events: the networking events, the people met at each, and how many of them
have been followed up; quick capture of someone met."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from rapport.domain.text import whole_number
from rapport.errors import Invalid
from rapport.services import events
from rapport.web import views
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import Text, day
from rapport.web.templating import flash, render

router = APIRouter()


@router.get("/events")
def events_page(request: Request, ws: WorkspaceDep) -> Response:
    with ws.read() as ctx:
        rows = views.events_page(ctx)
        today = ctx.today
    return render(request, "events.html", {"events": rows, "today": today})


@router.post("/events")
def add_event(
    request: Request,
    ws: WorkspaceDep,
    name: Text = "",
    on: Text = "",
    ends: Text = "",
    place: Text = "",
) -> Response:
    with ws.write() as ctx:
        starts = day(ctx, on, field="on") or ctx.today
        row = events.create(
            ctx, name, starts, ends_on=day(ctx, ends, field="ends"), place=place or None
        )
    flash(request, f"Added {row.name}. Capture the people you meet there below.")
    return RedirectResponse(f"/events/{row.id}", status_code=303)


@router.get("/events/{event_id}")
def event_page(request: Request, ws: WorkspaceDep, event_id: int) -> Response:
    with ws.read() as ctx:
        row = events.show(ctx, event_id)
        today, tz = ctx.today, ctx.tz
    return render(request, "event.html", {"event": row, "today": today, "tz": tz})


@router.post("/events/{event_id}/met")
def met(
    request: Request,
    ws: WorkspaceDep,
    event_id: int,
    name: Text = "",
    organization: Text = "",
    note: Text = "",
) -> Response:
    """Quick capture on the spot: a name, where they work, one line to remember."""
    with ws.write() as ctx:
        found = events.capture(
            ctx, name, event_id=event_id, organization=organization or None, note=note or None
        )
    flash(request, f"Noted: you met {name.strip()} {found.where}.")
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/met")
def met_someone(
    request: Request,
    ws: WorkspaceDep,
    name: Text = "",
    event: Text = "",
    organization: Text = "",
    note: Text = "",
) -> Response:
    """Today's "Met someone": the same capture, at one of the latest events or
    without one (met today); back to Today, which asks for the follow-up from
    tomorrow."""
    event_id = whole_number(event.strip(), "event") if event.strip() else None
    if event.strip() and event_id is None:
        raise Invalid("event", "choose one of the events listed, or none")
    with ws.write() as ctx:
        found = events.capture(
            ctx, name, event_id=event_id, organization=organization or None, note=note or None
        )
    new = " (new person)" if found.created else ""
    flash(request, f"Noted: you met {found.person}{new} {found.where}.")
    return RedirectResponse("/", status_code=303)
