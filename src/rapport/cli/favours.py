"""`rapport gave`, `got`, `thank` and `ledger`: help given and received, and the
balance."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table


def _exchange(
    person: str,
    direction: str,
    kind: str,
    note: str | None,
    on: str | None,
    thanked: bool,
    as_json: bool,
) -> None:
    from rapport.cli import dates
    from rapport.cli.runtime import session
    from rapport.services import favours, resolve

    with session(write=True) as ctx:
        day = dates.day(ctx, on, field="on") if on else ctx.today
        row = favours.record(
            ctx,
            resolve.person_id(ctx, person),
            direction,
            kind,
            occurred_on=day,
            note=note,
            thanked_on=day if thanked else None,
        )
    verb = "gave" if direction == "given" else "received"
    emit(
        row,
        as_json,
        lambda: say(
            f"{verb} {row.kind}: {row.person}"
            + (f" ({row.note})" if row.note else "")
            + f" (#{row.id})"
        ),
    )


KIND_HELP = "introduction, referral, advice, resource, favour, endorsement."


def gave(
    person: str = typer.Argument(..., help="To whom."),
    kind: str = typer.Argument(..., help=KIND_HELP),
    note: str = typer.Argument(None, help="What it was."),
    on: str = typer.Option(None, "--on", help="When (default today)."),
    as_json: bool = JsonOption,
) -> None:
    """Record help you gave."""
    _exchange(person, "given", kind, note, on, False, as_json)


def got(
    person: str = typer.Argument(..., help="From whom."),
    kind: str = typer.Argument(..., help=KIND_HELP),
    note: str = typer.Argument(None, help="What it was."),
    on: str = typer.Option(None, "--on", help="When (default today)."),
    thanked: bool = typer.Option(False, "--thanked", help="Already thanked."),
    as_json: bool = JsonOption,
) -> None:
    """Record help you received (the agenda reminds you to say thank you)."""
    _exchange(person, "received", kind, note, on, thanked, as_json)


def thank(
    favour_id: int = typer.Argument(..., help="The favour's #id (see rapport ledger)."),
    as_json: bool = JsonOption,
) -> None:
    """Mark help you received as thanked."""
    from rapport.cli.runtime import session
    from rapport.services import favours

    with session(write=True) as ctx:
        row = favours.thank(ctx, favour_id)
    emit(row, as_json, lambda: say(f"thanked {row.person} for {row.kind} #{row.id}"))


def ledger(
    person: str = typer.Argument(None, help="One person (default: everyone)."),
    as_json: bool = JsonOption,
) -> None:
    """Favours given and received, and the balance."""
    from rapport.cli.runtime import session
    from rapport.services import favours, resolve

    with session() as ctx:
        pid = resolve.person_id(ctx, person) if person else None
        rows = favours.listing(ctx, person_id=pid)
        balance = favours.balance(ctx, pid)

    def render() -> None:
        if not rows:
            say("No favours recorded yet. rapport gave NAME advice 'reviewed their deck'")
            return
        table(
            None,
            ["#", "date", "", "kind", "person", "note", "thanked"],
            [
                [
                    e.id,
                    e.occurred_on,
                    "gave" if e.direction == "given" else "got",
                    e.kind,
                    e.person,
                    e.note,
                    "" if e.direction == "given" else (e.thanked_on or "not yet"),
                ]
                for e in rows
            ],
        )
        say(
            f"given {balance.given}, received {balance.received}, "
            f"not yet thanked {balance.unthanked}"
        )

    emit(
        {
            "balance": {
                "given": balance.given,
                "received": balance.received,
                "unthanked": balance.unthanked,
            },
            "favours": rows,
        },
        as_json,
        render,
    )


def register(app: typer.Typer) -> None:
    app.command("gave")(gave)
    app.command("got")(got)
    app.command("thank")(thank)
    app.command("ledger")(ledger)
