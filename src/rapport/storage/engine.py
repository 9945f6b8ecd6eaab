"""Opening the database: SQLite discipline (WAL, foreign keys, busy timeout, writes
begun with BEGIN IMMEDIATE, writers that wait their turn) in one place, PostgreSQL
through psycopg 3."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from rapport.errors import StorageUnavailable

WRITE_OPTION = "rapport_write"
BUSY_TIMEOUT_S = 30  # a writer gives up when no other writer committed for this long


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json(value: Any) -> str:
    """JSON columns' text: dates as ISO strings (the journal's row images hold
    them as read, and converting them once here is 3× cheaper than value by value)."""
    return json.dumps(value, default=_jsonable)


def make_engine(url: str) -> Engine:
    """An engine for `url`, creating the SQLite file's directory if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, json_serializer=to_json)
    raise StorageUnavailable(f"unsupported database URL {parsed.render_as_string()!r}")


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"cannot create the data directory: {exc}") from exc
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, json_serializer=to_json)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take over transaction control from the sqlite3 module (see "begin" below)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")  # before anything locks
        # switching to WAL takes an exclusive lock: only a new file needs it
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # a write takes the write lock up front, so two writers queue instead of
        # failing half-way with "database is locked"
        if connection.get_execution_options().get(WRITE_OPTION):
            _begin_immediate(connection.connection.driver_connection)
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def _begin_immediate(dbapi_connection: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting as long as other writers make progress.

    SQLite's busy handler polls rather than queues: with dozens of processes on two
    cores, one writer can lose the race for the whole busy timeout while others
    commit one after the other (12 of 100 `rapport log` in 50 processes failed so,
    after 32 s). A writer therefore gives up only when no other connection has
    committed during a whole busy timeout, which means the lock is stuck."""
    seen = _data_version(dbapi_connection)
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            now = _data_version(dbapi_connection)
            if now == seen:
                raise StorageUnavailable(
                    f"the database stayed locked for {BUSY_TIMEOUT_S} s without another "
                    f"writer finishing: {exc}"
                ) from exc
            seen = now


def _data_version(dbapi_connection: sqlite3.Connection) -> int:
    """A number that changes whenever another connection commits (SQLite docs,
    PRAGMA data_version)."""
    row = dbapi_connection.execute("PRAGMA data_version").fetchone()
    return int(row[0])
