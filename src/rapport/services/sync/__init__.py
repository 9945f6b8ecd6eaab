"""Live sync: run an account's connector once, safely, and keep its state.

A run claims the account in the database (a conditional update of
`running_since`), so two processes on one database never sync the same account at
once; a claim left by a process that died is taken over when it is stale, or at
once when that process was on this machine and is gone. The connector (IMAP:
`sync.imap`, CalDAV: `sync.caldav`) opens its own transactions, each saving what it
brought with its cursor, and reports progress, which refreshes the claim. A failure
is kept in words and the next run waits longer each time (backoff), up to six hours.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import or_, select, update

from rapport.domain.counts import said
from rapport.errors import RapportError, SecretUnreadable, SyncFailed
from rapport.services import sync_accounts
from rapport.services.context import Ctx, Rapport
from rapport.services.secret_box import SecretBox
from rapport.services.sync_accounts import AccountConfig
from rapport.storage.sync_tables import SyncAccount
from rapport.storage.uow import unit_of_work

log = logging.getLogger("rapport.sync")

# (phase, done, total): e.g. ("INBOX", 1200, 48000); total None when not known
Progress = Callable[[str, int, int | None], None]
STALE_CLAIM = dt.timedelta(minutes=10)  # a claim not refreshed this long is abandoned
HEARTBEAT = dt.timedelta(seconds=20)  # how often progress refreshes the claim
FIRST_RETRY = dt.timedelta(minutes=5)
LONGEST_RETRY = dt.timedelta(hours=6)


class Connector(Protocol):
    """What `sync.imap` and `sync.caldav` provide, as module-level functions."""

    def check(self, account: AccountConfig) -> str:
        """Sign in and look: what was found, in one line ("INBOX: 12,408 messages;
        Sent: 3,210"). Raises SyncFailed with the reason in words."""
        ...

    def sync(
        self, app: Rapport, account: AccountConfig, progress: Progress, stop: threading.Event
    ) -> dict[str, int]:
        """Bring what is new, in transactions that each save their cursor; stop
        soon (at a saved cursor) once `stop` is set. What it did, counted."""
        ...


def connector(kind: str) -> Connector:
    if kind == "imap":
        from rapport.services.sync import imap

        return imap
    if kind == "caldav":
        from rapport.services.sync import caldav

        return caldav
    raise SyncFailed(f"no connector for accounts of kind {kind!r}")


@dataclass(frozen=True)
class RunResult:
    account_id: int
    name: str
    outcome: str  # synced, failed, not-due, paused, claimed-elsewhere
    message: str
    counts: dict[str, int] = field(default_factory=dict)


def process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _abandoned(claimed_by: str | None) -> bool:
    """True when the claim is this machine's and its process is gone."""
    if not claimed_by or ":" not in claimed_by:
        return False
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def check(ctx: Ctx, box: SecretBox, ref: str | int) -> str:
    """Sign in to the account and say what is there (nothing is stored)."""
    row = sync_accounts.get_row(ctx, ref)
    account = sync_accounts.config(row, box)
    try:
        return connector(row.kind).check(account)
    except SyncFailed as exc:
        raise SyncFailed(redact(str(exc), account.password)) from None


def check_config(account: AccountConfig) -> str:
    """The same for an account not stored yet (to test before adding)."""
    return connector(account.kind).check(account)


def check_first(spec: sync_accounts.AccountSpec) -> str:
    """Sign in with what the user gave before adding it; a failure says why and that
    nothing was saved."""
    account = sync_accounts.spec_config(spec)
    try:
        return check_config(account)
    except SyncFailed as exc:
        reason = redact(str(exc), account.password)
        raise SyncFailed(
            f"{reason}; nothing was saved (check the host, port, security, user and "
            "password; or save it without signing in first: --no-check on the command "
            'line, the box under the form on the web, "check": false in the API)'
        ) from None


def _claim(app: Rapport, account_id: int, now: dt.datetime, force: bool) -> RunResult | None:
    """Claim the account for a run; a RunResult when it is not to run now."""
    with unit_of_work(app.engine, write=True) as session:
        row = session.get(SyncAccount, account_id)
        if row is None:
            return RunResult(account_id, "?", "failed", "the account was removed")
        if not force and not row.enabled:
            return RunResult(account_id, row.name, "paused", "paused")
        if not force and row.next_run_at is not None and row.next_run_at > now:
            return RunResult(account_id, row.name, "not-due", f"next run at {row.next_run_at}")
        free = or_(
            SyncAccount.running_since.is_(None), SyncAccount.running_since < now - STALE_CLAIM
        )
        if row.running_since is not None and _abandoned(row.claimed_by):
            free = or_(free, SyncAccount.claimed_by == row.claimed_by)
        claimed = session.execute(
            update(SyncAccount)
            .where(SyncAccount.id == account_id, free)
            .values(running_since=now, claimed_by=process_id(), last_run_at=now, progress={})
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return RunResult(account_id, row.name, "claimed-elsewhere", "already syncing")
    return None


def run(
    app: Rapport,
    box: SecretBox,
    account_id: int,
    *,
    now: dt.datetime | None = None,
    force: bool = False,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Sync one account if it is due (or `force`): claim, run its connector, record
    the outcome. Never raises for a server's failure: the result says it."""
    moment = now or dt.datetime.now(dt.UTC)
    refused = _claim(app, account_id, moment, force)
    if refused is not None:
        return refused
    return _claimed_run(app, box, account_id, moment, stop, progress)


def _claimed_run(
    app: Rapport,
    box: SecretBox,
    account_id: int,
    moment: dt.datetime,
    stop: threading.Event | None,
    progress: Progress | None,
) -> RunResult:
    """The run of an account this process has claimed."""
    with unit_of_work(app.engine, write=False) as session:
        row = session.get(SyncAccount, account_id)
        if row is None:  # removed since the claim
            return RunResult(account_id, "?", "failed", "the account was removed")
        name, kind = row.name, row.kind
        account: AccountConfig | None = None
        error = ""
        try:
            account = sync_accounts.config(row, box)
        except SecretUnreadable as exc:
            error = str(exc)
    last_beat = [dt.datetime.now(dt.UTC)]

    def report(phase: str, done: int, total: int | None) -> None:
        if progress is not None:
            progress(phase, done, total)
        beat = dt.datetime.now(dt.UTC)
        if beat - last_beat[0] >= HEARTBEAT or (total is not None and done >= total):
            last_beat[0] = beat
            _save_progress(app, account_id, beat, phase, done, total)

    secret = account.password if account is not None else ""
    try:
        if account is None:
            raise SecretUnreadable(error)
        counts = connector(kind).sync(app, account, report, stop or threading.Event())
    except RapportError as exc:
        return _failed(app, account_id, name, moment, redact(str(exc), secret))
    except Exception as exc:  # a bug or a server's surprise: kept, and tried again later
        said = redact(f"unexpected error: {type(exc).__name__}: {exc}", secret)
        # the message, never the traceback's text: a library may quote what it sent
        log.error("sync of account %s failed: %s", account_id, said)
        return _failed(app, account_id, name, moment, said)
    except BaseException:
        _failed(app, account_id, name, moment, "the sync was stopped")
        raise
    _succeeded(app, account_id, counts)
    return RunResult(account_id, name, "synced", _said(counts), counts)


def redact(message: str, secret: str) -> str:
    """`message` with the password (if a server or library quoted it) hidden."""
    return message.replace(secret, "•••") if secret else message


def running(app: Rapport, account_id: int) -> bool:
    """True while a run of the account is going (in any process), unless its claim
    is stale."""
    moment = dt.datetime.now(dt.UTC)
    with unit_of_work(app.engine, write=False) as session:
        since = session.scalar(
            select(SyncAccount.running_since).where(SyncAccount.id == account_id)
        )
    if since is None:
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return since >= moment - STALE_CLAIM


def start(app: Rapport, box: SecretBox, account_id: int) -> threading.Thread | None:
    """Run the account now (even if paused or not due) in a thread of its own: a
    "sync now" from the web or the API. The claim is made before returning, so the
    account reads as running at once; None when a run is already going."""
    moment = dt.datetime.now(dt.UTC)
    if _claim(app, account_id, moment, force=True) is not None:
        return None

    def work() -> None:
        try:
            _claimed_run(app, box, account_id, moment, None, None)
        except Exception:  # recorded by the run; a thread has no one to raise to
            log.error("sync of account %s stopped unexpectedly", account_id)

    thread = threading.Thread(target=work, name=f"rapport-sync-{account_id}", daemon=True)
    thread.start()
    return thread


def _said(counts: dict[str, int]) -> str:
    return said(counts)


def _save_progress(
    app: Rapport, account_id: int, at: dt.datetime, phase: str, done: int, total: int | None
) -> None:
    with unit_of_work(app.engine, write=True) as session:
        session.execute(
            update(SyncAccount)
            .where(SyncAccount.id == account_id, SyncAccount.claimed_by == process_id())
            .values(running_since=at, progress={"phase": phase, "done": done, "total": total})
        )


def _succeeded(app: Rapport, account_id: int, counts: dict[str, int]) -> None:
    at = dt.datetime.now(dt.UTC)
    with unit_of_work(app.engine, write=True) as session:
        row = session.get(SyncAccount, account_id)
        if row is None:  # removed while it ran
            return
        totals = dict(row.totals or {})
        for what, n in counts.items():
            totals[what] = int(totals.get(what, 0)) + n
        row.totals = totals
        row.last_success_at = at
        row.next_run_at = at + dt.timedelta(minutes=row.interval_minutes)
        row.attempts = 0
        row.last_error = row.last_error_at = None
        row.running_since = row.claimed_by = None
        row.progress = {}


def _failed(app: Rapport, account_id: int, name: str, now: dt.datetime, reason: str) -> RunResult:
    at = dt.datetime.now(dt.UTC)
    with unit_of_work(app.engine, write=True) as session:
        row = session.get(SyncAccount, account_id)
        if row is not None:
            attempts = (row.attempts or 0) + 1
            wait = max(
                min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY),
                dt.timedelta(minutes=row.interval_minutes),
            )
            row.attempts = attempts
            row.next_run_at = at + wait
            row.last_error, row.last_error_at = reason, at
            row.running_since = row.claimed_by = None
    return RunResult(account_id, name, "failed", reason)


def due(app: Rapport, now: dt.datetime | None = None) -> list[int]:
    """Accounts whose next run has come, on every workspace."""
    moment = now or dt.datetime.now(dt.UTC)
    with unit_of_work(app.engine, write=False) as session:
        return list(
            session.scalars(
                select(SyncAccount.id)
                .where(
                    SyncAccount.enabled.is_(True),
                    or_(SyncAccount.next_run_at.is_(None), SyncAccount.next_run_at <= moment),
                )
                .order_by(SyncAccount.next_run_at, SyncAccount.id)
            ).all()
        )


def tick(
    app: Rapport,
    box: SecretBox,
    now: dt.datetime | None = None,
    stop: threading.Event | None = None,
) -> list[RunResult]:
    """One pass of the scheduler: run every account that is due, one after another."""
    results = []
    for account_id in due(app, now):
        if stop is not None and stop.is_set():
            break
        results.append(run(app, box, account_id, now=now, stop=stop))
    return results
