"""Import/Export: upload a file in any supported format (with upload progress and a
summary of what changed), with every option of `rapport import` — a CSV's columns
mapped on a preview of its first rows, your own addresses, adding unknown people or
not, a dry run — download a backup, vCards or CSV, and the calendar feed."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TextIO

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from rapport.adapters import csv_contacts, detect
from rapport.domain.custom_fields import Target
from rapport.errors import Contradicts, ImportFailed, Invalid, RapportError
from rapport.services import backup, custom_fields, exports, feed, imports
from rapport.services.context import Ctx
from rapport.web import held_uploads
from rapport.web.deps import Workspace, WorkspaceDep
from rapport.web.forms import Text, import_file, upload_bytes, words
from rapport.web.templating import flash, render

router = APIRouter()

FORMATS = [
    ("", "tell from the file"),
    ("vcard", "vCard (.vcf) from a phone or address book"),
    ("linkedin", "LinkedIn Connections.csv"),
    ("google", "Google Contacts CSV"),
    ("outlook", "Outlook CSV"),
    ("csv", "another CSV"),
    ("ics", "calendar (.ics): meetings"),
    ("mail", "email (mbox or .eml)"),
    ("backup", "Rapport JSON backup (into an empty network)"),
]
# name: (writer, file name, media type)
EXPORTS: dict[str, tuple[Callable[[Ctx, TextIO], int], str, str]] = {
    "backup": (backup.export, "rapport-backup.json", "application/json"),
    "vcard": (exports.vcard_file, "rapport-people.vcf", "text/vcard"),
    "vcard3": (partial(exports.vcard_file, version="3.0"), "rapport-people-3.0.vcf", "text/vcard"),
    "csv": (exports.csv_file, "rapport-people.csv", "text/csv"),
    "ics": (exports.ics_feed, "rapport-agenda.ics", "text/calendar"),
}


# what each person field is called on the column-mapping table
FIELD_LABELS = {
    "name": "full name",
    "given_name": "first name",
    "middle_name": "middle name",
    "family_name": "last name",
    "nickname": "nickname",
    "organization": "organisation",
    "title": "job title",
    "email": "email",
    "phone": "phone",
    "url": "web address",
    "location": "location",
    "timezone": "time zone",
    "notes": "notes",
    "tags": "tags",
    "types": "types (client, mentor…)",
    "birthday": "birthday",
    "anniversary": "anniversary",
    "met_on": "date you met",
    "how_met": "how you met",
}
ADD_PEOPLE = [
    ("", "add correspondents from mail; list meeting attendees"),
    ("yes", "add them as people"),
    ("no", "only list them"),
]


@dataclass
class Choices:
    """What the user chose on the import form, kept across its steps and errors."""

    format: str = ""
    strict: bool = False
    dry_run: bool = False
    add_people: str = ""  # "", "yes" or "no"
    me: list[str] = field(default_factory=list)
    not_me: list[str] = field(default_factory=list)
    held: str = ""  # the token of the file held for the next step
    name: str = ""  # that file's name
    mapping: dict[str, str] | None = None  # column → field, once mapped by hand

    def options(self, fmt: str) -> imports.ImportOptions:
        return imports.ImportOptions(
            format=fmt,
            strict=self.strict,
            mapping=self.mapping,
            add_people={"yes": True, "no": False}.get(self.add_people),
            me=self.me,
            not_me=self.not_me,
        )


def _page(request: Request, ws: WorkspaceDep, **extra: Any) -> Response:
    with ws.read() as ctx:
        feed_on = feed.enabled(ctx)
        own = [d.name for d in custom_fields.definitions(ctx, Target.PEOPLE)]
    status = int(extra.pop("status_code", 200))
    context: dict[str, Any] = {
        "feed_on": feed_on,
        "feed_url": None,
        "summary": None,
        "error": None,
        "preview": None,
        "choices": Choices(),
    }
    context.update(extra)
    context["formats"] = FORMATS
    context["fields"] = FIELD_LABELS
    context["own_fields"] = own
    context["add_people_choices"] = ADD_PEOPLE
    template = "partials/import_result.html" if request.headers.get("hx-request") else "io.html"
    if "feed_url" in extra:
        template = "io.html"
    return render(request, template, context, status_code=status)


@router.get("/io")
def io_page(request: Request, ws: WorkspaceDep) -> Response:
    return _page(request, ws)


def _held_root(ws: Workspace) -> Path:
    return ws.rapport.settings.data_dir / "held-uploads"


def _sentence(exc: RapportError, name: str) -> str:
    """The error in one sentence, with its line when known (the file is named apart,
    so a message that starts with its name loses it)."""
    if isinstance(exc, ImportFailed):
        return f"line {exc.line}: {exc.reason}" if exc.line else exc.reason
    return exc.message.removeprefix(f"{name}: ") if name else exc.message


def _mapping(columns: list[str], fields: list[str]) -> dict[str, str]:
    """The columns given a field on the mapping table (the rest are left out): one of
    Rapport's, or one of the user's own as "field:NAME"."""
    unknown = sorted(
        f for f in set(fields) - {"", *csv_contacts.FIELDS} if not csv_contacts.own_field(f)
    )
    if unknown:
        raise Invalid("to", f"{unknown[0]!r} is not a field a column can go to")
    return {c: f for c, f in zip(columns, fields, strict=False) if f}


@router.post("/io/import")
async def upload(
    request: Request,
    ws: WorkspaceDep,
    file: Annotated[UploadFile | None, File()] = None,
    format: Annotated[str, Form(max_length=32)] = "",
    strict: Annotated[str, Form(max_length=8)] = "",
    dry_run: Annotated[str, Form(max_length=8)] = "",
    add_people: Annotated[str, Form(max_length=8)] = "",
    me: Annotated[list[Text], Form()] = [],  # noqa: B006 (FastAPI copies a form's default)
    not_me: Annotated[list[Text], Form()] = [],  # noqa: B006
    held: Annotated[str, Form(max_length=100)] = "",
    mapped: Annotated[str, Form(max_length=8)] = "",
    column: Annotated[list[Text], Form()] = [],  # noqa: B006
    to: Annotated[list[Text], Form()] = [],  # noqa: B006 (the field each column goes to)
) -> Response:
    """One step of an import: a CSV whose columns must be mapped shows its first rows
    (the file held for the next step); an import that asks "is this you?" asks it; a
    dry run shows what would change; a refusal says why in one sentence. Every step
    keeps the user's choices and, while there is a next one, the file."""
    choices = Choices(
        format=format,
        strict=strict == "on",
        dry_run=dry_run == "on",
        add_people=add_people if add_people in ("yes", "no") else "",
        me=[w for text in me for w in words(text)],
        not_me=[w for text in not_me for w in words(text)],
        held=held,
    )
    root = _held_root(ws)
    user = ws.user.id
    preview: csv_contacts.Preview | None = None
    try:
        if file is not None and file.filename:
            choices.name, choices.held = file.filename, ""
            data, _ = await upload_bytes(file)
        elif held:
            kept = held_uploads.take(root, user, held)
            data, choices.name = kept.data, kept.name
        else:
            raise ImportFailed("choose a file to import")
        fmt = detect.canonical(format) if format else detect.detect(data)
        if fmt == "csv":
            if mapped:
                choices.mapping = _mapping(column, to)
            preview = csv_contacts.preview(data)
            if not choices.mapping:
                choices.held = choices.held or held_uploads.hold(root, user, data, choices.name)
                if mapped:
                    raise ImportFailed(
                        "every column is left out: choose the one that holds the name or the email"
                    )
                return _page(request, ws, preview=preview, choices=choices)
        summary = import_file(ws, data, choices.name, choices.options(fmt), dry_run=choices.dry_run)
    except RapportError as exc:
        if exc.http_status >= 500:
            raise
        return _page(
            request,
            ws,
            error=_sentence(exc, choices.name),
            preview=preview,
            choices=choices,
            status_code=exc.http_status,
        )
    # a next step the summary offers (answer "is this you?", import after a preview,
    # add the attendees it only listed) takes the same file
    if summary.maybe_you or summary.dry_run or (summary.offered and choices.add_people != "yes"):
        choices.held = choices.held or held_uploads.hold(root, user, data, choices.name)
    elif choices.held:
        held_uploads.drop(root, user, choices.held)
        choices.held = ""
    return _page(request, ws, summary=summary, choices=choices)


def export_download(ws: Workspace, kind: str, *, excel: bool = False) -> Response:
    """Export `kind` (a key of EXPORTS) as a UTF-8 download; `excel`: the CSV with the
    byte-order mark Excel needs to read UTF-8 (the CSV only). The page and the API
    both answer with this."""
    write, filename, media = EXPORTS[kind]
    if excel:
        if kind != "csv":
            raise Contradicts("excel", "only the CSV export has an Excel form")
        write = partial(exports.csv_file, excel=True)
    buffer = io.StringIO()
    with ws.read() as ctx:
        write(ctx, buffer)
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/io/export/{kind}")
def download(ws: WorkspaceDep, kind: str, excel: bool = False) -> Response:
    if kind not in EXPORTS:
        return Response("no such export", status_code=404)
    return export_download(ws, kind, excel=excel)


@router.post("/io/feed")
def make_feed(request: Request, ws: WorkspaceDep) -> Response:
    with ws.write() as ctx:
        secret = feed.renew(ctx)
    url = str(request.base_url).rstrip("/") + f"/feed/{secret}.ics"
    return _page(request, ws, feed_url=url)


@router.post("/io/feed/stop")
def stop_feed(request: Request, ws: WorkspaceDep) -> Response:
    with ws.write() as ctx:
        feed.stop(ctx)
    flash(request, "The calendar feed is off; its address no longer works.")
    return RedirectResponse("/io", status_code=303)
