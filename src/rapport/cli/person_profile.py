"""A person's profile on the terminal (`rapport person show`): the details under the
name, then the lists that have lines. Rich is imported when printing, so the CLI
starts with Typer alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

    from rapport.domain.records import Profile


def render(p: Profile, today: dt.date, tz: dt.tzinfo) -> None:
    """Print a person's profile: the name and role, the labelled details, then the
    lists (role history, interactions, promises, favours, dates) that have lines."""
    from rich.markup import escape

    from rapport.cli.output import console

    out = console()
    person = p.person
    heading = person.name + (" (archived)" if person.archived else "")
    role = " at ".join(x for x in (person.title, person.organization) if x)
    out.print(
        f"[bold]{escape(heading)}[/bold]  #{person.id}" + (f"  {escape(role)}" if role else "")
    )
    for label, value in _details(p, today, tz):
        if value:
            out.print(f"  [dim]{label:>13}[/dim]  {escape(str(value))}")
    if person.fields:
        out.print("[bold]Fields[/bold]")
        for name, value in person.fields.items():
            out.print(f"  [dim]{escape(name)}:[/dim] {escape(value)}")
    for section, note, lines in _sections(p, tz):
        if lines:
            out.print(f"[bold]{section}[/bold]" + (f" {escape(note)}" if note else ""))
            for line in lines:
                out.print(f"  {escape(line)}")
    if p.events:
        out.print("[bold]Events[/bold]  " + escape(", ".join(p.events)))
    for ms in p.mentorships:
        role = "mentors you" if ms.their_role == "mentor" else "is your mentee"
        out.print(
            f"[bold]Mentoring[/bold]  {escape(person.name)} {role}"
            + (f"; goals: {escape(ms.goals)}" if ms.goals else "")
        )
    for f in p.feedback:
        out.print(f"[bold]Feedback[/bold] {f.received_on}: {escape(f.content)}")


def _details(p: Profile, today: dt.date, tz: dt.tzinfo) -> list[tuple[str, Any]]:
    """The labelled lines under a person's name (empty ones are not printed)."""
    from rapport.domain.relative_time import relative

    person = p.person
    met = (person.met_at_event, person.met_on, person.how_met)
    return [
        ("types", ", ".join(person.types)),
        ("tags", ", ".join(person.tags)),
        ("email", ", ".join(person.emails)),
        ("phone", ", ".join(person.phones)),
        ("web", ", ".join(person.urls)),
        ("location", person.location),
        ("time zone", person.timezone),
        ("met", ", ".join(str(x) for x in met if x)),
        ("introduced by", person.introduced_by),
        ("interests", person.interests),
        ("remember", person.remember),
        ("notes", person.notes),
        ("channel", person.preferred_channel),
        ("last contact", relative(person.last_contact_at, today, tz)),
        (
            "rhythm",
            f"every {person.effective_cadence_days} days"
            if person.effective_cadence_days
            else "none set",
        ),
        ("not before", person.not_before),
        ("at most every", f"{person.max_contact_days} days" if person.max_contact_days else None),
        ("strained", (person.strained_context or "yes") if person.strained else None),
        ("favours", _favours_line(p)),
    ]


def _favours_line(p: Profile) -> str | None:
    b = p.balance
    if not b.given and not b.received:
        return None
    unthanked = f", {b.unthanked} not yet thanked" if b.unthanked else ""
    return f"given {b.given}, received {b.received}{unthanked}"


def _sections(p: Profile, tz: dt.tzinfo) -> list[tuple[str, str, list[str]]]:
    """The lists after the details: title, a note beside it, plain lines (a list
    without lines is not printed)."""
    return [
        ("Role history", "", _role_lines(p) if len(p.person.roles) > 1 else []),
        (
            "Recent interactions",
            f"({p.interaction_count} in all)",
            _interaction_lines(p, tz),
        ),
        ("Open promises", "", _promise_lines(p)),
        ("Favours", "", _favour_lines(p)),
        ("Dates", "", _date_lines(p)),
    ]


def _role_lines(p: Profile) -> list[str]:
    return [
        f"{r.started_on or '…'} – {r.ended_on or 'now'}  "
        + " at ".join(x for x in (r.title, r.organization) if x)
        for r in p.person.roles
    ]


def _interaction_lines(p: Profile, tz: dt.tzinfo) -> list[str]:
    from rapport.domain.relative_time import day_of

    lines = []
    for i in p.interactions:
        others = [n for n in i.participants if n != p.person.name]
        extra = f" (with {', '.join(others)})" if others else ""
        lines.append(f"{day_of(i.occurred_at, tz)}  {i.kind:<8} {i.summary or ''}{extra}")
    return lines


def _promise_lines(p: Profile) -> list[str]:
    return [
        f"#{c.id} {'I promised' if c.owner == 'me' else 'They promised'}: {c.description}"
        + (f" (due {c.due_on})" if c.due_on else "")
        for c in p.commitments
        if c.status == "open"
    ]


def _favour_lines(p: Profile) -> list[str]:
    lines = []
    for e in p.exchanges[:10]:
        arrow = "gave" if e.direction == "given" else "got"
        thanks = (
            ""
            if e.direction == "given"
            else (" (thanked)" if e.thanked_on else " (not yet thanked)")
        )
        lines.append(f"{e.occurred_on}  {arrow} {e.kind}: {e.note or ''}{thanks}")
    return lines


def _date_lines(p: Profile) -> list[str]:
    return [
        f"{m.month:02d}-{m.day:02d}{'-' + str(m.year) if m.year else ''}  {m.label or m.kind}"
        + (f"  (next {m.next_on})" if m.next_on else "")
        for m in p.milestones
    ]
