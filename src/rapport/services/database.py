"""The database itself: where it lives, which schema version it has, bringing it up to
date. The command line's `rapport db`, `rapport doctor` and `rapport serve` ask here, so
no interface touches the engine or the migrations."""

from __future__ import annotations

from dataclasses import dataclass

from rapport.services.context import Rapport
from rapport.storage import migrate


@dataclass(frozen=True)
class Status:
    """The database as a person reads it: its address (password hidden), its backend
    and its schema revision against the newest one."""

    database: str
    backend: str
    revision: str | None
    latest: str | None


def location(app: Rapport) -> str:
    """The database's address with any password hidden (opening it migrates it)."""
    return app.engine.url.render_as_string(hide_password=True)


def status(app: Rapport) -> Status:
    """Where the database is and which schema revision it is at."""
    engine = app.engine
    return Status(
        database=location(app),
        backend=engine.dialect.name,
        revision=migrate.current_revision(engine),
        latest=migrate.head_revision(),
    )


def upgrade(app: Rapport) -> Status:
    """Bring the schema to the newest revision (opening already does; this makes sure)
    and say where it now is."""
    migrate.upgrade(app.engine)
    return status(app)
