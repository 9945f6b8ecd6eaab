"""`rapport serve`, `rapport carddav`, `rapport user add|list|2fa` and
`rapport token create|list|revoke`.

FastAPI and uvicorn are imported inside `serve` only: `rapport --help` stays fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, plain, say, table

if TYPE_CHECKING:
    from rapport.services.context import Rapport
    from rapport.settings import Settings

user_app = typer.Typer(help="Accounts that sign in to the web app.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts and other apps.", no_args_is_help=True)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8765, "--port", help="Port to listen on."),
    demo: bool = typer.Option(
        False, "--demo", help="Serve a generated sample network (its own database) instead."
    ),
) -> None:
    """Open the web app (Today, People, Insights…) and the JSON API on this machine."""
    import uvicorn

    from rapport.services import accounts, database
    from rapport.services.context import Rapport
    from rapport.settings import Settings
    from rapport.web.app import create_app

    settings = Settings.from_env()
    if demo:
        settings = Settings(
            database_url=f"sqlite:///{settings.data_dir / 'demo.db'}", data_dir=settings.data_dir
        )
        app_handle = _build_demo(settings.data_dir / "demo.db", settings)
    else:
        app_handle = Rapport(settings)
    url = f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}"
    from rapport.services.digest import BASE_URL_ENV

    os.environ.setdefault(BASE_URL_ENV, url)  # the digest's links open this server
    say(f"Rapport on {url}  (database: {database.location(app_handle)})")
    if demo:
        from rapport.services.demo import DEMO_EMAIL, DEMO_PASSWORD

        say(f"Demo network: sign in as {DEMO_EMAIL} with the password {DEMO_PASSWORD}")
    elif accounts.count(app_handle) == 0:
        say(f"No account yet: open {url}/setup on this machine, or run `rapport user add EMAIL`.")
    say(f"Contacts on phones (CardDAV): {url}/dav/ (see `rapport carddav`)")
    say(f"AI assistants (MCP): {url}/mcp with an API token (see `rapport mcp --help`)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(
            "Listening beyond this machine: put it behind TLS (a reverse proxy) "
            "so cookies are Secure."
        )
    app = create_app(settings, rapport=app_handle)
    # the daily digest goes out and the accounts sync while the server runs (never
    # from the demo's sample data)
    from rapport.services import secret_box, semantic, smtp_password
    from rapport.services.scheduler import DigestScheduler, MeaningScheduler, SyncScheduler

    schedulers: list[DigestScheduler | SyncScheduler | MeaningScheduler] = []
    if not demo:
        box = secret_box.of(app_handle)
        smtp_password.seal_clear(app_handle, box)  # an older Rapport's, in clear
        schedulers = [DigestScheduler(app_handle), SyncScheduler(app_handle, box)]
    if semantic.available():  # "who do I know who…" kept current in the background
        schedulers.append(MeaningScheduler(app_handle))
    for scheduler in schedulers:
        scheduler.start()
    try:
        uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")
    finally:
        for scheduler in schedulers:
            scheduler.stop()


def _build_demo(path: Path, settings: Settings) -> Rapport:
    """A fresh sample network in its own SQLite file, with the demo account."""
    from rapport.services import accounts, demo
    from rapport.services.context import Rapport

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    handle = Rapport(settings)
    with handle.open(write=True) as ctx:
        made = demo.build(ctx)
    accounts.add(handle, demo.DEMO_EMAIL, demo.DEMO_PASSWORD, display_name="Demo")
    say(
        f"Built a demo network: {made.people} people, {made.interactions} conversations, "
        f"{made.promises} promises, {made.favours} favours, {made.milestones} dates"
    )
    return handle


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def user_add(
    email: str = typer.Argument(..., help="The address to sign in with."),
    name: str = typer.Option("", "--name", help="Your name."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (one line)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Create an account. The first one owns this database's network; later ones
    each get a network of their own."""
    from rapport.cli.runtime import rapport
    from rapport.services import accounts

    app = rapport()
    user = accounts.add(app, email, _read_password(password_stdin), display_name=name)
    first = accounts.count(app) == 1
    whose = (
        "it owns the network in this database"
        if first
        else "with a network of its own, empty: it does not see the other accounts' people"
    )
    emit(
        user,
        as_json,
        lambda: say(f"account {user.email} created, {whose}: sign in with `rapport serve`"),
    )


@user_app.command("list")
def user_list(as_json: bool = JsonOption) -> None:
    """Accounts that can sign in."""
    from rapport.cli.runtime import rapport
    from rapport.services import accounts

    users = accounts.listing(rapport())
    emit(
        users,
        as_json,
        lambda: table(
            None,
            ["#", "email", "name", "network", "last sign-in"],
            [[u.id, u.email, u.display_name, u.workspace_id, u.last_login_at] for u in users],
        ),
    )


@user_app.command("2fa")
def user_two_factor(
    email: str = typer.Argument(..., help="The account's email."),
    off: bool = typer.Option(
        False, "--off", help="Turn two-step sign-in off (when the phone and the codes are lost)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Two-step sign-in of an account: whether it is on and how many recovery codes
    are left; --off turns it off without a code."""
    from rapport.cli.runtime import rapport
    from rapport.services import accounts, two_factor

    app = rapport()
    account = accounts.by_email(app, email)
    was_on = two_factor.reset(app, account.id) if off else None
    state = two_factor.status(app, account.id)
    info = {"email": account.email, "on": state.on, "recovery_codes_left": state.recovery_left}

    def render() -> None:
        if off:
            say(
                f"Two-step sign-in is now off for {account.email}: the password alone signs in. "
                "They can turn it on again in Settings."
                if was_on
                else f"Two-step sign-in was already off for {account.email}."
            )
        elif state.on:
            left = state.recovery_left
            codes = "1 recovery code" if left == 1 else f"{left} recovery codes"
            say(f"Two-step sign-in is on for {account.email}, with {codes} left.")
        else:
            say(f"Two-step sign-in is off for {account.email}.")

    emit(info, as_json, render)


@token_app.command("create")
def token_create(
    name: str = typer.Argument(..., help="What will use it, e.g. 'calendar sync'."),
    user: str = typer.Option(None, "--user", help="The account's email (default: the owner)."),
    as_json: bool = JsonOption,
) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    from rapport.cli.runtime import rapport
    from rapport.services import accounts, tokens

    app = rapport()
    account = accounts.by_email(app, user) if user else accounts.owner(app)
    with app.open(write=True, workspace_id=account.workspace_id) as ctx:
        made = tokens.create(ctx, account.id, name)

    def render() -> None:
        say(f"token #{made.token.id} “{made.token.name}” for {made.token.user_email}:")
        plain(made.secret + "\n")
        say("Keep it now: it is not shown again. Send it as `Authorization: Bearer <token>`.")

    emit(made, as_json, render)


@token_app.command("list")
def token_list(
    user: str = typer.Option(None, "--user", help="The account's email (default: the owner)."),
    as_json: bool = JsonOption,
) -> None:
    """Tokens of the network, revoked ones included."""
    from rapport.cli.runtime import rapport
    from rapport.services import accounts, tokens

    app = rapport()
    account = accounts.by_email(app, user) if user else accounts.owner(app)
    with app.open(workspace_id=account.workspace_id) as ctx:
        rows = tokens.listing(ctx)
    emit(
        rows,
        as_json,
        lambda: table(
            None,
            ["#", "name", "account", "created", "last used", "revoked"],
            [
                [t.id, t.name, t.user_email, t.created_at, t.last_used_at, t.revoked_at]
                for t in rows
            ],
        ),
    )


@token_app.command("revoke")
def token_revoke(
    token_id: int = typer.Argument(..., help="The token's number (see `rapport token list`)."),
    user: str = typer.Option(None, "--user", help="The account's email (default: the owner)."),
    as_json: bool = JsonOption,
) -> None:
    """Revoke a token: it stops working at once."""
    from rapport.cli.runtime import rapport
    from rapport.services import accounts, tokens

    app = rapport()
    account = accounts.by_email(app, user) if user else accounts.owner(app)
    with app.open(write=True, workspace_id=account.workspace_id) as ctx:
        row = tokens.revoke(ctx, token_id)
    emit(row, as_json, lambda: say(f"token #{row.id} “{row.name}” revoked"))


def carddav(
    url: str = typer.Option(
        None,
        "--url",
        help="The address the phone reaches the server at "
        "(default: http://<this machine's name>:8765).",
    ),
    user: str = typer.Option(None, "--user", help="The account's email (default: the owner)."),
    as_json: bool = JsonOption,
) -> None:
    """How to sync a phone's contacts with Rapport (CardDAV): the address, the user
    name and the steps for iPhone and Android (DAVx5)."""
    import socket
    from dataclasses import asdict

    from rapport.cli.runtime import rapport
    from rapport.domain.carddav import phone_setup
    from rapport.services import accounts
    from rapport.services import carddav as book

    app = rapport()
    account = accounts.by_email(app, user) if user else accounts.owner(app)
    setup = phone_setup(url or f"http://{socket.gethostname()}:8765", account.email)
    # made now, so a phone's first request does not wait for every card to be rendered
    with app.open(write=True, workspace_id=account.workspace_id, user_id=account.id) as ctx:
        cards = book.book(ctx).cards

    def show() -> None:
        say(f"Address book: {setup.url}  ({cards} card{'s' if cards != 1 else ''}, ready)")
        say(f"User name:    {setup.username}")
        say(f"Password:     {setup.password}")
        for client, steps in setup.steps.items():
            say("")
            say(client)
            for n, step in enumerate(steps, start=1):
                say(f"  {n}. {step}")
        say("")
        say("The phone must reach the server: `rapport serve --host 0.0.0.0` on your network,")
        say("behind TLS (a reverse proxy) beyond it. Cards deleted on the phone are archived.")

    emit({**asdict(setup), "cards": cards}, as_json, show)


def settings_two_step(
    require: bool | None = typer.Option(
        None,
        "--require/--no-require",
        help="Require two-step sign-in of everyone who signs in to this network (or stop).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Whether this network requires two-step sign-in: an account without it is sent to
    turn it on before any other page."""
    from rapport.cli.runtime import session
    from rapport.services import two_factor

    with session(write=require is not None) as ctx:
        if require is not None:
            two_factor.set_required(ctx, None, require)
        on = two_factor.required(ctx)

    def render() -> None:
        if on:
            say("Two-step sign-in is required: an account without it is asked to turn it on.")
        else:
            say("Two-step sign-in is not required: each account chooses in Settings.")

    emit({"require_2fa": on}, as_json, render)


def register(app: typer.Typer) -> None:
    from rapport.cli.digest import settings_app

    settings_app.command("two-step")(settings_two_step)
    app.command("serve")(serve)
    app.command("carddav")(carddav)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
