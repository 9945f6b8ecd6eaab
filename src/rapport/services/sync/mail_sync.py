"""What a mail sync stores, one batch at a time, by the mbox importer's rules.

A batch of fetched headers becomes MessageRecords through the importer's own parser
(`adapters.mail.message`: list, bulk and no-reply mail left out), conversations
through its own grouping (one per thread per local day, more than 20 people a
broadcast) with the thread roots remembered in `mail_thread`, and interactions
through its own loader (`imports.activity.load`) under the same external ids and
source "mail": a mailbox imported from an mbox file and then synced does not
double. Unlike a file import, nobody is added: unknown correspondents are counted
(`services.correspondents`). The batch, its thread roots and the folder's cursor
are saved in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from rapport.adapters import mail
from rapport.adapters.records import MessageRecord, cleaned
from rapport.domain.names import email_key, looks_like_email
from rapport.errors import SyncFailed
from rapport.services import correspondents, mail_threads, owner
from rapport.services.context import Ctx, Rapport
from rapport.services.imports import activity
from rapport.services.sync_accounts import AccountConfig
from rapport.storage.sync_tables import SyncCursor

SOURCE = "mail"  # the mbox importer's: the same conversation has one external id


@dataclass
class FolderCursor:
    """Where one folder's sync is: every UID up to `last_uid` under `uidvalidity` read."""

    folder: str
    uidvalidity: int | None = None
    last_uid: int = 0
    modseq: int | None = None
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class Counts:
    messages: int = 0  # headers read
    interactions: int = 0  # new email interactions
    interactions_updated: int = 0  # a later message joined one (people, message count)
    correspondents_offered: int = 0  # addresses newly over the threshold

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def start(app: Rapport, account: AccountConfig) -> dict[str, FolderCursor]:
    """Before a run: the account's address is the user's (when it is one), and where
    each folder had got to. SyncFailed when Rapport knows no address of the user's
    (it could not tell their messages from others')."""
    with app.open(write=False, workspace_id=account.workspace_id) as ctx:
        own = owner.addresses(ctx)
    address = email_key(account.username)
    if looks_like_email(address) and address not in own:
        with app.open(write=True, workspace_id=account.workspace_id) as ctx:
            ctx.journal("sync", f"{address} is yours (mail account {account.name})")
            owner.add(ctx, [address], origin="account")
        own.append(address)
    if not own:
        raise SyncFailed(
            f"the account's user name {account.username!r} is not an email address and "
            "Rapport knows none of yours: add it (rapport settings me --add you@example.com)"
        )
    with app.open(write=False, workspace_id=account.workspace_id) as ctx:
        rows = ctx.session.scalars(select(SyncCursor).where(SyncCursor.account_id == account.id))
        return {
            r.folder: FolderCursor(r.folder, r.uidvalidity, r.last_uid or 0, r.modseq,
                                   dict(r.state or {}))
            for r in rows
        }  # fmt: skip


def _until(ctx: Ctx) -> dt.datetime:
    end_of_today = dt.datetime.combine(ctx.today + dt.timedelta(days=1), dt.time(0), ctx.tz)
    return min(ctx.now(), end_of_today)


def store(
    app: Rapport, account: AccountConfig, cursor: FolderCursor, headers: list[bytes], counts: Counts
) -> None:
    """Store one batch of fetched headers and the folder's cursor, in one transaction."""
    records = [cleaned(r) if isinstance(r, MessageRecord) else r
               for r in (mail.message(h, None) for h in headers)]  # fmt: skip
    messages = [r for r in records if isinstance(r, MessageRecord)]
    with app.open(write=True, workspace_id=account.workspace_id) as ctx:
        own = set(owner.addresses(ctx))
        threads = mail_threads.threaded(ctx, messages)
        found, _ = mail.conversations(threads.new, own, ctx.tz, threads.roots)
        mail_threads.remember(ctx, threads, threads.new)
        until = _until(ctx)
        found = [c for c in found if c.started_at <= until]
        if found:
            ctx.journal("sync", f"Synced {account.name}: {len(found):,} conversations")
        before = activity.stored_ids(ctx, SOURCE, [c.external_id for c in found])
        result = activity.load(
            ctx, [activity.mail_item(c) for c in found], SOURCE, own, add_people=False
        )
        later = {c.external_id: c.messages for c in found if c.external_id in before}
        joined = activity.add_messages(ctx, SOURCE, later)
        offered = correspondents.count(ctx, found)
        _save_cursor(ctx, account, cursor)
    counts.messages += len(threads.new)
    counts.interactions += result.created
    counts.interactions_updated += max(result.updated, joined)
    counts.correspondents_offered += offered


def _save_cursor(ctx: Ctx, account: AccountConfig, cursor: FolderCursor) -> None:
    row = ctx.session.scalar(
        select(SyncCursor).where(
            SyncCursor.account_id == account.id, SyncCursor.folder == cursor.folder
        )
    )
    if row is None:
        row = SyncCursor(account_id=account.id, folder=cursor.folder)
        ctx.session.add(row)
    row.uidvalidity = cursor.uidvalidity
    row.last_uid = cursor.last_uid
    row.modseq = cursor.modseq
    row.state = dict(cursor.state)
    row.updated_at = ctx.now()
    ctx.session.flush()
