"""People › Tags: every tag with how many people carry it; rename (to an existing
name: the two merge) or delete one everywhere at once, with Undo on the next page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from rapport.errors import RapportError
from rapport.services import tags
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import flash, render

router = APIRouter()
HOME = "/tags"


@router.get("/tags")
def tags_page(request: Request, ws: WorkspaceDep, deleting: str = "") -> Response:
    with ws.read() as ctx:
        found = tags.listing(ctx)
    return render(request, "tags.html", {"tags": found, "deleting": deleting[:100]})


def _done(request: Request, message: str) -> Response:
    flash(request, message[0].upper() + message[1:] + ".")
    return RedirectResponse(HOME, status_code=303)


@router.post("/tags/rename")
def rename(
    request: Request,
    ws: WorkspaceDep,
    tag: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        with ws.write() as ctx:
            change = tags.rename(ctx, tag, name)
    except RapportError as exc:
        flash(request, f"#{tag} was not renamed: {exc.message}", "error")
        return RedirectResponse(HOME, status_code=303)
    return _done(request, change.message)


@router.post("/tags/delete")
def delete(
    request: Request, ws: WorkspaceDep, tag: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    try:
        with ws.write() as ctx:
            change = tags.delete_tag(ctx, tag)
    except RapportError as exc:
        flash(request, f"#{tag} was not deleted: {exc.message}", "error")
        return RedirectResponse(HOME, status_code=303)
    return _done(request, change.message)
