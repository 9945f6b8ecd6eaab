"""The unit of work: the only place a transaction is begun and committed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rapport.errors import StorageUnavailable
from rapport.storage.engine import WRITE_OPTION


@contextmanager
def unit_of_work(engine: Engine, *, write: bool) -> Iterator[Session]:
    """A session inside one transaction: committed when the block ends normally,
    rolled back on any exception, so a failure leaves the database as it was."""
    with Session(engine, expire_on_commit=False, autoflush=True) as session:
        try:
            session.connection(execution_options={WRITE_OPTION: write})
        except OperationalError as exc:
            raise StorageUnavailable(f"cannot open the database: {exc.orig}") from exc
        try:
            yield session
            if write:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
