"""Benchmark databases: a migrated, empty database with the owner's UTC workspace,
on SQLite (a file) or PostgreSQL (a database of its own, dropped afterwards)."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import load
from bench.generate import OWNER_EMAIL, OWNER_NAME, Generated
from bench.network import Network
from rapport.services import workspace
from rapport.services.context import Rapport
from rapport.settings import Settings, normalise_url


def open_app(url: str, data_dir: Path) -> Rapport:
    return Rapport(Settings(database_url=normalise_url(url), data_dir=data_dir))


def empty_sqlite(path: Path) -> str:
    """A migrated SQLite file at `path` with the owner's workspace; its URL."""
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    prepare(url, path.parent)
    return url


def prepare(url: str, data_dir: Path) -> int:
    """Migrate `url` and set up the owner's UTC workspace; its id."""
    app = open_app(url, data_dir)
    try:
        with app.open(write=True) as ctx:
            workspace.configure(
                ctx, name="Bench", timezone="UTC", owner_email=OWNER_EMAIL, owner_name=OWNER_NAME
            )
            return ctx.workspace_id
    finally:
        app.dispose()


def copy_sqlite(source: Path, target: Path) -> str:
    for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def load_product(url: str, data_dir: Path, network: Network, today: dt.date) -> dict[str, int]:
    """The network written through the product's bulk path; row counts."""
    app = open_app(url, data_dir)
    try:
        with app.open(write=True, today=today) as ctx:
            return load.load(ctx, network).counts
    finally:
        app.dispose()


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so later reads start from the same state."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the server of `admin_url`, dropped at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(normalise_url(admin_url))
    name = f"rapport_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def top_person(gen: Generated, rank: int = 0) -> int:
    """The position of the person at closeness `rank` (0: the closest tie)."""
    return gen.by_rank[rank]
