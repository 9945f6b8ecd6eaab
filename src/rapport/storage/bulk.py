"""Writing millions of rows in one transaction, on SQLite and PostgreSQL: ids given
out before the insert, driver-level executemany (COPY on PostgreSQL), timestamps
converted once, and what SQLite needs for a load of that size. `bench.load` is
the only user: it decides what to write, this module how."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select, text, update

from rapport.storage.schema import Base, EventAttendee, Interaction, InteractionParticipant, Person

SEARCH_TRIGGER = "search_fts_ai"  # made by the migrations: indexes each new search_doc row
CACHE_KIB = 256 * 1024  # SQLite's page cache during a load
ANALYZED = (  # the tables a load grows, for PostgreSQL's ANALYZE
    "organization",
    "person",
    "person_email",
    "person_type",
    "person_tag",
    "role",
    "event",
    "event_attendee",
    "interaction",
    "interaction_participant",
    "milestone",
    "commitment",
    "exchange",
    "search_doc",
    "person_tie",
)


def table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def stamper(conn: Connection) -> Callable[[dt.datetime], Any]:
    """A UTC datetime in the form the database stores it, as the UTCDateTime column
    type would bind it, in a fraction of the time: checked against the column type's
    own processing, which is used instead if they ever disagree."""
    column_type = table(Interaction).c.occurred_at.type
    slow = column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    if conn.dialect.name == "sqlite":

        def fast(moment: dt.datetime) -> Any:
            return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    else:

        def fast(moment: dt.datetime) -> Any:
            return moment.astimezone(dt.UTC).replace(tzinfo=None)

    samples = [
        dt.datetime(2001, 2, 3, 4, 5, 6, 7, dt.UTC),
        dt.datetime(2030, 12, 31, tzinfo=dt.UTC),
    ]
    if slow is None or all(slow(s) == fast(s) for s in samples):
        return fast
    return slow


class Writer:
    """Inserts on one connection, counting the rows written per table."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        self.stamp = stamper(conn)
        self.counts: dict[str, int] = {}

    def count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def reserve(self, target: Table, n: int) -> list[int]:
        """`n` fresh primary keys for `target`, given out before the insert so related
        rows can be written without reading anything back. On SQLite the write lock
        (BEGIN IMMEDIATE) is held, so max(id) is stable; on PostgreSQL the ids come
        from the table's own sequence."""
        if n == 0:
            return []
        if self.postgres:
            seq = self.conn.scalar(text(f"SELECT pg_get_serial_sequence('{target.name}', 'id')"))
            rows = self.conn.execute(
                text("SELECT nextval(:seq) FROM generate_series(1, :n)"), {"seq": seq, "n": n}
            )
            return [r[0] for r in rows]
        base = self.conn.scalar(select(func.coalesce(func.max(target.c.id), 0))) or 0
        return list(range(base + 1, base + n + 1))

    def insert(self, target: Table, rows: list[dict[str, Any]]) -> None:
        """Core executemany: for the tables of thousands of rows."""
        if rows:
            self.conn.execute(target.insert(), rows)
            self.count(target.name, len(rows))

    def insert_tuples(self, target: Table, columns: str, rows: list[tuple[Any, ...]]) -> None:
        """The fast path for the tables of millions of rows: tuples whose values are
        already in the database's form (see `stamp`), written by COPY on PostgreSQL
        (half the time of executemany) and by one driver-level executemany on SQLite."""
        if not rows:
            return
        name = self.conn.dialect.identifier_preparer.quote(target.name)
        if self.postgres:
            driver: Any = self.conn.connection.driver_connection
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join([self.mark] * (columns.count(",") + 1))
            self.conn.exec_driver_sql(f"INSERT INTO {name} ({columns}) VALUES ({marks})", rows)
        self.count(target.name, len(rows))

    def refresh_last_contact(self, workspace_id: int, person_ids: Sequence[int]) -> None:
        """The last contact of the people with ids in the range of `person_ids`, in one
        aggregated UPDATE (the latest of their interactions, or none)."""
        if not person_ids:
            return
        person, participant = table(Person), table(InteractionParticipant)
        latest = (
            select(func.max(participant.c.occurred_at))
            .where(participant.c.person_id == person.c.id)
            .scalar_subquery()
        )
        self.conn.execute(
            update(person)
            .where(
                person.c.workspace_id == workspace_id,
                person.c.id.between(min(person_ids), max(person_ids)),
            )
            .values(last_contact_at=latest)
        )

    def mark_follow_ups(self, events: Sequence[tuple[int, dt.datetime]]) -> None:
        """For each (event id, its first moment): attendees not yet followed up are
        followed up by their first contact since then, the event's own excepted."""
        if not events:
            return
        attendee, participant = table(EventAttendee), table(InteractionParticipant)
        interaction = table(Interaction)
        first = (
            select(func.min(participant.c.occurred_at))
            .join(interaction, interaction.c.id == participant.c.interaction_id)
            .where(
                participant.c.person_id == attendee.c.person_id,
                participant.c.occurred_at >= bindparam("since"),
                (interaction.c.event_id.is_(None)) | (interaction.c.event_id != bindparam("eid")),
            )
            .scalar_subquery()
        )
        self.conn.execute(
            update(attendee)
            .where(attendee.c.event_id == bindparam("eid"), attendee.c.followed_up_at.is_(None))
            .values(followed_up_at=first),
            [{"eid": eid, "since": since} for eid, since in events],
        )

    def analyze(self) -> None:
        """Fresh planner statistics: after a load the tables are many times bigger, and
        without statistics SQLite reads all 50,000 people through the (workspace,
        last contact) index in random order for the agenda (230 ms instead of 54 ms);
        1.6 s at 2M interactions."""
        if self.postgres:
            self.conn.exec_driver_sql("ANALYZE " + ", ".join(ANALYZED))
        else:
            self.conn.exec_driver_sql("ANALYZE")


@contextmanager
def large_cache(conn: Connection) -> Iterator[None]:
    """A large page cache on SQLite while in use: the indexes of a multi-million-row
    load outgrow the default 2 MB, and every evicted page is written to the WAL again
    (124 s → 79 s at 2M interactions)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


@contextmanager
def search_index_deferred(conn: Connection) -> Iterator[None]:
    """On SQLite, index the search documents written while in use with one
    INSERT … SELECT at the end instead of one trigger call per row (about 8× faster at
    scale). The insert trigger is dropped and re-created from its own stored SQL inside
    the caller's transaction, so a failure gets it back with everything else on
    rollback."""
    trigger = None
    if conn.dialect.name == "sqlite":
        trigger = conn.scalar(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": SEARCH_TRIGGER},
        )
    if trigger is None:
        yield
        return
    last = conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM search_doc"))
    conn.execute(text(f"DROP TRIGGER {SEARCH_TRIGGER}"))
    yield
    conn.execute(
        text(
            "INSERT INTO search_fts(rowid, title, body) "
            "SELECT id, title, body FROM search_doc WHERE id > :last"
        ),
        {"last": last},
    )
    conn.execute(text(trigger))
