"""The user's mail and calendar accounts that Rapport syncs from: add, list, change,
remove. A password goes in once and never comes out of this module except to the
connector that signs in (`config`): views, logs and the backup never carry it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.context import Ctx
from rapport.services.secret_box import SecretBox
from rapport.storage.sync_tables import SyncAccount

KINDS = ("imap", "caldav")
SECURITY = ("tls", "starttls", "none")
DEFAULT_PORTS = {("imap", "tls"): 993, ("imap", "starttls"): 143, ("imap", "none"): 143}
DEFAULT_INTERVAL = 15  # minutes between two syncs of an account
_NAME = re.compile(r"^[^\s/][^/]{0,99}$")


@dataclass
class AccountSpec:
    """What the user gives to add an account."""

    kind: str
    host: str  # IMAP: the server's host name; CalDAV: its base URL
    username: str
    password: str
    name: str | None = None  # default: "<kind> <user>@<host>"-like label
    port: int | None = None
    security: str = "tls"
    folders: Sequence[str] = ()
    interval_minutes: int = DEFAULT_INTERVAL


@dataclass(frozen=True)
class AccountConfig:
    """An account as a connector signs in with it: the one place the password is."""

    id: int
    workspace_id: int
    kind: str
    name: str
    host: str
    port: int | None
    security: str
    username: str
    password: str = field(repr=False)
    folders: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountView:
    """An account as the interfaces show it: no password, ever."""

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
    created_at: dt.datetime
    last_run_at: dt.datetime | None
    last_success_at: dt.datetime | None
    next_run_at: dt.datetime | None
    running: bool
    attempts: int
    last_error: str | None
    last_error_at: dt.datetime | None
    progress: dict[str, Any]
    totals: dict[str, Any]

    @property
    def has_password(self) -> bool:
        return True  # an account always has one; said so the views can show "•••"


def purpose(account_id: int) -> str:
    """What a sealed password is bound to (`SecretBox.seal`)."""
    return f"sync_account:{account_id}"


def _checked(spec: AccountSpec) -> AccountSpec:
    kind = spec.kind.strip().lower()
    if kind not in KINDS:
        raise Invalid("kind", f"{spec.kind!r} is not one of: {', '.join(KINDS)}")
    security = spec.security.strip().lower()
    if security not in SECURITY:
        raise Invalid("security", f"{spec.security!r} is not one of: {', '.join(SECURITY)}")
    host = spec.host.strip()
    if kind == "caldav":
        parts = urlsplit(host if "://" in host else f"https://{host}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Invalid("host", f"{spec.host!r} is not a web address (https://…)")
        host = parts.geturl()
    elif not host or not re.match(r"^[A-Za-z0-9.\-:\[\]]+$", host):
        raise Invalid("host", f"{spec.host!r} is not a host name (like imap.fastmail.com)")
    if spec.port is not None and not 1 <= spec.port <= 65535:
        raise Invalid("port", f"{spec.port} is not a port number")
    if not spec.username.strip():
        raise Invalid("username", "give the user name to sign in with")
    if not spec.password:
        raise Invalid("password", "give the password (an app password for Gmail, iCloud, …)")
    if not 1 <= spec.interval_minutes <= 24 * 60:
        raise Invalid("interval", "the interval is between 1 and 1440 minutes")
    folders = [f.strip() for f in spec.folders if f.strip()]
    name = (spec.name or "").strip() or f"{kind} {spec.username.strip()}"[:100]
    if not _NAME.match(name):
        raise Invalid("name", f"{name!r} is not a usable name (no '/', up to 100 characters)")
    return AccountSpec(
        kind=kind, host=host, username=spec.username.strip(), password=spec.password,
        name=name, port=spec.port, security=security, folders=folders,
        interval_minutes=spec.interval_minutes,
    )  # fmt: skip


def add(ctx: Ctx, box: SecretBox, spec: AccountSpec) -> AccountView:
    """Keep a new account (its password sealed); the first sync is due at once."""
    good = _checked(spec)
    assert good.name is not None
    if _find(ctx, good.name) is not None:
        raise Conflict(f"you already have an account named {good.name!r}: give another --name")
    row = SyncAccount(
        workspace_id=ctx.workspace_id,
        kind=good.kind,
        name=good.name,
        host=good.host,
        port=good.port,
        security=good.security,
        username=good.username,
        secret="",
        folders=list(good.folders),
        interval_minutes=good.interval_minutes,
        enabled=True,
        next_run_at=ctx.now(),
        attempts=0,
        progress={},
        totals={},
    )
    ctx.session.add(row)
    ctx.session.flush()
    row.secret = box.seal(good.password, purpose(row.id))
    ctx.session.flush()
    return view(row)


def change(
    ctx: Ctx,
    box: SecretBox,
    ref: str | int,
    *,
    password: str | None = None,
    folders: Sequence[str] | None = None,
    interval_minutes: int | None = None,
    enabled: bool | None = None,
) -> AccountView:
    """Change what can change without re-adding: the password (a new app password),
    the folders or calendars followed, the interval, paused or not."""
    row = get_row(ctx, ref)
    if password is not None:
        if not password:
            raise Invalid("password", "the new password is empty")
        row.secret = box.seal(password, purpose(row.id))
        row.attempts, row.next_run_at = 0, ctx.now()  # try again at once
    if folders is not None:
        row.folders = [f.strip() for f in folders if f.strip()]
    if interval_minutes is not None:
        if not 1 <= interval_minutes <= 24 * 60:
            raise Invalid("interval", "the interval is between 1 and 1440 minutes")
        row.interval_minutes = interval_minutes
    if enabled is not None:
        row.enabled = enabled
        if enabled:
            row.attempts, row.next_run_at = 0, ctx.now()
    ctx.session.flush()
    return view(row)


def remove(ctx: Ctx, ref: str | int) -> AccountView:
    """Forget an account, its password and where its sync had got to. What it brought
    (interactions, people) stays in the network."""
    row = get_row(ctx, ref)
    shown = view(row)
    ctx.session.delete(row)
    ctx.session.flush()
    return shown


def listing(ctx: Ctx) -> list[AccountView]:
    rows = ctx.session.scalars(
        select(SyncAccount)
        .where(SyncAccount.workspace_id == ctx.workspace_id)
        .order_by(SyncAccount.name)
    ).all()
    return [view(r) for r in rows]


def get(ctx: Ctx, ref: str | int) -> AccountView:
    return view(get_row(ctx, ref))


def get_row(ctx: Ctx, ref: str | int) -> SyncAccount:
    """An account of this workspace by id or name."""
    row: SyncAccount | None = None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        row = ctx.session.get(SyncAccount, int(ref))
        if row is not None and row.workspace_id != ctx.workspace_id:
            row = None
    if row is None and isinstance(ref, str):
        row = _find(ctx, ref.strip())
    if row is None:
        raise NotFound(f"no account {ref!r} (rapport accounts list shows yours)")
    return row


def config(row: SyncAccount, box: SecretBox) -> AccountConfig:
    """The account with its password opened, for a connector to sign in."""
    return AccountConfig(
        id=row.id,
        workspace_id=row.workspace_id,
        kind=row.kind,
        name=row.name,
        host=row.host,
        port=row.port,
        security=row.security,
        username=row.username,
        password=box.open(row.secret, purpose(row.id)),
        folders=tuple(row.folders or ()),
    )


def view(row: SyncAccount) -> AccountView:
    return AccountView(
        id=row.id,
        kind=row.kind,
        name=row.name,
        host=row.host,
        port=row.port,
        security=row.security,
        username=row.username,
        folders=list(row.folders or ()),
        interval_minutes=row.interval_minutes,
        enabled=row.enabled,
        created_at=row.created_at,
        last_run_at=row.last_run_at,
        last_success_at=row.last_success_at,
        next_run_at=row.next_run_at,
        running=row.running_since is not None,
        attempts=row.attempts or 0,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        progress=dict(row.progress or {}),
        totals=dict(row.totals or {}),
    )


def _find(ctx: Ctx, name: str) -> SyncAccount | None:
    return ctx.session.scalar(
        select(SyncAccount).where(
            SyncAccount.workspace_id == ctx.workspace_id, SyncAccount.name == name
        )
    )
