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

from rapport.domain.counts import said
from rapport.errors import Conflict, Invalid, NotFound, SecretUnreadable
from rapport.services.context import Ctx
from rapport.services.secret_box import SecretBox
from rapport.storage.sync_tables import SyncAccount

KINDS = ("imap", "caldav")
SECURITY = ("tls", "starttls", "none")
DEFAULT_PORTS = {("imap", "tls"): 993, ("imap", "starttls"): 143, ("imap", "none"): 143}
DEFAULT_INTERVAL = 15  # minutes between two syncs of an account
_NAME = re.compile(r"^[^\s/][^/]{0,99}$")
MAX_FOLDERS = 100
# control characters but tab and line breaks: what the API's schema refuses too
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NO_PASSWORD = ""  # `secret` of an account restored from a backup: paused until given again


def password_again(name: str) -> str:
    """What an account without its password says (restored from a backup)."""
    return f"give the password again: rapport accounts password {name!r}"


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
    has_password: bool  # False once restored from a backup, until given again

    @property
    def exposed(self) -> str | None:
        """Why its password crosses the network unencrypted (None when it does not,
        or only to this machine)."""
        if self.kind == "caldav":
            parts = urlsplit(self.host)
            plain, server = parts.scheme == "http", parts.hostname or ""
        else:
            plain, server = self.security == "none", self.host
        if not plain or server in ("localhost", "::1") or server.startswith("127."):
            return None
        return (
            f"the password goes to {server} unencrypted "
            + ("(http://): use https://" if self.kind == "caldav" else "(security none): use tls")
            + " unless the server is on your own network"
        )

    @property
    def brought(self) -> str:
        """What its runs brought, added up, in words ('' before the first). Upcoming
        meetings are left out: each run replaces them, so their sum means nothing."""
        kept = {k: int(n) for k, n in self.totals.items() if k != "upcoming meetings"}
        return said(kept, nothing="")


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
    folders = _folders(spec.folders)
    name = (spec.name or "").strip() or f"{kind} {spec.username.strip()}"[:100]
    if not _NAME.match(name):
        raise Invalid("name", f"{name!r} is not a usable name (no '/', up to 100 characters)")
    return AccountSpec(
        kind=kind, host=host, username=spec.username.strip(), password=spec.password,
        name=name, port=spec.port, security=security, folders=folders,
        interval_minutes=spec.interval_minutes,
    )  # fmt: skip


def _folders(given: Sequence[str]) -> list[str]:
    folders: list[str] = []
    for raw in given:
        folder = raw.strip()
        if not folder or folder in folders:
            continue
        if len(folder) > 1000 or _CONTROL.search(folder):
            raise Invalid("folders", f"{folder[:60]!r} is not a folder or calendar name")
        folders.append(folder)
    if len(folders) > MAX_FOLDERS:
        raise Invalid("folders", f"at most {MAX_FOLDERS} folders or calendars")
    return folders


def spec_config(spec: AccountSpec) -> AccountConfig:
    """An account not stored yet as a connector signs in with it (to test it before
    adding): checked like `add` checks it."""
    good = _checked(spec)
    return AccountConfig(
        id=0, workspace_id=0, kind=good.kind, name=good.name or "", host=good.host,
        port=good.port, security=good.security, username=good.username,
        password=good.password, folders=tuple(good.folders),
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
        if row.secret == NO_PASSWORD:  # restored paused for want of it: resume
            row.enabled = True
            row.last_error = row.last_error_at = None
        row.secret = box.seal(password, purpose(row.id))
        row.attempts, row.next_run_at = 0, ctx.now()  # try again at once
    if folders is not None:
        row.folders = _folders(folders)
    if interval_minutes is not None:
        if not 1 <= interval_minutes <= 24 * 60:
            raise Invalid("interval", "the interval is between 1 and 1440 minutes")
        row.interval_minutes = interval_minutes
    if enabled is not None:
        if enabled and row.secret == NO_PASSWORD:
            raise Invalid("password", password_again(row.name))
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
    number = ref if isinstance(ref, int) else None
    if isinstance(ref, str) and ref.isascii() and ref.isdigit() and len(ref) <= 10:
        number = int(ref)
    if number is not None and 1 <= number <= 2_147_483_647:
        row = ctx.session.get(SyncAccount, number)
        if row is not None and row.workspace_id != ctx.workspace_id:
            row = None
    if row is None and isinstance(ref, str):
        row = _find(ctx, ref.strip())
    if row is None:
        raise NotFound(f"no account {ref!r} (rapport accounts list shows yours)")
    return row


def config(row: SyncAccount, box: SecretBox) -> AccountConfig:
    """The account with its password opened, for a connector to sign in."""
    if row.secret == NO_PASSWORD:
        raise SecretUnreadable(f"no password is kept for {row.name!r}: " + password_again(row.name))
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
        has_password=row.secret != NO_PASSWORD,
    )


def _find(ctx: Ctx, name: str) -> SyncAccount | None:
    return ctx.session.scalar(
        select(SyncAccount).where(
            SyncAccount.workspace_id == ctx.workspace_id, SyncAccount.name == name
        )
    )


# --- the state in words: what the CLI, the pages and the API say -----------------------


def moment_words(moment: dt.datetime | None, now: dt.datetime) -> str:
    """`moment` told from `now`: 'just now', '3 minutes ago', 'in 2 hours', 'never'."""
    if moment is None:
        return "never"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    seconds = int((moment - now).total_seconds())
    if abs(seconds) < 60:
        return "just now" if seconds <= 0 else "in a minute"
    minutes = (abs(seconds) + 30) // 60
    if minutes < 60:
        span = f"{minutes} minute{'s' if minutes != 1 else ''}"
    elif minutes < 48 * 60:
        hours = minutes // 60
        span = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        days = minutes // (24 * 60)
        span = f"{days} days"
    return f"in {span}" if seconds > 0 else f"{span} ago"


def progress_words(progress: dict[str, Any]) -> str:
    """'INBOX: 1,200 of 48,000' (or without the total when it is not known)."""
    if not progress:
        return "starting"
    phase, done, total = progress.get("phase"), progress.get("done"), progress.get("total")
    said = f"{int(done or 0):,}" + (f" of {int(total):,}" if total else "")
    return f"{phase}: {said}" if phase else said


@dataclass(frozen=True)
class AccountState:
    """An account's state as the interfaces say it, in words."""

    says: str  # one line: "synced 3 minutes ago; next in 12 minutes"
    last_sync: str  # "3 minutes ago", "never"
    next_sync: str  # "in 12 minutes", "paused", "now"
    error: str | None  # the last error in words, while it is the latest outcome
    progress: str | None  # "INBOX: 1,200 of 48,000" while a run is going


def state(account: AccountView, now: dt.datetime) -> AccountState:
    """What `account` is doing and has done, told from `now`."""
    last = moment_words(account.last_success_at, now)
    failing = account.last_error is not None
    if not account.has_password:
        nxt = "when the password is given"
    elif not account.enabled:
        nxt = "paused"
    elif account.next_run_at is None or account.next_run_at <= now:
        nxt = "now"
    else:
        nxt = moment_words(account.next_run_at, now)
    if account.running:
        shown = progress_words(account.progress)
        says = f"syncing ({shown})"
        return AccountState(says, last, nxt, account.last_error, shown)
    if not account.has_password:
        says = password_again(account.name)
    elif failing:
        times = f"{account.attempts} times" if account.attempts > 1 else "once"
        says = f"failed {times}: {account.last_error}"
        says += "; paused" if not account.enabled else f"; next try {nxt}"
    elif not account.enabled:
        says = f"paused; last synced {last}"
    elif account.last_success_at is None:
        says = "not synced yet; first sync " + nxt
    else:
        says = f"synced {last}; next {nxt}"
    return AccountState(says, last, nxt, account.last_error, None)
