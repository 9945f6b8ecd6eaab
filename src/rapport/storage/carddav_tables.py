"""The tables of the CardDAV server (issue 18): one address book per workspace, and
one row per card it has ever served.

A card's *contents* are not stored: they are rendered from the person on every
read, so an edit made anywhere in Rapport is on the phone at its next sync. What is
stored is what the person does not say: the card's UID and file name (a card made
on a phone keeps its own), the properties Rapport does not model (photos, Apple's
labels, X- properties: kept verbatim), and the bookkeeping of RFC 6578
sync-collection: the ETag last computed and the book's change number at which it
last changed. A card whose person is archived or gone stays as a tombstone
(`deleted`), so a phone asking "what changed since token N" hears of it.

Neither table is journaled (`storage.journal.NOT_JOURNALED`): they are the
machinery of the protocol, derived from the people, which are. Undoing an
archive brings the person back, and with them their card (same UID, same extras).
Imported at the end of `storage.schema`, so that `Base.metadata` holds them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from rapport.storage.schema import Base, UTCDateTime, utcnow


class CardBook(Base):
    """A workspace's address book: its change counter (the sync-token is this
    number) and how far into the journal its cards have been compared with the
    people (`journal_seen`, with the ids below it not yet committed when it was
    read: `journal_gaps`). Not backed up: a restore starts a new one, which
    compares every card once."""

    __tablename__ = "carddav_book"
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    change: Mapped[int] = mapped_column(BigInteger, default=0)
    journal_seen: Mapped[int] = mapped_column(BigInteger, default=0)
    # ids not yet seen below journal_seen: [[id, since (epoch seconds)], …]
    journal_gaps: Mapped[list[list[float]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Card(Base):
    """One card of a workspace's address book: the person it shows (None once the
    person is gone: a merge removed them), its UID and file name, the properties
    Rapport does not model, verbatim, and its ETag and change number."""

    __tablename__ = "carddav_card"
    __table_args__ = (
        UniqueConstraint("workspace_id", "uid"),
        UniqueConstraint("workspace_id", "name"),
        Index("ix_carddav_card_workspace_person", "workspace_id", "person_id"),
        Index("ix_carddav_card_workspace_change", "workspace_id", "change"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    uid: Mapped[str] = mapped_column(String(500))
    name: Mapped[str] = mapped_column(String(300))  # the last segment of its href
    etag: Mapped[str] = mapped_column(String(80), default="")
    change: Mapped[int] = mapped_column(BigInteger, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # the content lines Rapport does not model, unfolded, as the phone sent them
    extras: Mapped[list[str]] = mapped_column(JSON, default=list)
    extras_version: Mapped[str] = mapped_column(String(8), default="4.0")
    size: Mapped[int] = mapped_column(Integer, default=0)  # octets of the 4.0 card


CARDDAV_TABLES = frozenset({"carddav_book", "carddav_card"})
