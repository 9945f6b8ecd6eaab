"""The person page's Roles card: add a past role or their current one with when it
began, remove a past one; back to the person with Undo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from rapport.errors import RapportError
from rapport.services import people, roles
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import flash

router = APIRouter()


def _back(person_id: int) -> Response:
    return RedirectResponse(f"/people/{person_id}#roles", status_code=303)


@router.post("/people/{person_id}/roles")
def add_role(
    request: Request,
    ws: WorkspaceDep,
    person_id: int,
    title: Annotated[str, Form(max_length=300)] = "",
    organization: Annotated[str, Form(max_length=300)] = "",
    started: Annotated[str, Form(max_length=20)] = "",
    ended: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    spec = roles.RoleSpec(title, organization, started, ended)
    try:
        with ws.write() as ctx:
            role = roles.add(ctx, person_id, spec)
    except RapportError as exc:
        flash(request, f"The role was not added: {exc.message}", "error")
        return _back(person_id)
    what = " at ".join(x for x in (role.title, role.organization) if x)
    kind = "past role" if role.ended_on else "current role"
    flash(request, f"Added the {kind} {what}.")
    return _back(person_id)


@router.post("/roles/{role_id}/delete")
def delete_role(request: Request, ws: WorkspaceDep, role_id: int) -> Response:
    with ws.read() as ctx:
        person_id = roles.person_of(ctx, role_id)
        people.require(ctx, person_id)
    try:
        with ws.write() as ctx:
            role = roles.delete(ctx, role_id)
    except RapportError as exc:
        flash(request, f"The role was not removed: {exc.message}", "error")
        return _back(person_id)
    what = " at ".join(x for x in (role.title, role.organization) if x)
    flash(request, f"Removed the role {what} from their history.")
    return _back(person_id)
