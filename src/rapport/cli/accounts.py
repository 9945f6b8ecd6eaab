"""`rapport accounts add|list|test|remove|pause|resume|password|set` and `rapport sync`:
the mail and calendar accounts Rapport keeps itself current from.

A password is never an option's value (it would sit in the shell's history and in
`ps`): it comes from standard input (`--password-stdin`), a prompt without echo on a
terminal, or RAPPORT_ACCOUNT_PASSWORD."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import typer

from rapport.cli.output import JsonOption, console, emit, say, table

if TYPE_CHECKING:
    from rapport.services.sync import RunResult
    from rapport.services.sync_accounts import AccountView

PASSWORD_ENV = "RAPPORT_ACCOUNT_PASSWORD"
accounts_app = typer.Typer(
    help="Mail (IMAP) and calendar (CalDAV) accounts Rapport keeps itself current from.",
    no_args_is_help=True,
)
PasswordStdin = typer.Option(
    False,
    "--password-stdin",
    help=f"Read the password from standard input (else {PASSWORD_ENV}, else a prompt).",
)


def _password(from_stdin: bool, *, confirm: bool = False) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        raise typer.BadParameter(
            f"give the password with --password-stdin or {PASSWORD_ENV} "
            "(never as an option: it would stay in your shell's history)"
        )
    said: str = typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return said


def _shown(view: AccountView) -> dict[str, Any]:
    """The account with its state in words, as --json prints it."""
    import dataclasses
    import datetime as dt

    from rapport.services import sync_accounts

    state = sync_accounts.state(view, dt.datetime.now(dt.UTC))
    return {
        **dataclasses.asdict(view),
        "exposed": view.exposed,
        "state": dataclasses.asdict(state),
    }


def _where(view: AccountView) -> str:
    port = f":{view.port}" if view.port else ""
    return f"{view.username} @ {view.host}{port}"


@accounts_app.command("add")
def add(
    kind: str = typer.Argument(..., help="imap (mail) or caldav (calendars)."),
    host: str = typer.Option(
        ..., "--host", help="IMAP: the server (imap.gmail.com); CalDAV: its address (https://…)."
    ),
    user: str = typer.Option(..., "--user", help="The user name to sign in with."),
    port: int = typer.Option(None, "--port", help="Default 993 (tls) or 143 for IMAP."),
    security: str = typer.Option("tls", "--security", help="tls, starttls or none."),
    folder: list[str] | None = typer.Option(
        None, "--folder", help="IMAP: a folder to follow besides INBOX and Sent (repeatable)."
    ),
    calendar: list[str] | None = typer.Option(
        None, "--calendar", help="CalDAV: a calendar to follow, by name or URL (default: all)."
    ),
    name: str = typer.Option(None, "--name", help="A name for it (default: 'KIND USER')."),
    interval: int = typer.Option(15, "--interval", help="Minutes between two syncs (1–1440)."),
    no_check: bool = typer.Option(
        False, "--no-check", help="Save without signing in first to check it."
    ),
    password_stdin: bool = PasswordStdin,
    as_json: bool = JsonOption,
) -> None:
    """Add an account: signs in first to check it (nothing is saved if that fails),
    then `rapport serve` (or `rapport sync`) keeps Rapport current from it."""
    from rapport.cli.runtime import rapport, session
    from rapport.services import secret_box, sync, sync_accounts

    if folder and kind.strip().lower() == "caldav":
        raise typer.BadParameter("a calendar account follows calendars: use --calendar")
    if calendar and kind.strip().lower() == "imap":
        raise typer.BadParameter("a mail account follows folders: use --folder")
    spec = sync_accounts.AccountSpec(
        kind=kind,
        host=host,
        username=user,
        password=_password(password_stdin),
        name=name,
        port=port,
        security=security,
        folders=[*(folder or ()), *(calendar or ())],
        interval_minutes=interval,
    )
    found = None
    if not no_check:
        found = sync.check_first(spec)
    box = secret_box.of(rapport())
    with session(write=True) as ctx:
        view = sync_accounts.add(ctx, box, spec)

    def render() -> None:
        say(f"account “{view.name}” added: {_where(view)}" + (f" ({found})" if found else ""))
        say("It syncs while `rapport serve` runs; `rapport sync` runs it once now.")
        if view.exposed:
            say(f"Careful: {view.exposed}.")

    emit(_shown(view) | {"checked": found}, as_json, render)


@accounts_app.command("list")
def listing(as_json: bool = JsonOption) -> None:
    """Your accounts: last sync, next, the last error in words, what they brought."""
    import datetime as dt

    from rapport.cli.runtime import session
    from rapport.services import sync_accounts

    with session() as ctx:
        views = sync_accounts.listing(ctx)
    now = dt.datetime.now(dt.UTC)

    def render() -> None:
        if not views:
            say("No accounts yet: rapport accounts add imap --host imap.example.com --user you@…")
            return
        rows = []
        for v in views:
            st = sync_accounts.state(v, now)
            rows.append([v.id, v.name, v.kind, _where(v), st.says, v.brought or "—"])
        table(None, ["#", "name", "kind", "where", "state", "brought"], rows)

    emit([_shown(v) for v in views], as_json, render)


@accounts_app.command("test")
def check_account(
    account: str = typer.Argument(..., help="The account's name or number."),
    as_json: bool = JsonOption,
) -> None:
    """Sign in to the account and say what is there (nothing is stored)."""
    from rapport.cli.runtime import rapport, session
    from rapport.services import secret_box, sync

    box = secret_box.of(rapport())
    with session() as ctx:
        found = sync.check(ctx, box, account)
    emit({"account": account, "found": found}, as_json, lambda: say(f"signed in: {found}"))


@accounts_app.command("remove")
def remove(
    account: str = typer.Argument(..., help="The account's name or number."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask."),
    as_json: bool = JsonOption,
) -> None:
    """Forget an account and its password. What it brought stays in your network."""
    from rapport.cli.runtime import session
    from rapport.services import sync_accounts

    with session() as ctx:
        view = sync_accounts.get(ctx, account)
    if not yes:
        if not sys.stdin.isatty():
            raise typer.BadParameter("add --yes to remove without being asked")
        typer.confirm(f"Remove the account “{view.name}” ({_where(view)})?", abort=True)
    with session(write=True) as ctx:
        gone = sync_accounts.remove(ctx, view.id)
    emit(
        _shown(gone),
        as_json,
        lambda: say(f"account “{gone.name}” removed; what it brought stays in your network"),
    )


def _change(account: str, as_json: bool, said: str, **changes: Any) -> None:
    from rapport.cli.runtime import rapport, session
    from rapport.services import secret_box, sync_accounts

    box = secret_box.of(rapport())
    with session(write=True) as ctx:
        view = sync_accounts.change(ctx, box, account, **changes)
    emit(_shown(view), as_json, lambda: say(f"account “{view.name}” {said}"))


@accounts_app.command("pause")
def pause(
    account: str = typer.Argument(..., help="The account's name or number."),
    as_json: bool = JsonOption,
) -> None:
    """Stop syncing the account until `rapport accounts resume`."""
    _change(account, as_json, "paused", enabled=False)


@accounts_app.command("resume")
def resume(
    account: str = typer.Argument(..., help="The account's name or number."),
    as_json: bool = JsonOption,
) -> None:
    """Sync the account again (at once, then on its interval)."""
    _change(account, as_json, "resumed: it syncs at once", enabled=True)


@accounts_app.command("password")
def password(
    account: str = typer.Argument(..., help="The account's name or number."),
    password_stdin: bool = PasswordStdin,
    as_json: bool = JsonOption,
) -> None:
    """Give the account a new password (a new app password, or after a restore)."""
    _change(
        account,
        as_json,
        "has its new password: it syncs at once",
        password=_password(password_stdin, confirm=True),
    )


@accounts_app.command("set")
def set_(
    account: str = typer.Argument(..., help="The account's name or number."),
    folder: list[str] | None = typer.Option(
        None, "--folder", help="The folders to follow besides INBOX and Sent (replaces them)."
    ),
    calendar: list[str] | None = typer.Option(
        None, "--calendar", help="The calendars to follow (replaces them)."
    ),
    interval: int = typer.Option(None, "--interval", help="Minutes between two syncs (1–1440)."),
    as_json: bool = JsonOption,
) -> None:
    """Change the folders or calendars followed, or the interval."""
    given = [*(folder or ()), *(calendar or ())]
    if not given and interval is None:
        raise typer.BadParameter("say what to change: --folder, --calendar or --interval")
    _change(
        account,
        as_json,
        "changed",
        folders=given if (folder is not None or calendar is not None) and given else None,
        interval_minutes=interval,
    )


def sync_now(
    account: str = typer.Argument(
        None, help="One account, by name or number (run now even if not due or paused)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Sync the accounts that are due (or the one named) once, then stop: for cron.
    The exit code is not 0 when one failed."""
    from rapport.cli.runtime import rapport, session
    from rapport.services import secret_box, sync, sync_accounts

    app = rapport()
    box = secret_box.of(app)
    if account is not None:
        with session() as ctx:
            ids = [sync_accounts.get(ctx, account).id]
    else:
        ids = sync.due(app)
    results = _run_with_progress(app, box, ids, force=account is not None, quiet=as_json)

    def render() -> None:
        if not results:
            say("nothing is due (rapport accounts list says when each syncs next)")
        for r in results:
            say(f"{r.name}: {r.outcome} — {r.message}")

    emit(results, as_json, render)
    if any(r.outcome == "failed" for r in results):
        raise typer.Exit(8)


def _run_with_progress(
    app: Any, box: Any, ids: list[int], *, force: bool, quiet: bool
) -> list[RunResult]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from rapport.services import sync

    results: list[RunResult] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console(),
        disable=quiet or not sys.stdout.isatty(),
        transient=True,
    ) as bar:
        for account_id in ids:
            task = bar.add_task(f"account {account_id}", total=None)

            def moved(phase: str, done: int, total: int | None, task: Any = task) -> None:
                bar.update(task, description=phase, completed=done, total=total)

            results.append(sync.run(app, box, account_id, force=force, progress=moved))
            bar.remove_task(task)
    return results


def doctor_rows() -> list[tuple[str, str]]:
    """One line per account for `rapport doctor`."""
    import datetime as dt

    from rapport.cli.runtime import session
    from rapport.services import sync_accounts

    with session() as ctx:
        views = sync_accounts.listing(ctx)
    now = dt.datetime.now(dt.UTC)
    if not views:
        return [("sync accounts", "none (rapport accounts add imap|caldav …)")]
    return [(f"account {v.name}", sync_accounts.state(v, now).says) for v in views]


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")
    app.command("sync")(sync_now)
