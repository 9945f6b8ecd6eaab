"""Setting up: `rapport init`, `rapport db upgrade|status`."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table
from rapport.cli.runtime import rapport, session

db_app = typer.Typer(help="The database: its location and schema version.", no_args_is_help=True)


def init(
    name: str = typer.Option(None, "--name", help="Your name."),
    email: str = typer.Option(
        None, "--email", help="Your own email address (used to tell direction in imports)."
    ),
    timezone: str = typer.Option(None, "--timezone", help="Your time zone, e.g. Europe/Paris."),
    workspace: str = typer.Option(None, "--workspace", help="A name for this network."),
    as_json: bool = JsonOption,
) -> None:
    """Create (or update) your Rapport database and say where it lives."""
    from rapport.services import database
    from rapport.services import workspace as ws

    with session(write=True) as ctx:
        info = ws.configure(
            ctx, name=workspace, timezone=timezone, owner_email=email, owner_name=name
        )
    info["database"] = database.location(rapport())

    def render() -> None:
        say(f"Rapport is ready: {info['database']}")
        say(
            f"Time zone: {info['timezone']}"
            + (f"; you are {info['owner_email']}" if info["owner_email"] else "")
        )
        say('Next: rapport person add "Ana Lima" --org Acme --type client')

    emit(info, as_json, render)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date (also done automatically on start)."""
    from rapport.services import database

    state = database.upgrade(rapport())
    say(f"schema at {state.revision} (latest {state.latest})")


@db_app.command("status")
def db_status(as_json: bool = JsonOption) -> None:
    """Where the database is and which schema version it has."""
    from rapport.services import database
    from rapport.services import people as people_service

    state = database.status(rapport())
    with session() as ctx:
        count = people_service.count(ctx)
    info = {
        "database": state.database,
        "backend": state.backend,
        "revision": state.revision,
        "latest": state.latest,
        "people": count,
    }
    emit(info, as_json, lambda: table(None, ["setting", "value"], list(info.items())))


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(db_app, name="db")
