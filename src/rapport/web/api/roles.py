"""A person's role history with dates: add a past role or their current one (with
when it began), correct one, remove a past one. Each is undoable (history)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from rapport.domain.records import RoleOut
from rapport.services import roles
from rapport.web.api.schemas import In, PathId, Str, Text
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["people"])
DATE = r"^\s*(\d{4}(-\d{1,2}(-\d{1,2})?)?)?\s*$"


class RoleIn(In):
    title: Annotated[Text, Str(300)] | None = None
    organization: Annotated[Text, Str(300)] | None = None
    started_on: str | None = Field(
        None, pattern=DATE, description="2021, 2021-03 or 2021-03-15 (to the year or month)"
    )
    ended_on: str | None = Field(
        None, pattern=DATE, description="For a past role; without it, the role is the current one"
    )

    def spec(self) -> roles.RoleSpec:
        return roles.RoleSpec(self.title, self.organization, self.started_on, self.ended_on)


@router.post("/people/{person_id}/roles", response_model=RoleOut, status_code=201)
def add_role(ws: WorkspaceDep, person_id: PathId, body: RoleIn) -> Any:
    """A past role (with `ended_on`), kept in the history only; or, without it, what they
    do now: their organisation and title change and the previous role ends the day
    this one began."""
    with ws.write() as ctx:
        return roles.add(ctx, person_id, body.spec())


@router.patch("/roles/{role_id}", response_model=RoleOut)
def edit_role(ws: WorkspaceDep, role_id: PathId, body: RoleIn) -> Any:
    """Correct a role: the fields given change (an empty date clears it), the rest
    stays; the current role's title and organisation are the person's too."""
    with ws.write() as ctx:
        return roles.edit(ctx, role_id, body.spec())


@router.delete("/roles/{role_id}", response_model=RoleOut)
def delete_role(ws: WorkspaceDep, role_id: PathId) -> Any:
    """Remove a past role (409 for the current one: change or correct it instead)."""
    with ws.write() as ctx:
        return roles.delete(ctx, role_id)
