"""Shared fixtures: a migrated database on each backend, a service context, the CLI."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from rapport.services.context import Ctx, Rapport
from rapport.settings import Settings
from rapport.storage import migrate
from rapport.storage.engine import make_engine
from rapport.storage.schema import Base

# Deterministic by default, so no landing depends on luck: `ci` derandomizes every
# property test (the same examples on every machine and run, no example database to
# carry between runs). HYPOTHESIS_PROFILE=explore searches afresh each run and keeps
# what it finds in .hypothesis/ to replay it.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

os.environ["TZ"] = "UTC"  # new workspaces take the machine zone: make it fixed
# a `rapport` a test starts runs in its own process, starting no warm one to outlive the
# run (tests/test_launcher.py starts its own)
os.environ["RAPPORT_WARM"] = "0"
TODAY = dt.date(2026, 11, 23)
PG_URL = os.environ.get(
    "RAPPORT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

OpenCtx = Callable[..., AbstractContextManager[Ctx]]


def _pg_admin_url() -> str:
    return make_url(PG_URL).set(drivername="postgresql+psycopg").render_as_string(False)


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(_pg_admin_url(), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # report any failure to connect as the reason
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "rapport.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this run's own, migrated, dropped at the end."""
    problem = _pg_reachable()
    if problem:
        if os.environ.get("RAPPORT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {PG_URL} is required but unreachable: {problem}")
        pytest.skip(f"PostgreSQL unreachable ({problem}); set RAPPORT_TEST_POSTGRES")
    name = f"rapport_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as c:
        c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database on each backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "rapport.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        try:
            yield url
        finally:
            _truncate_all(url)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Rapport]:
    rapport = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    yield rapport
    rapport.dispose()


@pytest.fixture
def open_ctx(app: Rapport) -> OpenCtx:
    """`with open_ctx() as ctx:` a writing context on TODAY; `today=` to move in time."""

    def opener(*, write: bool = True, today: dt.date = TODAY) -> AbstractContextManager[Ctx]:
        return app.open(write=write, today=today)

    return opener


@pytest.fixture
def ctx(open_ctx: OpenCtx) -> Iterator[Ctx]:
    """One writing context for a whole test (committed at the end)."""
    with open_ctx() as c:
        yield c


@pytest.fixture(scope="session")
def meaning_model() -> object:
    """The embedding model of "who do I know who…" (rapport[semantic], installed by
    scripts/bootstrap --dev), loaded once per session (6–7 s) on one thread: the
    machine is shared."""
    import torch

    from rapport.services import semantic

    torch.set_num_threads(1)
    return semantic.model()
