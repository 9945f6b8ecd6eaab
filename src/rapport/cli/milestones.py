"""`rapport milestone` and `rapport milestones`: birthdays, anniversaries and other
dates worth marking."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    from rapport.services.context import Ctx


def milestone(
    person: str = typer.Argument(..., help="Whose date."),
    kind: str = typer.Argument(..., help="birthday, work-anniversary, promotion, new-job, custom."),
    date: str = typer.Argument(
        ...,
        help="1985-06-12, 'June 12', '12 June 1985', or 12/06/1985 and 12/06 (no year) "
        "read in your date order (rapport settings dates).",
    ),
    label: str = typer.Option(None, "--label", help="What it is (required for custom)."),
    once: bool = typer.Option(False, "--once", help="A one-off date, not yearly."),
    lead: int = typer.Option(None, "--lead", help="Remind this many days before."),
    replace: bool = typer.Option(
        False, "--replace", help="A birthday for someone who has one: change theirs."
    ),
    another: bool = typer.Option(
        False, "--another", help="A birthday for someone who has one: record a second one."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Record a date worth marking. A person has one birthday: a second one needs
    --replace or --another."""
    from rapport.cli.runtime import session
    from rapport.domain.date_order import in_words
    from rapport.errors import Invalid
    from rapport.services import date_order, milestones, resolve

    if replace and another:
        raise Invalid("birthday", "give --replace or --another, not both")
    with session(write=True) as ctx:
        (month, day, year), _ = date_order.month_day(ctx, date)
        try:
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
                if_exists="replace" if replace else "another" if another else "refuse",
            )
        except milestones.BirthdayTaken as exc:
            raise exc.hinted(BIRTHDAY_HINT) from None
    emit(
        row,
        as_json,
        lambda: say(
            f"{row.person}: {row.label or row.kind} on {in_words(row.month, row.day, row.year)}"
            + (f", next {row.next_on}" if row.next_on else "")
            + f" (#{row.id})"
        ),
    )


BIRTHDAY_HINT = "Use --replace to change it, or --another to record a second one."


def record_birthday(
    ctx: Ctx, person_id: int, text: str, *, replace: bool = False, another: bool = False
) -> None:
    """`person add|edit --birthday`: the birthday typed (in the workspace's date
    order, said back in words if another order reads it otherwise), by the one rule
    `milestones.add` keeps: someone's second birthday needs --replace or --another."""
    from rapport.cli.dates import echo
    from rapport.errors import Invalid
    from rapport.services import date_order, milestones

    if replace and another:
        raise Invalid("birthday", "give --replace or --another, not both")
    (month, day, year), typed = date_order.month_day(ctx, text, field="birthday")
    echo(typed)
    try:
        milestones.add(
            ctx,
            person_id,
            "birthday",
            month,
            day,
            year=year,
            if_exists="replace" if replace else "another" if another else "refuse",
        )
    except milestones.BirthdayTaken as exc:
        raise exc.hinted(BIRTHDAY_HINT) from None


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
