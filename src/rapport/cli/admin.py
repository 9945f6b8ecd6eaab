"""Setting up: `rapport init`, `rapport settings me`, `rapport db upgrade|status`."""

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
    from rapport.services import database, owner
    from rapport.services import workspace as ws

    with session(write=True) as ctx:
        info = ws.configure(
            ctx, name=workspace, timezone=timezone, owner_email=email, owner_name=name
        )
        hints = [a.hint for a in owner.describe(ctx).addresses if a.hint]
    info["database"] = database.location(rapport())

    def render() -> None:
        say(f"Rapport is ready: {info['database']}")
        say(
            f"Time zone: {info['timezone']}"
            + (f"; you are {info['owner_email']}" if info["owner_email"] else "")
        )
        for hint in hints:
            say(hint)
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


def settings_me(
    add: list[str] | None = typer.Option(
        None, "--add", help="An address of yours to remember (repeatable)."
    ),
    remove: list[str] | None = typer.Option(
        None, "--remove", help="An address to forget, yours or one you said is not (repeatable)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Your own email addresses: never imported as a contact; they tell who reached out."""
    from rapport.services import owner

    with session(write=bool(add or remove)) as ctx:
        for address in remove or ():
            owner.remove(ctx, address)
        view = owner.add(ctx, add, origin="settings") if add else owner.describe(ctx)

    def render() -> None:
        if not view.addresses:
            say("Rapport does not know your address yet: rapport settings me --add you@example.com")
        for a in view.addresses:
            say(f"{a.address} ({owner.ORIGINS.get(a.origin, a.origin)})")
            if a.hint:
                say(f"  {a.hint}")
        if view.not_me:
            say("not yours (not asked about again): " + ", ".join(view.not_me))

    emit(view, as_json, render)


def register(app: typer.Typer) -> None:
    from rapport.cli.digest import settings_app

    app.command("init")(init)
    settings_app.command("me")(settings_me)
    app.add_typer(db_app, name="db")
