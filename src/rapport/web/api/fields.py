"""Fields of your own (issue 23): defined for people or for organisations, renamed,
a choice's options changed, deleted with their values (one journal entry:
`POST /api/v1/history/{id}/undo` brings them back). Values are set through the
`fields` object of a person's or an organisation's body."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from rapport.domain.custom_fields import FieldType, Target
from rapport.services import custom_fields
from rapport.services.custom_fields import FieldDeleted, FieldOut
from rapport.web.api import wire
from rapport.web.api.schemas import FieldName, In, PathId
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["fields"])
Option = Annotated[str, wire.one_line, Field(min_length=1, max_length=100)]
Options = Annotated[
    list[Option], Field(max_length=100, description="A choice's options (only a choice has any)")
]


class FieldIn(In):
    name: FieldName
    type: FieldType = FieldType.TEXT
    options: Options = Field(default_factory=list)
    applies_to: Target = Target.PEOPLE


class FieldPatchIn(In):
    name: FieldName | None = Field(default=None, description="A new name")
    options: Options | None = Field(
        default=None, description="A choice's options, all of them (one in use must stay)"
    )


@router.get("/fields", response_model=list[FieldOut])
def list_fields(ws: WorkspaceDep, applies_to: Target | None = None) -> Any:
    """Your fields, people's first, each with how many values it holds."""
    with ws.read() as ctx:
        return custom_fields.listing(ctx, applies_to)


@router.post("/fields", response_model=FieldOut, status_code=201)
def add_field(ws: WorkspaceDep, body: FieldIn) -> Any:
    """Define a field; its name is unique (any case) among the fields of its target
    (409 otherwise)."""
    with ws.write() as ctx:
        return custom_fields.define(
            ctx, body.name, body.type, options=body.options, target=body.applies_to
        )


@router.get("/fields/{field_id}", response_model=FieldOut)
def get_field(ws: WorkspaceDep, field_id: PathId) -> Any:
    with ws.read() as ctx:
        return custom_fields.show(ctx, field_id)


@router.patch("/fields/{field_id}", response_model=FieldOut)
def edit_field(ws: WorkspaceDep, field_id: PathId, body: FieldPatchIn) -> Any:
    """Rename a field, or change a choice's options (409 when a value in use would
    no longer be one of them)."""
    with ws.write() as ctx:
        custom_fields.show(ctx, field_id)  # NotFound before anything changes
        if body.name is not None:
            custom_fields.rename(ctx, field_id, body.name)
        if body.options is not None:
            custom_fields.change_options(ctx, field_id, body.options)
        return custom_fields.show(ctx, field_id)


@router.delete("/fields/{field_id}", response_model=FieldDeleted)
def delete_field(ws: WorkspaceDep, field_id: PathId) -> Any:
    """Delete a field and every value of it; the answer says how many went."""
    with ws.write() as ctx:
        return custom_fields.remove(ctx, field_id)
