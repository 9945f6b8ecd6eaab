"""`rapport promise` and `rapport promises list|rates|kept|broken|release|reopen`: promises
made and received."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table

promises_app = typer.Typer(
    help="List promises and mark them kept, broken or released.", no_args_is_help=True
)


def promise(
    person: str = typer.Argument(..., help="To or from whom."),
    what: str = typer.Argument(..., help="What was promised."),
    due: str = typer.Option(None, "--due", help="When it is due: friday, in 2 weeks, 2026-03-01."),
    they: bool = typer.Option(
        False, "--they", help="They promised it to me (default: I promised)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Record a promise: mine to them, or theirs to me with --they."""
    from rapport.cli import dates
    from rapport.cli.runtime import session
    from rapport.services import promises, resolve

    with session(write=True) as ctx:
        due_on = dates.day(ctx, due, prefer="future", field="due") if due else None
        row = promises.promise(
            ctx, resolve.person_id(ctx, person), what, owner="them" if they else "me", due_on=due_on
        )
    who = f"{row.person} promised you" if row.owner == "them" else f"you promised {row.person}"
    emit(
        row,
        as_json,
        lambda: say(
            f"noted: {who} to {row.description}"
            + (f" by {row.due_on}" if row.due_on else "")
            + f" (#{row.id})"
        ),
    )


@promises_app.command("list")
def promises_list(
    person: str = typer.Option(None, "--person", help="Only promises with this person."),
    all_: bool = typer.Option(False, "--all", help="Include kept, broken and released ones."),
    as_json: bool = JsonOption,
) -> None:
    """Open promises, soonest due first."""
    from rapport.cli.runtime import session
    from rapport.services import promises, resolve

    with session() as ctx:
        pid = resolve.person_id(ctx, person) if person else None
        rows = promises.listing(ctx, person_id=pid, status=None if all_ else "open")

    def render() -> None:
        if not rows:
            say("No open promises.")
            return
        table(
            None,
            ["#", "who owes", "person", "promise", "due", "status"],
            [
                [
                    c.id,
                    "me" if c.owner == "me" else "them",
                    c.person,
                    c.description,
                    c.due_on,
                    c.status,
                ]
                for c in rows
            ],
        )

    emit(rows, as_json, render)


@promises_app.command("rates")
def promises_rates(
    person: str = typer.Option(None, "--person", help="With this person (default: everyone)."),
    as_json: bool = JsonOption,
) -> None:
    """How many promises you kept, and they kept, in all and month by month (the last 12)."""
    from rapport.cli.runtime import session
    from rapport.services import promise_rates, resolve

    with session() as ctx:
        pid = resolve.person_id(ctx, person) if person else None
        found = promise_rates.rates(ctx, pid)

    def percent(rate: float | None) -> str:
        return "—" if rate is None else f"{round(100 * rate)}%"

    def render() -> None:
        say(f"{found.person or 'Everyone'}: {found.summary}")
        table(
            "Kept, by the month they were resolved",
            ["month", "you", "kept/resolved", "they", "kept/resolved"],
            [
                [
                    m.month,
                    percent(m.mine.rate),
                    f"{m.mine.kept}/{m.mine.kept + m.mine.broken}",
                    percent(m.theirs.rate),
                    f"{m.theirs.kept}/{m.theirs.kept + m.theirs.broken}",
                ]
                for m in found.months
            ],
        )

    emit(found, as_json, render)


def _resolve_promise(promise_id: int, status: str, as_json: bool) -> None:
    from rapport.cli.runtime import session
    from rapport.services import promises

    with session(write=True) as ctx:
        row = promises.resolve(ctx, promise_id, status)
    emit(row, as_json, lambda: say(f"promise #{row.id} ({row.description}) is now {row.status}"))


@promises_app.command("kept")
def promises_kept(promise_id: int = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """Mark a promise kept."""
    _resolve_promise(promise_id, "kept", as_json)


@promises_app.command("broken")
def promises_broken(promise_id: int = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """Mark a promise broken."""
    _resolve_promise(promise_id, "broken", as_json)


@promises_app.command("release")
def promises_release(promise_id: int = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """Release a promise (no longer wanted by either side)."""
    _resolve_promise(promise_id, "released", as_json)


@promises_app.command("reopen")
def promises_reopen(promise_id: int = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """Open a kept, broken or released promise again."""
    _resolve_promise(promise_id, "open", as_json)


def register(app: typer.Typer) -> None:
    app.command("promise")(promise)
    app.add_typer(promises_app, name="promises")
