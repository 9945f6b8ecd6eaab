"""`rapport event add|met|list|show`: networking events and the people met there."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table

event_app = typer.Typer(
    help="Networking events and the people you met there.", no_args_is_help=True
)


@event_app.command("add")
def add(
    name: str = typer.Argument(..., help="The event's name."),
    on: str = typer.Option("today", "--on", help="When it starts."),
    ends: str = typer.Option(None, "--ends", help="When it ends (several days)."),
    place: str = typer.Option(None, "--place", help="Where."),
    notes: str = typer.Option(None, "--notes"),
    as_json: bool = JsonOption,
) -> None:
    """Add an event."""
    from rapport.cli import dates
    from rapport.cli.runtime import session
    from rapport.services import events

    with session(write=True) as ctx:
        row = events.create(
            ctx,
            name,
            dates.day(ctx, on, field="on"),
            ends_on=dates.day(ctx, ends, field="ends") if ends else None,
            place=place,
            notes=notes,
        )
    emit(row, as_json, lambda: say(f"added event {row.name} on {row.starts_on} (#{row.id})"))


@event_app.command("met")
def met(
    event: str = typer.Argument(..., help="The event (name, prefix or #id)."),
    person: str = typer.Argument(..., help="Who you met; a new name is added as a new person."),
    note: str = typer.Option(None, "--note", help="One line to remember them by."),
    org: str = typer.Option(None, "--org", help="Their organization (for a new person)."),
    email: str = typer.Option(None, "--email", help="Their email (for a new person)."),
    as_json: bool = JsonOption,
) -> None:
    """Quick capture: record someone you met at an event."""
    from rapport.cli.runtime import session
    from rapport.services import events, people, resolve

    created = False
    with session(write=True) as ctx:
        event_id = resolve.event_id(ctx, event)
        pid = resolve.find_person_id(ctx, person)
        if pid is None:
            fields: dict[str, object] = {"full_name": person}
            if org:
                fields["organization"] = org
            if email:
                fields["emails"] = [email]
            pid = people.add(ctx, fields).id
            created = True
        row = events.met(ctx, event_id, pid, note)
    name = next(a.person for a in row.attendees if a.person_id == pid)
    emit(row, as_json, lambda: say(f"met {name}{' (new person)' if created else ''} at {row.name}"))


@event_app.command("list")
def list_(as_json: bool = JsonOption) -> None:
    """Events, latest first, with follow-up progress."""
    from rapport.cli.runtime import session
    from rapport.services import events

    with session() as ctx:
        rows = events.listing(ctx)

    def render() -> None:
        if not rows:
            say('No events yet. rapport event add "WebSummit" --on 2026-11-10 --place Lisbon')
            return
        table(
            None,
            ["#", "date", "event", "place", "people met", "followed up"],
            [
                [
                    e.id,
                    e.dates,
                    e.name,
                    e.place,
                    len(e.attendees),
                    f"{e.followed_up}/{len(e.attendees)}",
                ]
                for e in rows
            ],
        )

    emit(rows, as_json, render)


@event_app.command("show")
def show(event: str = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """An event and everyone met there, followed up or not."""
    from rapport.cli.runtime import session
    from rapport.services import events, resolve

    with session() as ctx:
        row = events.show(ctx, resolve.event_id(ctx, event))

    def render() -> None:
        say(f"{row.name} — {row.dates}" + (f", {row.place}" if row.place else ""))
        say(f"{row.follow_up_window} (change it: rapport settings agenda --follow-up-days N)")
        table(
            None,
            ["person", "note", "followed up"],
            [
                [a.person, a.note, a.followed_up_at.date() if a.followed_up_at else "not yet"]
                for a in row.attendees
            ],
        )

    emit(row, as_json, render)


def register(app: typer.Typer) -> None:
    app.add_typer(event_app, name="event")
