"""Lists: every list of one's own, and each list's page: its people in a table (with
the People page's bulk bar acting on them) and, for a pipeline, a board with a
column per stage, where a card moves by its own small form (htmx swaps the board in
place; without a script the form posts and the page comes back). A list is saved
from the People page's filter ("Save as list"); people are put on one with the
People page's bulk bar ("Add to list")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from rapport.domain import people_filter
from rapport.errors import RapportError
from rapport.services import lists
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import Text
from rapport.web.templating import flash, render

router = APIRouter()
HOME = "/lists"
Short = Annotated[str, Form(max_length=people_filter.MAX_VALUE)]
ListId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def _sentence(message: str) -> str:
    return message[0].upper() + message[1:] + "."


@router.get("/lists")
def lists_page(request: Request, ws: WorkspaceDep) -> Response:
    with ws.read() as ctx:
        found = lists.listing(ctx)
    return render(request, "lists.html", {"lists": found})


@router.post("/lists")
def add_list(
    request: Request,
    ws: WorkspaceDep,
    name: Short = "",
    stages: Text = "",
    type: Short = "",
    tag: Short = "",
    organization: Short = "",
    health: Short = "",
    field: Short = "",
    back: Text = HOME,
) -> Response:
    """Make a list: from the People page's filter (a saved filter), or an empty list
    to pick people for."""
    target = back if back.startswith(("/people", "/lists")) else HOME
    try:
        criteria = people_filter.of(
            {
                "type": type,
                "tag": tag,
                "organization": organization,
                "health": health,
                "field": field,
            }
        )
        with ws.write() as ctx:
            made = lists.create(ctx, name, filter=criteria, stages=lists.stages_of(stages))
    except RapportError as exc:
        if exc.http_status >= 500:
            raise
        flash(request, f"The list was not made: {exc.message}", "error")
        return RedirectResponse(target, status_code=303)
    chosen = f"everyone with {made.described}" if made.kind == "filter" else "pick its people"
    flash(request, f"Made the list {made.name}: {chosen}.")
    return RedirectResponse(f"/lists/{made.id}", status_code=303)


@router.get("/lists/{list_id}")
def list_page(request: Request, ws: WorkspaceDep, list_id: ListId, deleting: str = "") -> Response:
    with ws.read() as ctx:
        view = lists.show(ctx, list_id)
        today, tz = ctx.today, ctx.tz
    context = {"view": view, "deleting": deleting == "1", "today": today, "tz": tz}
    return render(request, "list.html", context)


def _back(list_id: int) -> str:
    return f"/lists/{list_id}"


def _refused(request: Request, list_id: int, what: str, exc: RapportError) -> Response:
    if exc.http_status >= 500 or exc.http_status == 404:
        raise exc
    flash(request, f"{what}: {exc.message}", "error")
    return RedirectResponse(_back(list_id), status_code=303)


@router.post("/lists/{list_id}/move")
def move(
    request: Request,
    ws: WorkspaceDep,
    list_id: ListId,
    person_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
    stage: Short = "",
) -> Response:
    """Move one card to `stage`; htmx gets the board and table back, a plain form the page."""
    try:
        with ws.write() as ctx:
            member = lists.move(ctx, list_id, person_id, stage)
    except RapportError as exc:
        return _refused(request, list_id, "Nobody was moved", exc)
    if request.headers.get("hx-request") == "true":
        with ws.read() as ctx:
            view = lists.show(ctx, list_id)
            today, tz = ctx.today, ctx.tz
        notice = f"{member.person.name} is now at {member.stage}."
        context = {"view": view, "notice": notice, "today": today, "tz": tz}
        return render(request, "partials/list_body.html", context)
    flash(request, f"{member.person.name} is now at {member.stage}.")
    return RedirectResponse(_back(list_id), status_code=303)


@router.post("/lists/{list_id}/remove")
def remove(
    request: Request,
    ws: WorkspaceDep,
    list_id: ListId,
    person_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
) -> Response:
    try:
        with ws.write() as ctx:
            change = lists.remove_people(ctx, list_id, [person_id])
    except RapportError as exc:
        return _refused(request, list_id, "Nobody was taken off", exc)
    flash(request, _sentence(change.message))
    return RedirectResponse(_back(list_id), status_code=303)


@router.post("/lists/{list_id}/edit")
def edit(
    request: Request, ws: WorkspaceDep, list_id: ListId, name: Short = "", stages: Text = ""
) -> Response:
    """Rename the list and set its stages (empty: none)."""
    try:
        with ws.write() as ctx:
            changed = lists.change(ctx, list_id, name=name, stages=lists.stages_of(stages))
    except RapportError as exc:
        return _refused(request, list_id, "The list was not changed", exc)
    flash(request, f"Saved {changed.name}.")
    return RedirectResponse(_back(list_id), status_code=303)


@router.post("/lists/{list_id}/delete")
def delete(request: Request, ws: WorkspaceDep, list_id: ListId) -> Response:
    with ws.write() as ctx:
        change = lists.delete_list(ctx, list_id)
    flash(request, _sentence(change.message))
    return RedirectResponse(HOME, status_code=303)
