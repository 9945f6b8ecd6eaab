"""`rapport feedback`, `mentor` and `intro`: feedback received, mentoring
relationships and introductions."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say

Many = list[str] | None


def feedback(
    person: str = typer.Argument(..., help="Who gave it."),
    content: str = typer.Argument(..., help="What they said."),
    action: Many = typer.Option(
        None,
        "--action",
        "-a",
        help="An action item you take from it (repeatable; becomes a promise).",
    ),
    due: str = typer.Option(None, "--due", help="When the action items are due."),
    on: str = typer.Option(None, "--on", help="When you received it (default today)."),
    as_json: bool = JsonOption,
) -> None:
    """Record feedback you received, with action items."""
    from rapport.cli import dates
    from rapport.cli.runtime import session
    from rapport.services import mentoring, resolve

    with session(write=True) as ctx:
        row = mentoring.record_feedback(
            ctx,
            resolve.person_id(ctx, person),
            content,
            received_on=dates.day(ctx, on, field="on") if on else None,
            actions=action or [],
            due_on=dates.day(ctx, due, prefer="future", field="due") if due else None,
        )
    emit(
        row,
        as_json,
        lambda: say(
            f"feedback from {row.person} noted"
            + (f" with {len(row.actions)} action item(s)" if row.actions else "")
            + f" (#{row.id})"
        ),
    )


def mentor(
    person: str = typer.Argument(..., help="The other person."),
    role: str = typer.Option(
        ..., "--role", help="mentor (they mentor you) or mentee (you mentor them)."
    ),
    goals: str = typer.Option(None, "--goals", help="What the mentoring is for."),
    every: int = typer.Option(None, "--every", help="Meet every N days."),
    as_json: bool = JsonOption,
) -> None:
    """Start a mentoring relationship."""
    from rapport.cli.runtime import session
    from rapport.services import mentoring, resolve

    with session(write=True) as ctx:
        row = mentoring.start_mentorship(
            ctx, resolve.person_id(ctx, person), role, goals=goals, session_cadence_days=every
        )
    text = f"{row.person} mentors you" if row.their_role == "mentor" else f"you mentor {row.person}"
    emit(
        row,
        as_json,
        lambda: say(
            text
            + (
                f", sessions every {row.session_cadence_days} days"
                if row.session_cadence_days
                else ""
            )
        ),
    )


def intro(
    person: str = typer.Argument(..., help="Who was introduced."),
    to: str = typer.Option(None, "--to", help="To whom (default: to you)."),
    by: str = typer.Option(None, "--by", help="Who made it (default: you)."),
    on: str = typer.Option(None, "--on", help="When (default today)."),
    note: str = typer.Option(None, "--note"),
    as_json: bool = JsonOption,
) -> None:
    """Record an introduction: who introduced whom to whom."""
    from rapport.cli import dates
    from rapport.cli.runtime import session
    from rapport.services import mentoring, resolve

    with session(write=True) as ctx:
        row = mentoring.introduce(
            ctx,
            resolve.person_id(ctx, person),
            to_person_id=resolve.person_id(ctx, to) if to else None,
            introducer_id=resolve.person_id(ctx, by) if by else None,
            occurred_on=dates.day(ctx, on, field="on") if on else None,
            note=note,
        )
    emit(row, as_json, lambda: say(f"{row.introducer} introduced {row.person} to {row.to_person}"))


def register(app: typer.Typer) -> None:
    app.command("feedback")(feedback)
    app.command("mentor")(mentor)
    app.command("intro")(intro)
