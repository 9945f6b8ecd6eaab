"""Import/Export: upload a file in any supported format (with upload progress and a
summary of what changed), download a backup, vCards or CSV, and the calendar feed."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TextIO

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from rapport.errors import Contradicts, RapportError
from rapport.services import backup, exports, feed
from rapport.services.context import Ctx
from rapport.web.deps import Workspace, WorkspaceDep
from rapport.web.forms import import_file, upload_bytes
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
    "csv": (exports.csv_file, "rapport-people.csv", "text/csv"),
    "ics": (exports.ics_feed, "rapport-agenda.ics", "text/calendar"),
}


def _page(request: Request, ws: WorkspaceDep, **extra: Any) -> Response:
    with ws.read() as ctx:
        feed_on = feed.enabled(ctx)
    status = int(extra.pop("status_code", 200))
    context: dict[str, Any] = {"feed_on": feed_on, "feed_url": None, "summary": None, "error": None}
    context.update(extra)
    context["formats"] = FORMATS
    template = "partials/import_result.html" if request.headers.get("hx-request") else "io.html"
    if "feed_url" in extra:
        template = "io.html"
    return render(request, template, context, status_code=status)


@router.get("/io")
def io_page(request: Request, ws: WorkspaceDep) -> Response:
    return _page(request, ws)


@router.post("/io/import")
async def upload(
    request: Request,
    ws: WorkspaceDep,
    file: Annotated[UploadFile | None, File()] = None,
    format: Annotated[str, Form(max_length=32)] = "",
    strict: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    try:
        data, name = await upload_bytes(file)
        with ws.write() as ctx:
            summary = import_file(ctx, data, name, format, strict == "on")
    except RapportError as exc:
        if exc.http_status >= 500:
            raise
        return _page(request, ws, error=exc.message, status_code=exc.http_status)
    return _page(request, ws, summary=summary)


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
