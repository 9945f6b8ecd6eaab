"""The daily digest over the API: its settings and health, a preview, a send."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from rapport.adapters.mailer import SECURITY
from rapport.domain.digest import Digest
from rapport.services import digest, secret_box
from rapport.services.digest import Delivery, DigestStatus
from rapport.web.api import wire
from rapport.web.api.schemas import WHOLE, Day, Email, Filled, Id, In, Short, StrictBool
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["digest"])


class SmtpIn(In):
    host: Annotated[Filled, Field(min_length=1, max_length=253)]
    port: Annotated[int, Field(ge=1, le=65535), WHOLE] | None = None
    security: Annotated[str, wire.one_of(SECURITY)] = "starttls"
    user: Short | None = None
    password: Short | None = Field(default=None, description="kept, never shown back")
    sender: Email | None = Field(default=None, description="default: the one stored, or yours")


class DigestPatch(In):
    enabled: StrictBool | None = None
    time: Annotated[str, wire.clock] | None = Field(default=None, examples=["07:30"])
    to: Email | None = None
    base_url: Annotated[str, wire.web, Field(max_length=500)] | None = None
    list_ids: Annotated[
        list[Id] | None,
        Field(max_length=50, description="The lists it follows, a section each ([]: none)"),
    ] = None
    smtp: SmtpIn | None = None


class DigestView(BaseModel):
    settings: dict[str, Any]
    status: DigestStatus


def _view(ws: WorkspaceDep) -> DigestView:
    with ws.read() as ctx:
        return DigestView(settings=digest.settings_view(ctx), status=digest.status(ctx))


@router.get("/digest", response_model=DigestView)
def get_digest(ws: WorkspaceDep) -> Any:
    """The digest's settings (never the password), last and next send, last error."""
    return _view(ws)


@router.patch("/digest", response_model=DigestView)
def patch_digest(ws: WorkspaceDep, body: DigestPatch) -> Any:
    """Change what is given: turn it on or off, the time, recipient, links, mail server."""
    with ws.write() as ctx:
        if body.smtp is not None:
            digest.configure_smtp(ctx, secret_box.of(ws.rapport), **body.smtp.model_dump())
        digest.configure_digest(
            ctx,
            enabled=body.enabled,
            time=body.time,
            to=body.to,
            base_url=body.base_url,
            lists=body.list_ids,
        )
    return _view(ws)


@router.get("/digest/preview", response_model=Digest)
def preview_digest(
    ws: WorkspaceDep, date: Annotated[Day | None, Query(description="default today")] = None
) -> Any:
    """The digest for a day, as it would be sent: subject, text and HTML."""
    with ws.read() as ctx:
        return digest.render(ctx, date)


@router.post("/digest/send", response_model=Delivery)
def send_digest(ws: WorkspaceDep) -> Any:
    """Send today's digest now; a failure comes back with its reason in words."""
    with ws.read() as ctx:
        workspace_id = ctx.workspace_id
    return digest.deliver(ws.rapport, workspace_id, dt.datetime.now(dt.UTC), force=True)
