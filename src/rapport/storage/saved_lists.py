"""Lists of one's own (issue 23): a saved filter or a hand-picked set of people,
optionally a pipeline of ordered stages. Imported at the end of `storage.schema`,
so that `Base.metadata` holds them; journaled and backed up like every owned row.

A member row is a picked list's membership, or, on a filter list, where someone who
matches stands in its pipeline: who matches is the filter's answer, never stored.
An archived person's row stays (their place comes back with them); views leave
them out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rapport.storage.schema import Base, UTCDateTime, utcnow


class PersonList(Base):
    __tablename__ = "person_list"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name_key"),
        CheckConstraint("kind IN ('filter', 'picked')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))  # folded: unique ignoring case
    kind: Mapped[str] = mapped_column(String(8))  # filter | picked
    # the saved filter (domain.people_filter.PeopleFilter.as_json); {} for a picked list
    filter: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # the pipeline's stages in order; [] for a plain list
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PersonListMember(Base):
    __tablename__ = "person_list_member"
    list_id: Mapped[int] = mapped_column(
        ForeignKey("person_list.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str | None] = mapped_column(String(50))  # None: the first stage
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within a stage
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
