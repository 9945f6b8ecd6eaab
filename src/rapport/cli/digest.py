"""`rapport digest`, `rapport doctor`, and `rapport settings smtp|digest|show`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, plain, say, table

if TYPE_CHECKING:
    from rapport.services.digest import Delivery

settings_app = typer.Typer(
    help="Your addresses, the agenda's timing, the mail server and the daily digest.",
    no_args_is_help=True,
)


def digest(
    send: bool = typer.Option(False, "--send", help="Send it by email now (once per day)."),
    force: bool = typer.Option(
        False, "--force", help="With --send: send even if today's went out."
    ),
    date: str = typer.Option(None, "--date", help="The day to write it for (printing only)."),
    html: bool = typer.Option(False, "--html", help="Print the HTML part instead of the text."),
    as_json: bool = JsonOption,
) -> None:
    """Print today's digest, or send it (for those who prefer cron to `rapport serve`)."""
    import datetime as dt

    from rapport.cli import dates
    from rapport.cli.runtime import rapport, session
    from rapport.services import digest as digest_service

    if send:
        if date:
            raise typer.BadParameter("--date is for printing; --send always sends today's")
        with session() as ctx:
            workspace_id = ctx.workspace_id
        result = (
            digest_service.deliver(rapport(), workspace_id, dt.datetime.now(dt.UTC), force=True)
            if force
            else _deliver_once(workspace_id)
        )
        emit(result, as_json, lambda: say(result.message))
        if result.outcome == "failed":
            raise typer.Exit(8)
        return
    with session() as ctx:
        day = dates.day(ctx, date, prefer="future") if date else ctx.today
        message = digest_service.render(ctx, day)

    def render() -> None:
        plain(message.html if html else f"Subject: {message.subject}\n\n{message.text}")

    emit(message, as_json, render)


def _deliver_once(workspace_id: int) -> Delivery:
    """Send today's digest unless it already went out today (ignoring the send time)."""
    import datetime as dt

    from rapport.cli.runtime import rapport
    from rapport.services import digest as digest_service

    app = rapport()
    now = dt.datetime.now(dt.UTC)
    with app.open(workspace_id=workspace_id) as ctx:
        state = digest_service.status(ctx, now)
        today = now.astimezone(ctx.tz).date()
    if state.last_sent_on is not None and state.last_sent_on >= today:
        return digest_service.Delivery(
            workspace_id, "already-sent", f"already sent for {today} (use --force to send again)"
        )
    return digest_service.deliver(app, workspace_id, now, force=True)


def doctor(as_json: bool = JsonOption) -> None:
    """Check Rapport's health: database, schema, mail server, the digest's last and next
    send, each sync account's state."""
    from rapport.cli.accounts import doctor_rows
    from rapport.cli.runtime import rapport, session
    from rapport.services import database
    from rapport.services import digest as digest_service

    db = database.status(rapport())
    with session() as ctx:
        st = digest_service.status(ctx)
    report = {
        "database": db.database,
        "schema": f"{db.revision} (latest {db.latest})",
        "mail server": st.smtp or "not set (rapport settings smtp --host …)",
        "daily digest": (
            f"on, {st.time} {st.timezone}, to {st.to}"
            if st.enabled
            else "off (rapport settings digest --on)"
        ),
        "last sent": st.last_success_at.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")
        if st.last_success_at
        else "never",
        "next send": st.next_at.strftime("%Y-%m-%d %H:%M %Z") if st.next_at else "—",
        "last error": (
            f"{st.last_error} ({st.last_error_at.astimezone(ctx.tz):%Y-%m-%d %H:%M})"
            if st.last_error and st.last_error_at
            else "none"
        ),
    }
    report.update(doctor_rows())
    emit(
        {"status": st, "report": report},
        as_json,
        lambda: table("Rapport doctor", ["check", "state"], list(report.items())),
    )


@settings_app.command("show")
def settings_show(as_json: bool = JsonOption) -> None:
    """Show the mail server and digest settings (never the password)."""
    from rapport.cli.runtime import session
    from rapport.services import digest as digest_service

    with session() as ctx:
        view = digest_service.settings_view(ctx)
    rows = [(f"digest.{k}", v) for k, v in view["digest"].items()]
    rows += [(f"smtp.{k}", v) for k, v in (view["smtp"] or {}).items()]
    emit(view, as_json, lambda: table(None, ["setting", "value"], rows))


@settings_app.command("smtp")
def settings_smtp(
    host: str = typer.Option(..., "--host", help="Mail server, e.g. smtp.example.com."),
    port: int = typer.Option(None, "--port", help="Default 587 (starttls), 465 (ssl), 25 (none)."),
    security: str = typer.Option("starttls", "--security", help="starttls, ssl or none."),
    user: str = typer.Option(None, "--user", help="Login name."),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the password from standard input (or set RAPPORT_SMTP_PASSWORD).",
    ),
    sender: str = typer.Option(None, "--from", help="The From address (default: your email)."),
    as_json: bool = JsonOption,
) -> None:
    """Set the mail server the digest is sent through."""
    from rapport.cli.runtime import rapport, session
    from rapport.services import digest as digest_service
    from rapport.services import secret_box

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    box = secret_box.of(rapport())
    with session(write=True) as ctx:
        view = digest_service.configure_smtp(
            ctx,
            box,
            host=host,
            port=port,
            security=security,
            user=user,
            password=password,
            sender=sender,
        )
    emit(
        view,
        as_json,
        lambda: say(f"mail server set: {view['smtp']['host']}:{view['smtp']['port']}"),
    )


@settings_app.command("digest")
def settings_digest(
    on: bool = typer.Option(None, "--on/--off", help="Turn the daily digest on or off."),
    time: str = typer.Option(None, "--time", help="Local time to send it, e.g. 07:30."),
    to: str = typer.Option(None, "--to", help="Where to send it (default: your email)."),
    base_url: str = typer.Option(
        None,
        "--base-url",
        help="The web address its links open (default: the address rapport serve serves).",
    ),
    lists: list[str] = typer.Option(
        None,
        "--list",
        help="Follow one of your lists: a section of its own in the digest (repeat for more).",
    ),
    no_lists: bool = typer.Option(False, "--no-lists", help="Follow no list."),
    as_json: bool = JsonOption,
) -> None:
    """Choose when and where the daily digest goes, and which of your lists it follows."""
    from rapport.cli.runtime import session
    from rapport.services import digest as digest_service

    with session(write=True) as ctx:
        view = digest_service.configure_digest(
            ctx,
            enabled=on,
            time=time,
            to=to,
            base_url=base_url,
            lists=[] if no_lists else (lists or None),
        )
    d = view["digest"]
    state = f"on, every day at {d['time']} to {d['to']}" if d["enabled"] else "off"
    followed = ", ".join(x["name"] for x in d["lists"])
    also = f"; following {followed}" if followed else ""
    emit(view, as_json, lambda: say(f"daily digest {state}{also}"))


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)
    app.command("doctor")(doctor)
    app.add_typer(settings_app, name="settings")
