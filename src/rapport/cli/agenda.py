"""`rapport agenda` and `rapport search`."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table


def agenda(
    date: str = typer.Option(None, "--date", help="The day to plan (default today)."),
    limit: int = typer.Option(20, "--limit", help="At most this many people."),
    as_json: bool = JsonOption,
) -> None:
    """Whom to reach out to today, and why: people past their keep-in-touch rhythm."""
    from rapport.cli.runtime import session
    from rapport.domain.dates import parse_day
    from rapport.services import agenda as agenda_service

    with session() as ctx:
        day = parse_day(date, ctx.today, prefer="future") if date else ctx.today
        items = agenda_service.keep_in_touch(ctx, day)
    shown = items[:limit]

    def render() -> None:
        if not items:
            say(
                f"Agenda for {day}: nobody is overdue. "
                "Give people a type (--type client) or a --cadence to be reminded."
            )
            return
        table(
            f"Agenda for {day}: {len(items)} people to reach out to"
            + (f" (top {limit})" if len(items) > limit else ""),
            ["#", "person", "organization", "why"],
            [[i.person_id, i.person, i.organization, i.reason] for i in shown],
        )

    emit({"date": day, "total": len(items), "items": shown}, as_json, render)


def search(
    text: str = typer.Argument(..., help="Words to find in names, organizations and notes."),
    limit: int = typer.Option(20, "--limit"),
    as_json: bool = JsonOption,
) -> None:
    """Search people, organizations and conversations."""
    from rapport.cli.runtime import session
    from rapport.services import search as search_service

    with session() as ctx:
        hits = search_service.find(ctx, text, limit=limit)

    def render() -> None:
        if not hits:
            say(f"Nothing matches {text!r}.")
            return
        table(
            None,
            ["kind", "#", "found", "detail"],
            [[h.kind, h.id, h.title, h.detail] for h in hits],
        )

    emit(hits, as_json, render)


def register(app: typer.Typer) -> None:
    app.command("agenda")(agenda)
    app.command("search")(search)
