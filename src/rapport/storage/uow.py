"""The unit of work: the only place a transaction is begun and committed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rapport.errors import StorageUnavailable
from rapport.storage import journal
from rapport.storage.engine import WRITE_OPTION
from rapport.storage.schema import utcnow


@contextmanager
def unit_of_work(engine: Engine, *, write: bool) -> Iterator[Session]:
    """A session inside one transaction: committed when the block ends normally,
    rolled back on any exception, so a failure leaves the database as it was.
    A write's changes are journaled in the same transaction (`storage.journal`)
    once the block has said whose workspace it works in."""
    with Session(engine, expire_on_commit=False, autoflush=True) as session:
        try:
            session.connection(execution_options={WRITE_OPTION: write})
        except OperationalError as exc:
            raise StorageUnavailable(f"cannot open the database: {exc.orig}") from exc
        if write:
            journal.begin(session, journal.Recorder())
        try:
            yield session
            if write:
                journal.record(session, utcnow())
                journal.end(session)
                session.commit()
            else:
                session.rollback()
        except BaseException:
            journal.end(session)
            session.rollback()
            raise
