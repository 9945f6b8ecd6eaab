"""`rapport log`: recording an interaction with one or more people."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say


def log(
    people: list[str] = typer.Argument(..., help="Who took part: names, prefixes, emails or #ids."),
    kind: str = typer.Option(
        "meeting",
        "--kind",
        "-k",
        help="meeting, call, video, email, message, event, meal, note "
        "(also: coffee, lunch, zoom…).",
    ),
    summary: str = typer.Option("", "--summary", "-s", help="What it was about, in a line."),
    when: str = typer.Option(
        "today", "--when", "-w", help="When: 2026-03-01, 2026-03-01T14:30, yesterday, last tuesday…"
    ),
    direction: str = typer.Option(
        "mutual", "--direction", "-d", help="Who reached out: me, them, mutual."
    ),
    channel: str = typer.Option(
        None, "--channel", help="in-person, phone, email, video, message, social."
    ),
    notes: str = typer.Option(None, "--notes", "-n", help="What was said, what matters."),
    tone: str = typer.Option(None, "--tone", help="warm, neutral or tense."),
    event: str = typer.Option(None, "--event", help="The event it happened at."),
    project: str = typer.Option(None, "--project", help="A shared project it was about."),
    as_json: bool = JsonOption,
) -> None:
    """Log an interaction with one or more people."""
    from rapport.cli import dates
    from rapport.cli.runtime import session
    from rapport.services import interactions, resolve

    with session(write=True) as ctx:
        ids = [resolve.person_id(ctx, ref) for ref in people]
        event_id = resolve.event_id(ctx, event) if event else None
        logged = interactions.log(
            ctx,
            interactions.InteractionIn(
                kind=kind,
                occurred_at=dates.moment(ctx, when),
                participant_ids=ids,
                summary=summary,
                direction=direction,
                channel=channel,
                notes=notes,
                tone=tone,
                project=project,
                event_id=event_id,
            ),
        )
    day = logged.occurred_at.astimezone().strftime("%Y-%m-%d")
    emit(
        logged,
        as_json,
        lambda: say(
            f"logged {logged.kind} with {', '.join(logged.participants)} on {day} (#{logged.id})"
        ),
    )


def register(app: typer.Typer) -> None:
    app.command("log")(log)
