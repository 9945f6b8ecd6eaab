"""Opening the database: SQLite discipline (WAL, foreign keys, busy timeout, writes
begun with BEGIN IMMEDIATE) in one place, PostgreSQL through psycopg 3."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from rapport.errors import StorageUnavailable

WRITE_OPTION = "rapport_write"


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
    engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=to_json)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take over transaction control from the sqlite3 module (see "begin" below)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # a write takes the write lock up front, so two writers queue on busy_timeout
        # instead of failing half-way with "database is locked"
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine
