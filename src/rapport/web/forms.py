"""Reading what people type into forms: one-click dates, lists, numbers; and the
quick "log a conversation" that Today, a person's page and the command bar share."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Annotated

from fastapi import Form, UploadFile
from pydantic import AfterValidator

from rapport.domain.records import InteractionOut
from rapport.errors import ImportFailed, Invalid
from rapport.services import date_order, interactions, resolve
from rapport.services.context import Ctx

if TYPE_CHECKING:
    from rapport.services.imports import ImportOptions, ImportSummary
    from rapport.web.deps import Workspace

QUICK_DAYS = {"today": 0, "yesterday": 1, "last-week": 7}


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text cannot contain NUL characters")
    return value


# a form field: at most 20,000 characters and no NUL (PostgreSQL refuses it)
Text = Annotated[str, Form(max_length=20_000), AfterValidator(_no_nul)]


def moment(
    ctx: Ctx,
    quick: str | None,
    typed: str | None,
    *,
    field: str = "when",
    said: list[str] | None = None,
) -> dt.datetime:
    """When something happened: a typed date/phrase wins over a one-click choice
    (today, yesterday, last week); neither means now-ish today (noon). A typed date
    another order reads otherwise is added to `said` in words."""
    if typed and typed.strip():
        found, typed_as = date_order.moment(ctx, typed, field=field)
        if typed_as is not None and said is not None:
            said.append(typed_as.words)
        return found
    days = QUICK_DAYS.get((quick or "today").strip())
    if days is None:
        raise Invalid(field, f"{quick!r} is not one of: today, yesterday, last-week")
    day = ctx.today - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(12, 0), ctx.tz)


def day(
    ctx: Ctx,
    typed: str | None,
    *,
    field: str,
    future: bool = False,
    said: list[str] | None = None,
) -> dt.date | None:
    """The day typed (in the workspace's date order), None when nothing was; when
    another order would read it otherwise, the day in words is added to `said`, for
    the answer to show ('due 12 October 2026')."""
    if not typed or not typed.strip():
        return None
    found, typed_as = date_order.day(ctx, typed, prefer="future" if future else "past", field=field)
    if typed_as is not None and said is not None:
        said.append(typed_as.words)
    return found


def words(text: str | None) -> list[str]:
    """Comma- or newline-separated values, trimmed, empty ones dropped."""
    if not text:
        return []
    return [w.strip() for w in text.replace("\n", ",").split(",") if w.strip()]


def number(text: str | None, *, field: str) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise Invalid(field, f"{text.strip()!r} is not a whole number") from None


def quick_log(
    ctx: Ctx,
    who: str,
    *,
    kind: str = "meeting",
    summary: str = "",
    quick: str | None = None,
    when: str | None = None,
    notes: str | None = None,
    direction: str = "mutual",
    said: list[str] | None = None,
) -> InteractionOut:
    """Log an interaction with the people named in `who` (comma-separated names,
    prefixes, emails or #ids); an ambiguous typed date goes to `said` in words."""
    refs = words(who)
    if not refs:
        raise Invalid("who", "say who it was with")
    ids = [resolve.person_id(ctx, ref) for ref in refs]
    return interactions.log(
        ctx,
        interactions.InteractionIn(
            kind=kind or "meeting",
            occurred_at=moment(ctx, quick, when, said=said),
            participant_ids=ids,
            summary=summary,
            notes=notes,
            direction=direction or "mutual",
        ),
    )


MAX_UPLOAD_BYTES = 50 * 1024 * 1024


async def upload_bytes(upload: UploadFile | None) -> tuple[bytes, str]:
    """The uploaded file's bytes and name; ImportFailed when missing, empty or too
    large."""
    if upload is None or not upload.filename:
        raise ImportFailed("choose a file to import")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    await upload.close()
    if len(data) > MAX_UPLOAD_BYTES:
        limit = f"{MAX_UPLOAD_BYTES / 1024 / 1024:g} MB"
        raise ImportFailed(
            f"the file is larger than {limit}, the most one import takes", source=upload.filename
        )
    if not data:
        raise ImportFailed("the file is empty", source=upload.filename)
    return data, upload.filename


class _NamedBytes(io.BytesIO):
    name = "<upload>"


def import_file(
    ws: Workspace, data: bytes, name: str, options: ImportOptions, *, dry_run: bool = False
) -> ImportSummary:
    """Import uploaded bytes in one transaction (`dry_run`: rolled back, nothing
    saved); the summary and any error name the file as the user knows it."""
    from rapport.services import imports

    stream = _NamedBytes(data)
    stream.name = name  # what errors and the summary call the file
    with ws.read() if dry_run else ws.write() as ctx:
        summary = imports.run(ctx, stream, options)
    summary.source = name
    summary.dry_run = dry_run
    return summary
