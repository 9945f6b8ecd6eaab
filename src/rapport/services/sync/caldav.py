"""The CalDAV connector of live sync: the user's calendars, kept current.

One run: find the calendars (the home remembered from last time, so usually one
PROPFIND that also gives each calendar's sync-token and ctag), then for each followed
calendar whose token moved, or with an event due to be read again (a meeting that
has started since, or came within the upcoming window), ask what changed (RFC 6578
sync-collection; a forgotten token, or a server without it, means a full ETag
comparison) and fetch the changed events in batches. Each batch is stored in one
transaction, and the calendar's new token only with the last one: a run stopped or
killed at any point starts again from the last saved token, and events already
stored are recognised by their unchanged ETag, so nothing is lost or doubled.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from rapport.adapters.caldav_protocol import CalDAVClient, CalendarInfo, Changes, TokenInvalid
from rapport.errors import SyncFailed
from rapport.services import calendar_sync, owner
from rapport.services.context import Ctx, Rapport
from rapport.services.sync import Progress
from rapport.services.sync_accounts import AccountConfig
from rapport.storage.sync_tables import SyncCursor, SyncResource

BATCH = 200  # events per calendar-multiget, and per transaction
HOME = ""  # the cursor (folder "") that remembers the calendar home


def check(account: AccountConfig) -> str:
    """Sign in, find the calendars and count their events: '3 calendars: Work (412
    events), Home (88), Birthdays (120)'. Nothing is stored."""
    with _client(account) as client:
        _home, calendars = client.discover()
        followed = _followed(calendars, account)
        sizes = [len(client.etags(c.url)) for c in followed]
    if not followed:
        return "no calendars of events found"
    parts = [
        f"{c.name} ({n:,} event{'s' if n != 1 else ''})" if i == 0 else f"{c.name} ({n:,})"
        for i, (c, n) in enumerate(zip(followed, sizes, strict=True))
    ]
    noun = "calendar" if len(followed) == 1 else "calendars"
    return f"{len(followed)} {noun}: " + ", ".join(parts)


def sync(
    app: Rapport,
    account: AccountConfig,
    progress: Progress,
    stop: threading.Event,
    *,
    now: dt.datetime | None = None,
    stats: dict[str, int] | None = None,
) -> dict[str, int]:
    """Bring every followed calendar up to date (see the module's docstring); what
    changed, counted. `now` moves the clock (tests, the benchmark); `stats` receives
    the round trips made."""
    with app.open(write=False, workspace_id=account.workspace_id) as ctx:
        window = calendar_sync.Window(now=now or ctx.now(), tz=ctx.tz)
        own = calendar_sync.own_addresses(ctx, account.username)
        address = account.username.strip().lower()
        # the account's address is the user's, unless they said it is not
        mine = _is_email(address) and address not in {*owner.addresses(ctx), *owner.not_me(ctx)}
        remembered = _cursor_state(ctx, account.id, HOME)
        # the home found for this address and user (the account may have been changed)
        home = remembered.get("home") if remembered.get("for") == _whose(account) else None
    counts: Counter[str] = Counter()
    offered: set[str] = set()
    with _client(account) as client:
        try:
            found_home, calendars = client.discover(home)
            followed = _followed(calendars, account)
            _remember_home(app, account, found_home, followed)
            if mine:
                with app.open(write=True, workspace_id=account.workspace_id) as ctx:
                    ctx.journal("sync", f"Synced {account.name}: your calendar address")
                    owner.add(ctx, [address], origin="account")
            for calendar in followed:
                if stop.is_set():
                    break
                counts += _calendar(
                    app, account, client, calendar, window, (own, offered), progress, stop
                )
        finally:
            if stats is not None:
                stats["round_trips"] = stats.get("round_trips", 0) + client.round_trips
    counts["attendees not in your network"] = len(offered)
    return {k: v for k, v in counts.items() if v}


def _whose(account: AccountConfig) -> str:
    return f"{account.username} at {account.host}"


def _client(account: AccountConfig) -> CalDAVClient:
    return CalDAVClient(account.host, account.username, account.password)


def _is_email(text: str) -> bool:
    from rapport.domain.names import looks_like_email

    return looks_like_email(text.strip())


def _followed(calendars: list[CalendarInfo], account: AccountConfig) -> list[CalendarInfo]:
    """The calendars the account follows (all, when it names none); SyncFailed naming
    one it follows that is gone."""
    if not account.folders:
        return calendars
    chosen = []
    for wanted in account.folders:
        match = next(
            (
                c
                for c in calendars
                if c.name.casefold() == wanted.casefold()
                or c.url.rstrip("/") == wanted.rstrip("/")
                or c.url.rstrip("/").endswith("/" + wanted.strip("/"))
            ),
            None,
        )
        if match is None:
            there = ", ".join(c.name for c in calendars) or "none"
            raise SyncFailed(
                f"the calendar {wanted!r} is gone from the server (calendars there: {there})"
            )
        if match not in chosen:
            chosen.append(match)
    return chosen


def _cursor(ctx: Ctx, account_id: int, folder: str) -> SyncCursor | None:
    return ctx.session.scalar(
        select(SyncCursor).where(SyncCursor.account_id == account_id, SyncCursor.folder == folder)
    )


def _cursor_state(ctx: Ctx, account_id: int, folder: str) -> dict[str, Any]:
    row = _cursor(ctx, account_id, folder)
    return dict(row.state or {}) if row is not None else {}


def _save_cursor(ctx: Ctx, account_id: int, folder: str, **values: Any) -> None:
    row = _cursor(ctx, account_id, folder)
    if row is None:
        row = SyncCursor(account_id=account_id, folder=folder, state={})
        ctx.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = ctx.now()


def _remember_home(
    app: Rapport, account: AccountConfig, home: str, followed: list[CalendarInfo]
) -> None:
    """Keep the home for next time; forget calendars no longer followed or gone
    (the meetings they made stay on the timelines)."""
    with app.open(write=True, workspace_id=account.workspace_id) as ctx:
        state = {"home": home, "for": _whose(account)}
        if _cursor_state(ctx, account.id, HOME) != state:
            _save_cursor(ctx, account.id, HOME, state=state)
        kept = {c.url for c in followed} | {HOME}
        for row in ctx.session.scalars(
            select(SyncCursor).where(SyncCursor.account_id == account.id)
        ):
            if row.folder not in kept:
                calendar_sync.forget_calendar(ctx, account.id, row.folder)
                ctx.session.delete(row)


def _calendar(
    app: Rapport,
    account: AccountConfig,
    client: CalDAVClient,
    calendar: CalendarInfo,
    window: calendar_sync.Window,
    who: tuple[set[str], set[str]],
    progress: Progress,
    stop: threading.Event,
) -> Counter[str]:
    """One calendar brought up to date; what changed, counted. `who`: the user's
    addresses, and the attendees offered so far (added to)."""
    with app.open(write=False, workspace_id=account.workspace_id) as ctx:
        cursor = _cursor(ctx, account.id, calendar.url)
        token = cursor.sync_token if cursor is not None else None
        ctag = cursor.ctag if cursor is not None else None
        known = dict(
            ctx.session.execute(
                select(SyncResource.href, SyncResource.etag).where(
                    SyncResource.account_id == account.id, SyncResource.folder == calendar.url
                )
            ).all()
        )
        due = set(
            ctx.session.scalars(
                select(SyncResource.href).where(
                    SyncResource.account_id == account.id,
                    SyncResource.folder == calendar.url,
                    SyncResource.recheck_at <= window.now,
                )
            )
        ) | calendar_sync.newly_known(ctx, account.id, calendar.url)
    unchanged = cursor is not None and (
        (calendar.sync_token is not None and token == calendar.sync_token)
        or (calendar.sync_token is None and calendar.ctag is not None and ctag == calendar.ctag)
    )
    changes = Changes(token=token) if unchanged else _changes(client, calendar, token, known)
    wanted = [
        href
        for href, etag in changes.changed.items()
        if etag is None or known.get(href) != etag or href in due
    ]
    wanted += sorted(due - set(wanted) - set(changes.deleted))
    deleted = [h for h in changes.deleted if h in known]
    if unchanged and not wanted:
        return Counter()
    return _store(
        app, account, client, calendar, wanted, deleted, changes, window, who, progress, stop
    )


def _changes(
    client: CalDAVClient, calendar: CalendarInfo, token: str | None, known: dict[str, str | None]
) -> Changes:
    """What changed since `token`; everything there, compared with what is stored,
    when there is no token, the server forgot it, or it offers no sync-collection."""
    if calendar.sync_token is not None:
        try:
            changes = client.changes_since(calendar.url, token)
            if token is not None:
                return changes
        except TokenInvalid:
            changes = client.changes_since(calendar.url, None)
    else:
        changes = Changes(changed=client.etags(calendar.url), token=None)
    changes.deleted = sorted(set(changes.deleted) | (set(known) - set(changes.changed)))
    return changes


def _store(
    app: Rapport,
    account: AccountConfig,
    client: CalDAVClient,
    calendar: CalendarInfo,
    wanted: Sequence[str],
    deleted: Sequence[str],
    changes: Changes,
    window: calendar_sync.Window,
    who: tuple[set[str], set[str]],
    progress: Progress,
    stop: threading.Event,
) -> Counter[str]:
    """Fetch and store `wanted` in batches, one transaction each; the deletions and
    the calendar's new token go with the last, so a stop (or a kill) before it
    leaves the old token and this resumes from there."""
    counts: Counter[str] = Counter()
    batches = [wanted[i : i + BATCH] for i in range(0, len(wanted), BATCH)] or [[]]
    total = len(wanted)
    done = 0
    progress(calendar.name, 0, total)
    for n, batch in enumerate(batches, start=1):
        if stop.is_set():
            return counts
        fetched = [
            calendar_sync.Fetched(href, etag, text)
            for href, etag, text in client.fetch(calendar.url, batch)
        ]
        last = n == len(batches)
        gone = [h for h in batch if h not in {f.href for f in fetched}]  # deleted meanwhile
        with app.open(write=True, workspace_id=account.workspace_id) as ctx:
            removing = [*gone, *deleted] if last else gone
            ctx.journal(
                "sync",
                f"Synced {account.name}: {calendar.name} "
                f"({len(fetched)} events read"
                + (f", {len(removing)} deleted)" if removing else ")"),
            )
            own, offered = who
            counts += calendar_sync.apply(
                ctx, account.id, calendar.url, fetched, removing, own, window, offered
            )
            if last:
                _save_cursor(
                    ctx,
                    account.id,
                    calendar.url,
                    sync_token=changes.token or calendar.sync_token,
                    ctag=calendar.ctag,
                    state={"name": calendar.name},
                )
        done += len(batch)
        progress(calendar.name, done, total)
    return counts
