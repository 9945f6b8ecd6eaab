"""Import a file (multipart upload) and export the network."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response

from rapport.adapters import csv_contacts, detect
from rapport.services.imports import ImportOptions, ImportSummary
from rapport.web.api import wire
from rapport.web.api.schemas import ColumnMap, Email, ErrorEnvelope
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import import_file, upload_bytes
from rapport.web.pages.io import EXPORTS, export_download

router = APIRouter(tags=["import and export"])


@router.post(
    "/imports",
    response_model=ImportSummary,
    responses={
        415: {
            "model": ErrorEnvelope,
            "description": "The file is none of the formats Rapport reads (found by its content)",
        }
    },
)
async def import_upload(
    ws: WorkspaceDep,
    file: Annotated[
        UploadFile,
        File(description="vCard, CSV, .ics, mbox/.eml, backup", json_schema_extra={"minLength": 1}),
    ],
    format: Annotated[
        str,
        wire.one_of(["", *detect.FORMATS, *detect.ALIASES]),
        Form(description="Told from the content when empty"),
    ] = "",
    strict: Annotated[bool, Form(description="Stop at the first bad row")] = False,
    map: Annotated[
        list[ColumnMap],
        Form(
            description="A CSV's column to a person's field, one 'Column=field' each "
            "(the CLI's --map); without it the columns are told by their names"
        ),
    ] = [],  # noqa: B006 (FastAPI copies a form field's default)
    me: Annotated[
        list[Email],
        Form(
            description="Your own addresses (repeatable, the CLI's --me): never imported "
            "as a contact; remembered once the file is imported"
        ),
    ] = [],  # noqa: B006
    not_me: Annotated[
        list[Email],
        Form(
            description="Addresses that are not yours (repeatable), answering `maybe_you`: "
            "imported like anyone else's and not asked about again"
        ),
    ] = [],  # noqa: B006
    add_people: Annotated[
        bool | None,
        Form(
            description="Add unknown meeting attendees and correspondents as people; "
            "empty: yes for mail, no for calendars (they are listed in `offered`)"
        ),
    ] = None,
    dry_run: Annotated[bool, Form(description="Say what would change and save nothing")] = False,
) -> Any:
    """Import a file in one transaction: a file that cannot be read changes nothing;
    `dry_run` says what would be created, updated, proposed and skipped, saving nothing.

    A meeting or mail file with an address that is not yours and not in your network
    on most of its items imports nothing and answers its `maybe_you` (and `question`):
    send the file again with each in `me` (it is you) or `not_me` (it is not)."""
    data, name = await upload_bytes(file)
    options = ImportOptions(
        format=format or None,
        strict=strict,
        mapping=csv_contacts.mapping_of(map),
        add_people=add_people,
        me=me,
        not_me=not_me,
    )
    return import_file(ws, data, name, options, dry_run=dry_run)


@router.get(
    "/exports/{kind}",
    response_class=Response,
    responses={200: {"description": "backup (JSON), vcard (4.0), vcard3 (3.0), csv or ics"}},
)
def export(
    ws: WorkspaceDep,
    kind: Annotated[str, wire.one_of(EXPORTS)],
    excel: Annotated[
        bool,
        Query(description="csv only: UTF-8 with a byte-order mark, as Excel needs to read it"),
    ] = False,
) -> Response:
    """The whole network as a JSON backup, vCards (4.0; `vcard3`: 3.0, for address
    books that import no other), CSV (`?excel=true`: for Excel), or the agenda as .ics."""
    return export_download(ws, kind, excel=excel)
