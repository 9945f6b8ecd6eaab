"""The tables of live sync (issue 17): the user's mail and calendar accounts, where
each sync left off, and what it learnt that is not yet an interaction.

None of them is journaled (`storage.journal.NOT_JOURNALED`): they are the machinery
of a connection, and an account's password must never reach a row image. What a
sync writes to the network itself (interactions, people) is journaled as usual.
Imported at the end of `storage.schema`, so that `Base.metadata` holds them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from rapport.storage.schema import Base, UTCDateTime, utcnow


class SyncAccount(Base):
    """A mailbox (IMAP) or a calendar server (CalDAV) that Rapport reads on its own.

    `secret` is the password encrypted with the data directory's key
    (`services.secret_box`): the database file alone does not reveal it. `folders`
    are what to follow besides the defaults (IMAP: folder names on top of INBOX and
    Sent; CalDAV: calendar names or URLs, none meaning every calendar). The rest is
    the scheduler's state: a process claims a run with a conditional update of
    `running_since` (two servers never sync one account at once), and a failure
    moves `next_run_at` back by a growing wait (`attempts`)."""

    __tablename__ = "sync_account"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # imap, caldav
    name: Mapped[str] = mapped_column(String(100))  # the user's label: "work mail"
    host: Mapped[str] = mapped_column(String(500))  # IMAP host name; CalDAV base URL
    port: Mapped[int | None] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(16), default="tls")  # tls, starttls, none
    username: Mapped[str] = mapped_column(String(320))
    secret: Mapped[str] = mapped_column(Text)  # encrypted password (secret_box)
    folders: Mapped[list[str]] = mapped_column(JSON, default=list)
    interval_minutes: Mapped[int] = mapped_column(Integer, default=15)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # --- the scheduler's state
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    running_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # the run under way: {"phase": "INBOX", "done": 1200, "total": 48000}
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # what the runs brought, added up: {"messages": …, "interactions": …, …}
    totals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SyncCursor(Base):
    """Where the sync of one folder (IMAP) or calendar (CalDAV, by URL) left off,
    saved in the transaction that stored what it brought: a run killed at any point
    resumes from the last saved cursor, and what it had stored is found again by its
    external id, so nothing is lost or doubled."""

    __tablename__ = "sync_cursor"
    __table_args__ = (UniqueConstraint("account_id", "folder"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("sync_account.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(1000))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int | None] = mapped_column(BigInteger)  # every UID up to it is read
    modseq: Mapped[int | None] = mapped_column(BigInteger)  # CONDSTORE HIGHESTMODSEQ
    sync_token: Mapped[str | None] = mapped_column(Text)  # RFC 6578
    ctag: Mapped[str | None] = mapped_column(Text)  # getctag, when there is no sync-token
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the connector's own
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SyncResource(Base):
    """One calendar object (CalDAV) as last seen: its href and ETag, and the external
    ids of the interactions and upcoming meetings made from it, so that an event
    moved or deleted on the server moves or removes exactly those."""

    __tablename__ = "sync_resource"
    __table_args__ = (UniqueConstraint("account_id", "href"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("sync_account.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(1000))  # the calendar's URL
    href: Mapped[str] = mapped_column(String(1000))
    etag: Mapped[str | None] = mapped_column(String(300))
    external_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # when what it made changes with no change on the server: its next meeting starts
    # (and becomes an interaction) or comes within the upcoming window; read again then
    recheck_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    # its attendees not in the network (offered, not added): once one of them is, the
    # event is read again and they join the meetings they were in
    waiting_for: Mapped[list[str]] = mapped_column(JSON, default=list)


class MailThread(Base):
    """Which thread a message belongs to (its root's key), kept across syncs and
    imports so a reply fetched weeks after the first message lands in the same
    conversation. A key is a Message-ID read (`read`: the message was counted, so
    reading it again from another folder, a re-scan or an mbox file adds nothing) or
    only referred to by one (References, In-Reply-To)."""

    __tablename__ = "mail_thread"
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    message_key: Mapped[str] = mapped_column(String(500), primary_key=True)
    root_key: Mapped[str] = mapped_column(String(500))
    read: Mapped[bool] = mapped_column(Boolean, default=False)


class Correspondent(Base):
    """Someone the user exchanges email with who is not in the network. Sync never
    adds them silently: it counts the exchanges and keeps the conversations
    (`threads`: [{"external_id", "occurred_at", "summary", "direction", "kind"}]),
    and above a threshold offers them; added, they get those conversations on their
    timeline. `decision`: None (counting or offered), "added", "ignored"."""

    __tablename__ = "correspondent"
    __table_args__ = (UniqueConstraint("workspace_id", "address_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    address_key: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(300))
    exchanges: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    threads: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class UpcomingMeeting(Base):
    """A meeting still to come, from a synced calendar: what the brief ("you meet Ana
    tomorrow at 10:00") and the agenda ("prepare for tomorrow's meeting") read.
    Replaced by each sync of its calendar; once past, the meeting is an interaction."""

    __tablename__ = "upcoming_meeting"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_upcoming_meeting_workspace_starts", "workspace_id", "starts_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("sync_account.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str] = mapped_column(String(500))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(String(500), default="")
    location: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="meeting")  # meeting, video


class UpcomingAttendee(Base):
    """A person of the network in an upcoming meeting."""

    __tablename__ = "upcoming_attendee"
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("upcoming_meeting.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )


SYNC_TABLES = frozenset(
    {
        "sync_account",
        "sync_cursor",
        "sync_resource",
        "mail_thread",
        "correspondent",
        "upcoming_meeting",
        "upcoming_attendee",
    }
)
