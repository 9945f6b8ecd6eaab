"""Settings › Your fields: the fields of your own on people and organisations;
define one, rename it, change a choice's options, delete it (saying how many values
go with it), with Undo on the next page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from rapport.domain.custom_fields import FieldType, Target, parse_target, parse_type, split_options
from rapport.errors import RapportError
from rapport.services import custom_fields
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import flash, render

router = APIRouter()
HOME = "/fields"
Short = Annotated[str, Form(max_length=200)]
Options = Annotated[str, Form(max_length=12_000)]


@router.get("/fields")
def fields_page(request: Request, ws: WorkspaceDep, deleting: int = 0) -> Response:
    with ws.read() as ctx:
        found = custom_fields.listing(ctx)
    context = {
        "fields": found,
        "deleting": deleting,
        "types": [t.value for t in FieldType],
        "targets": [t.value for t in Target],
    }
    return render(request, "fields.html", context)


def _done(request: Request, message: str) -> Response:
    flash(request, message)
    return RedirectResponse(HOME, status_code=303)


def _refused(request: Request, what: str, exc: RapportError) -> Response:
    if exc.http_status == 404 and "no field with id" in exc.message:
        raise exc
    flash(request, f"{what}: {exc.message}", "error")
    return RedirectResponse(HOME, status_code=303)


@router.post("/fields")
def add_field(
    request: Request,
    ws: WorkspaceDep,
    name: Short = "",
    type: Short = "text",
    options: Options = "",
    applies_to: Short = "people",
) -> Response:
    try:
        kind, target = parse_type(type), parse_target(applies_to)
        with ws.write() as ctx:
            found = custom_fields.define(
                ctx, name, kind, options=split_options(options), target=target
            )
    except RapportError as exc:
        return _refused(request, "The field was not added", exc)
    return _done(request, f"Added the field {found.name} for {found.applies_to}.")


@router.post("/fields/{field_id}/rename")
def rename_field(request: Request, ws: WorkspaceDep, field_id: int, name: Short = "") -> Response:
    try:
        with ws.write() as ctx:
            found = custom_fields.rename(ctx, field_id, name)
    except RapportError as exc:
        return _refused(request, "The field was not renamed", exc)
    return _done(request, f"Renamed the field to {found.name}.")


@router.post("/fields/{field_id}/options")
def change_options(
    request: Request, ws: WorkspaceDep, field_id: int, options: Options = ""
) -> Response:
    try:
        with ws.write() as ctx:
            found = custom_fields.change_options(ctx, field_id, split_options(options))
    except RapportError as exc:
        return _refused(request, "The options were not changed", exc)
    return _done(request, f"{found.name}: {', '.join(found.options)}.")


@router.post("/fields/{field_id}/delete")
def delete_field(request: Request, ws: WorkspaceDep, field_id: int) -> Response:
    try:
        with ws.write() as ctx:
            gone = custom_fields.remove(ctx, field_id)
    except RapportError as exc:
        return _refused(request, "The field was not deleted", exc)
    return _done(request, gone.message[0].upper() + gone.message[1:] + ".")
