"""`rapport milestone` and `rapport milestones`: birthdays, anniversaries and other
dates worth marking."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table


def milestone(
    person: str = typer.Argument(..., help="Whose date."),
    kind: str = typer.Argument(..., help="birthday, work-anniversary, promotion, new-job, custom."),
    date: str = typer.Argument(..., help="1985-06-12, 06-12 (no year) or 'June 12'."),
    label: str = typer.Option(None, "--label", help="What it is (required for custom)."),
    once: bool = typer.Option(False, "--once", help="A one-off date, not yearly."),
    lead: int = typer.Option(None, "--lead", help="Remind this many days before."),
    as_json: bool = JsonOption,
) -> None:
    """Record a date worth marking."""
    from rapport.cli.runtime import session
    from rapport.domain.milestones import parse_month_day
    from rapport.services import milestones, resolve

    month, day, year = parse_month_day(date)
    with session(write=True) as ctx:
        row = milestones.add(
            ctx,
            resolve.person_id(ctx, person),
            kind,
            month,
            day,
            year=year,
            recurrence="once" if once else None,
            lead_days=lead,
            label=label,
        )
    emit(
        row,
        as_json,
        lambda: say(
            f"{row.person}: {row.label or row.kind} on {row.month:02d}-{row.day:02d}"
            + (f", next {row.next_on}" if row.next_on else "")
            + f" (#{row.id})"
        ),
    )


def milestones_list(
    within: int = typer.Option(30, "--within", help="Days ahead to look."),
    as_json: bool = JsonOption,
) -> None:
    """Upcoming birthdays, anniversaries and other dates."""
    from rapport.cli.runtime import session
    from rapport.services import milestones

    with session() as ctx:
        rows = milestones.upcoming(ctx, within_days=within)

    def render() -> None:
        if not rows:
            say(f"Nothing in the next {within} days.")
            return
        table(
            None,
            ["date", "person", "what"],
            [[m.next_on, m.person, m.label or m.kind] for m in rows],
        )

    emit(rows, as_json, render)


def register(app: typer.Typer) -> None:
    app.command("milestone")(milestone)
    app.command("milestones")(milestones_list)
