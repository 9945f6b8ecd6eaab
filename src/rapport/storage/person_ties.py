"""The who-knows-whom graph's conversation ties (issue 19): one row per pair of
people who took part in the same conversations of the user's, with how many and the
latest. Imported at the end of `storage.schema`, so that `Base.metadata` holds it.

It is derived from the interactions' participants (services.ties keeps it current
in every write's transaction and rebuilds it on demand), so it is neither journaled
nor backed up: an undo or a restore works it out again. A pair is stored once, the
lower id first; a conversation with more than `domain.warm_paths.LARGE_GROUP`
people ties no one together, which also bounds the pairs one conversation can add
(66 at most, instead of n² for a meeting of n)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from rapport.storage.schema import Base, UTCDateTime


class PersonTie(Base):
    __tablename__ = "person_tie"
    # a path reads a person's strongest ties from either end of the pair
    __table_args__ = (
        Index("ix_person_tie_person_conversations", "person_id", "conversations"),
        Index("ix_person_tie_other_conversations", "other_id", "conversations"),
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    conversations: Mapped[int] = mapped_column(Integer)
    last_conversation_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
