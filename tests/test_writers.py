"""Many writers on one database: each waits its turn, none fails.

`rapport log` in a dozen processes at once on SQLite and PostgreSQL; and, on SQLite,
a writer that keeps losing the race for the lock while others commit waits for as
long as they make progress, but gives up when the lock is stuck."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rapport.errors import StorageUnavailable
from rapport.services.context import Rapport
from rapport.storage import engine as storage_engine
from rapport.storage.schema import Interaction
from rapport.storage.uow import unit_of_work
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person

SRC = Path(__file__).resolve().parent.parent / "src"
PROCESSES, LOGS_EACH = 12, 3


def _writer(env: dict[str, str], number: int) -> list[str]:
    """Log `LOGS_EACH` interactions in one process after another; the errors."""
    errors = []
    for turn in range(LOGS_EACH):
        done = subprocess.run(
            [sys.executable, "-m", "rapport", "log", "Ana", "-s", f"w{number}-{turn}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            errors.append(done.stderr.strip())
    return errors


def test_concurrent_cli_writers_all_succeed(
    database_url: str, app: Rapport, open_ctx: OpenCtx, tmp_path: Path
) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima")
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "RAPPORT_DATABASE_URL": database_url,
        "RAPPORT_DATA_DIR": str(tmp_path),
        "RAPPORT_TODAY": TODAY.isoformat(),
    }
    with ThreadPoolExecutor(PROCESSES) as pool:
        errors = [
            e for found in pool.map(_writer, [env] * PROCESSES, range(PROCESSES)) for e in found
        ]
    assert errors == []
    with open_ctx(write=False) as ctx:
        logged = ctx.session.scalar(select(func.count(Interaction.id)))
    assert logged == PROCESSES * LOGS_EACH


@pytest.fixture
def quick_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-second busy timeout, so that waiting past it is quick to show."""
    monkeypatch.setattr(storage_engine, "BUSY_TIMEOUT_S", 1)
    return


def _hog(path: Path, *, seconds: float, commits: bool, ready: threading.Event) -> None:
    """Hold the write lock for `seconds`: committing every 50 ms and taking it
    straight back (a writer that keeps winning the race), or never (a stuck one)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("CREATE TABLE IF NOT EXISTS hog (x INTEGER)")
    end = time.monotonic() + seconds
    connection.execute("BEGIN IMMEDIATE")
    ready.set()
    while time.monotonic() < end:
        time.sleep(0.05)
        if commits:
            connection.execute("INSERT INTO hog VALUES (1)")
            connection.execute("COMMIT")
            connection.execute("BEGIN IMMEDIATE")
    connection.execute("COMMIT")
    connection.close()


def test_a_writer_waits_while_others_make_progress(
    sqlite_template: Path, tmp_path: Path, quick_timeout: None
) -> None:
    path = tmp_path / "rapport.db"
    path.write_bytes(sqlite_template.read_bytes())
    engine = storage_engine.make_engine(f"sqlite:///{path}")
    ready = threading.Event()
    hog = threading.Thread(
        target=_hog, args=(path,), kwargs={"seconds": 3.0, "commits": True, "ready": ready}
    )
    hog.start()
    ready.wait()
    try:
        # the other writer holds the lock three times as long as the busy timeout,
        # letting go only for an instant now and then: this one still gets its turn
        with unit_of_work(engine, write=True) as session:
            session.execute(select(1))
    finally:
        hog.join()
        engine.dispose()


def test_a_writer_gives_up_on_a_stuck_lock(
    sqlite_template: Path, tmp_path: Path, quick_timeout: None
) -> None:
    path = tmp_path / "rapport.db"
    path.write_bytes(sqlite_template.read_bytes())
    engine = storage_engine.make_engine(f"sqlite:///{path}")
    ready = threading.Event()
    hog = threading.Thread(
        target=_hog, args=(path,), kwargs={"seconds": 3.0, "commits": False, "ready": ready}
    )
    hog.start()
    ready.wait()
    try:
        with pytest.raises(StorageUnavailable, match="locked"), unit_of_work(engine, write=True):
            pass
    finally:
        hog.join()
        engine.dispose()
