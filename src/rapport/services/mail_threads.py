"""Which thread each email belongs to, remembered across imports and syncs.

An mbox import and every IMAP sync read thread roots from the `mail_thread` table
before grouping messages into conversations (`adapters.mail.threads`) and write the
new ones back, so a reply read in a later sync, batch or file joins the day's
conversation stored before, with the same external id, and a message read twice
(from INBOX and Sent, after a UIDVALIDITY change, from an mbox file and then the
server) is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from rapport.adapters import mail
from rapport.adapters.records import MessageRecord
from rapport.services.context import Ctx
from rapport.storage.sync_tables import MailThread

CHUNK = 1000  # keys per query


@dataclass
class Threaded:
    """Messages with the roots of their threads."""

    new: list[MessageRecord]  # not read before (by key), each once
    roots: dict[str, str]  # every key of the messages → its thread's root
    known: dict[str, str]  # the keys already stored → their root
    read: set[str]  # the keys of messages read before


def _stored(ctx: Ctx, keys: Sequence[str]) -> tuple[dict[str, str], set[str]]:
    roots: dict[str, str] = {}
    read: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        for key, root, was_read in ctx.session.execute(
            select(MailThread.message_key, MailThread.root_key, MailThread.read).where(
                MailThread.workspace_id == ctx.workspace_id,
                MailThread.message_key.in_(keys[start : start + CHUNK]),
            )
        ):
            roots[key] = root
            if was_read:
                read.add(key)
    return roots, read


def threaded(ctx: Ctx, messages: Iterable[MessageRecord]) -> Threaded:
    """`messages` with their threads' roots, those remembered winning over new ones."""
    given = list(messages)
    keys = list(dict.fromkeys(k for m in given for k in mail.thread_keys(m)))
    known, read = _stored(ctx, keys)
    new: dict[str, MessageRecord] = {}
    for m in given:
        key = mail.message_key(m)
        if key not in read and key not in new:
            new[key] = m
    return Threaded(list(new.values()), mail.threads(given, known), known, read)


def remember(ctx: Ctx, threads: Threaded, messages: Iterable[MessageRecord]) -> None:
    """Keep the roots of keys not stored yet, and mark `messages` read."""
    read_now = {mail.message_key(m) for m in messages} - threads.read
    rows = [
        {"workspace_id": ctx.workspace_id, "message_key": key, "root_key": root,
         "read": key in read_now}
        for key, root in threads.roots.items()
        if key not in threads.known
    ]  # fmt: skip
    for start in range(0, len(rows), CHUNK):
        ctx.session.execute(insert(MailThread), rows[start : start + CHUNK])
    newly_read = sorted(k for k in read_now if k in threads.known)
    for start in range(0, len(newly_read), CHUNK):
        ctx.session.execute(
            update(MailThread)
            .where(
                MailThread.workspace_id == ctx.workspace_id,
                MailThread.message_key.in_(newly_read[start : start + CHUNK]),
            )
            .values(read=True)
        )
