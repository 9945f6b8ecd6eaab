"""People › Organisations: every organisation with the people there now and before;
one organisation's page (who you know there, the relationship's health, the latest
conversations); its industry, website and notes edited; merging it into another
after asking, with Undo on the next page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from rapport.domain.custom_fields import Target
from rapport.errors import NotFound, RapportError
from rapport.services import custom_fields, organizations
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import flash, render

router = APIRouter()
HOME = "/organizations"


@router.get("/organizations")
def organizations_page(request: Request, ws: WorkspaceDep) -> Response:
    with ws.read() as ctx:
        found = organizations.listing(ctx)
        today, tz = ctx.today, ctx.tz
    context = {"organizations": found, "today": today, "tz": tz}
    return render(request, "organizations.html", context)


@router.get("/organizations/{organization_id}")
def organization_page(
    request: Request, ws: WorkspaceDep, organization_id: int, merging: bool = False
) -> Response:
    with ws.read() as ctx:
        profile = organizations.profile(ctx, f"#{organization_id}")
        others = organizations.listing(ctx) if merging else []
        own = custom_fields.listing(ctx, Target.ORGANIZATIONS)
        today, tz = ctx.today, ctx.tz
    context = {
        "p": profile,
        "o": profile.organization,
        "others": [o for o in others if o.id != organization_id],
        "merging": merging,
        "own_fields": own,
        "today": today,
        "tz": tz,
    }
    return render(request, "organization.html", context)


@router.post("/organizations/{organization_id}/merge")
def merge(
    request: Request,
    ws: WorkspaceDep,
    organization_id: int,
    into: Annotated[int, Form()],
) -> Response:
    here = f"{HOME}/{organization_id}"
    try:
        with ws.write() as ctx:
            change = organizations.merge(ctx, f"#{organization_id}", f"#{into}")
    except NotFound:
        raise  # not this workspace's: the page answers 404
    except RapportError as exc:
        flash(request, f"Not merged: {getattr(exc, 'reason', exc.message)}", "error")
        return RedirectResponse(here, status_code=303)
    flash(request, change.message[0].upper() + change.message[1:] + ".")
    return RedirectResponse(f"{HOME}/{change.organization.id}", status_code=303)


@router.post("/organizations/{organization_id}/edit")
def edit(
    request: Request,
    ws: WorkspaceDep,
    organization_id: int,
    industry: Annotated[str, Form(max_length=200)] = "",
    website: Annotated[str, Form(max_length=500)] = "",
    notes: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    here = f"{HOME}/{organization_id}"
    details = organizations.OrganizationDetails(industry, website, notes)
    try:
        with ws.write() as ctx:
            profile = organizations.edit(ctx, f"#{organization_id}", details)
    except NotFound:
        raise  # not this workspace's: the page answers 404
    except RapportError as exc:
        flash(request, f"Not saved: {getattr(exc, 'reason', exc.message)}", "error")
        return RedirectResponse(here, status_code=303)
    flash(request, f"Saved the details of {profile.organization.name}.")
    return RedirectResponse(here, status_code=303)


@router.post("/organizations/{organization_id}/fields")
async def edit_fields(request: Request, ws: WorkspaceDep, organization_id: int) -> Response:
    """The organisation's fields of the user's own, as the page's form sends them
    (`field.ID`, every one shown; empty clears)."""
    here = f"{HOME}/{organization_id}"
    form = await request.form()
    try:
        with ws.write() as ctx:
            own = custom_fields.listing(ctx, Target.ORGANIZATIONS)
            values = {f.name: str(form.get(f"field.{f.id}", "")) for f in own}
            organizations.edit_fields(ctx, f"#{organization_id}", values)
    except NotFound:
        raise
    except RapportError as exc:
        flash(request, f"Not saved: {exc.message}", "error")
        return RedirectResponse(here, status_code=303)
    flash(request, "Saved.")
    return RedirectResponse(here, status_code=303)
