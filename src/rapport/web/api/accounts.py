"""The mail and calendar accounts Rapport syncs from, over the API: add (checked
first), list with their state in words, change, remove, test, sync now.

A password goes in (in the JSON body of a POST or PATCH) and never comes out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from rapport.errors import Conflict
from rapport.services import secret_box, sync, sync_accounts
from rapport.services.sync_accounts import KINDS, SECURITY, AccountSpec, AccountView
from rapport.web.api import wire
from rapport.web.api.schemas import WHOLE, ErrorEnvelope, Filled, In, PathId, Str, StrictBool, Text
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["accounts"])
UNREACHABLE: dict[int | str, dict[str, Any]] = {
    502: {
        "model": ErrorEnvelope,
        "description": "The mail or calendar server could not be reached or refused the "
        "sign-in; `message` says why in words",
    }
}

Folder = Annotated[Filled, Str(1000, 1)]
Folders = Annotated[list[Folder], Field(max_length=sync_accounts.MAX_FOLDERS)]
Interval = Annotated[int, Field(ge=1, le=24 * 60), WHOLE]
Password = Annotated[Text, Str(1000, 1)]

_IMAP: JsonDict = {
    "kind": "imap",
    "host": "imap.fastmail.com",
    "security": "tls",
    "username": "sam@fastmail.com",
    "password": "an app password",
    "folders": ["Clients"],
    "name": "work mail",
}
_CALDAV: JsonDict = {
    "kind": "caldav",
    "host": "https://caldav.fastmail.com/",
    "username": "sam@fastmail.com",
    "password": "an app password",
    "folders": ["Work"],
}


class AccountIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [_IMAP, _CALDAV]})
    kind: Annotated[str, wire.one_of(KINDS)]
    host: Annotated[Filled, Str(500, 1)] = Field(
        description="IMAP: the server's host name; CalDAV: its base URL (https://…)"
    )
    port: Annotated[int, Field(ge=1, le=65535), WHOLE] | None = Field(
        default=None, description="default 993 (tls) or 143 for IMAP; the URL's for CalDAV"
    )
    security: Annotated[str, wire.one_of(SECURITY)] = "tls"
    username: Annotated[Filled, Str(320, 1)]
    password: Password = Field(description="kept encrypted, never shown back")
    name: Annotated[Filled, Str(100, 1)] | None = Field(
        default=None, description="default: 'KIND USER'"
    )
    folders: Folders = Field(
        default_factory=list,
        description="IMAP: folders besides INBOX and Sent; CalDAV: calendars (none: all)",
    )
    interval_minutes: Interval = sync_accounts.DEFAULT_INTERVAL
    check: StrictBool = Field(
        default=True, description="sign in first; on failure nothing is saved (502)"
    )


class AccountPatch(In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"enabled": False}, {"interval_minutes": 60}]}
    )
    password: Password | None = Field(default=None, description="a new password")
    folders: Folders | None = None
    interval_minutes: Interval | None = None
    enabled: StrictBool | None = Field(default=None, description="false pauses the account")


class AccountStateOut(BaseModel):
    says: str = Field(examples=["synced 3 minutes ago; next in 12 minutes"])
    last_sync: str = Field(examples=["3 minutes ago"])
    next_sync: str = Field(examples=["in 12 minutes"])
    error: str | None = Field(examples=["cannot reach imap.example.com:993: connection refused"])
    progress: str | None = Field(examples=["INBOX: 1,200 of 48,000"])


class AccountOut(BaseModel):
    id: int
    kind: str
    name: str
    host: str
    port: int | None
    security: str
    username: str
    folders: list[str]
    interval_minutes: int
    enabled: bool
    has_password: bool = Field(description="false after a restore, until given again")
    created_at: dt.datetime
    last_run_at: dt.datetime | None
    last_success_at: dt.datetime | None
    next_run_at: dt.datetime | None
    running: bool
    attempts: int = Field(description="failures in a row (the wait grows with them)")
    last_error: str | None
    last_error_at: dt.datetime | None
    progress: dict[str, Any] = Field(examples=[{"phase": "INBOX", "done": 1200, "total": 48000}])
    totals: dict[str, Any] = Field(examples=[{"messages": 1200, "interactions": 310}])
    state: AccountStateOut
    checked: str | None = Field(
        default=None, description="what signing in found, when it was checked"
    )


class CheckOut(BaseModel):
    found: str = Field(examples=["INBOX: 12,408 messages; Sent: 3,210"])


def _out(view: AccountView, checked: str | None = None) -> AccountOut:
    state = sync_accounts.state(view, dt.datetime.now(dt.UTC))
    return AccountOut(
        **dataclasses.asdict(view),
        state=AccountStateOut(**dataclasses.asdict(state)),
        checked=checked,
    )


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(ws: WorkspaceDep) -> Any:
    """Your mail and calendar accounts, each with its state in words: last sync, next,
    the last error, progress while a run is going, what the runs brought."""
    with ws.read() as ctx:
        return [_out(v) for v in sync_accounts.listing(ctx)]


@router.post("/accounts", response_model=AccountOut, status_code=201, responses=UNREACHABLE)
def add_account(ws: WorkspaceDep, body: AccountIn) -> Any:
    """Add an account. Unless `check` is false, Rapport signs in first: a failure is a
    502 saying why, and nothing is saved. Its first sync is due at once."""
    spec = AccountSpec(
        kind=body.kind,
        host=body.host,
        username=body.username,
        password=body.password,
        name=body.name,
        port=body.port,
        security=body.security,
        folders=body.folders,
        interval_minutes=body.interval_minutes,
    )
    checked = sync.check_first(spec) if body.check else None
    with ws.write() as ctx:
        view = sync_accounts.add(ctx, secret_box.of(ws.rapport), spec)
    return _out(view, checked)


@router.get("/accounts/{account_id}", response_model=AccountOut)
def get_account(ws: WorkspaceDep, account_id: PathId) -> Any:
    """One account and its state (`running` and `progress` while a sync is going)."""
    with ws.read() as ctx:
        return _out(sync_accounts.get(ctx, account_id))


@router.patch("/accounts/{account_id}", response_model=AccountOut)
def change_account(ws: WorkspaceDep, account_id: PathId, body: AccountPatch) -> Any:
    """Change what is given: a new password, the folders or calendars, the interval,
    paused (`enabled: false`) or resumed."""
    with ws.write() as ctx:
        view = sync_accounts.change(
            ctx,
            secret_box.of(ws.rapport),
            account_id,
            password=body.password,
            folders=body.folders,
            interval_minutes=body.interval_minutes,
            enabled=body.enabled,
        )
    return _out(view)


@router.delete("/accounts/{account_id}", status_code=204)
def remove_account(ws: WorkspaceDep, account_id: PathId) -> Response:
    """Forget the account and its password; what it brought stays in the network."""
    with ws.write() as ctx:
        sync_accounts.remove(ctx, account_id)
    return Response(status_code=204)


@router.post("/accounts/{account_id}/test", response_model=CheckOut, responses=UNREACHABLE)
def test_account(ws: WorkspaceDep, account_id: PathId) -> Any:
    """Sign in and say what is there; nothing is stored. A failure is a 502 in words."""
    with ws.read() as ctx:
        found = sync.check(ctx, secret_box.of(ws.rapport), account_id)
    return CheckOut(found=found)


@router.post(
    "/accounts/{account_id}/sync",
    response_model=AccountOut,
    status_code=202,
    responses={409: {"model": ErrorEnvelope, "description": "A sync of it is already going"}},
)
def sync_account(ws: WorkspaceDep, account_id: PathId) -> Any:
    """Sync the account now (even if paused or not due), in the background: answers
    at once with its state; `GET /accounts/{id}` shows the progress and the outcome."""
    with ws.read() as ctx:
        view = sync_accounts.get(ctx, account_id)
    if sync.start(ws.rapport, secret_box.of(ws.rapport), view.id) is None:
        raise Conflict(f"a sync of {view.name!r} is already going")
    with ws.read() as ctx:
        return _out(sync_accounts.get(ctx, account_id))
