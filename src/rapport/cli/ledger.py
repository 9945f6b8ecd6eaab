"""Recording what happens: `rapport log`, promises, favours, dates, feedback, mentoring,
introductions."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table

Many = list[str] | None

promises_app = typer.Typer(
    help="List promises and mark them kept, broken or released.", no_args_is_help=True
)


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
    from rapport.cli.runtime import session
    from rapport.domain.dates import parse_moment
    from rapport.services import interactions, resolve

    with session(write=True) as ctx:
        ids = [resolve.person_id(ctx, ref) for ref in people]
        event_id = resolve.event_id(ctx, event) if event else None
        logged = interactions.log(
            ctx,
            interactions.InteractionIn(
                kind=kind,
                occurred_at=parse_moment(when, ctx.today, ctx.tz),
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
    from rapport.cli.runtime import session
    from rapport.domain.dates import parse_day
    from rapport.services import promises, resolve

    with session(write=True) as ctx:
        due_on = parse_day(due, ctx.today, prefer="future", field="due") if due else None
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


def _exchange(
    person: str,
    direction: str,
    kind: str,
    note: str | None,
    on: str | None,
    thanked: bool,
    as_json: bool,
) -> None:
    from rapport.cli.runtime import session
    from rapport.domain.dates import parse_day
    from rapport.services import favours, resolve

    with session(write=True) as ctx:
        day = parse_day(on, ctx.today, field="on") if on else ctx.today
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
    from rapport.cli.runtime import session
    from rapport.domain.dates import parse_day
    from rapport.services import mentoring, resolve

    with session(write=True) as ctx:
        row = mentoring.record_feedback(
            ctx,
            resolve.person_id(ctx, person),
            content,
            received_on=parse_day(on, ctx.today, field="on") if on else None,
            actions=action or [],
            due_on=parse_day(due, ctx.today, prefer="future", field="due") if due else None,
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
    from rapport.cli.runtime import session
    from rapport.domain.dates import parse_day
    from rapport.services import mentoring, resolve

    with session(write=True) as ctx:
        row = mentoring.introduce(
            ctx,
            resolve.person_id(ctx, person),
            to_person_id=resolve.person_id(ctx, to) if to else None,
            introducer_id=resolve.person_id(ctx, by) if by else None,
            occurred_on=parse_day(on, ctx.today, field="on") if on else None,
            note=note,
        )
    emit(row, as_json, lambda: say(f"{row.introducer} introduced {row.person} to {row.to_person}"))


def register(app: typer.Typer) -> None:
    app.command("log")(log)
    app.command("promise")(promise)
    app.add_typer(promises_app, name="promises")
    app.command("gave")(gave)
    app.command("got")(got)
    app.command("thank")(thank)
    app.command("ledger")(ledger)
    app.command("milestone")(milestone)
    app.command("milestones")(milestones_list)
    app.command("feedback")(feedback)
    app.command("mentor")(mentor)
    app.command("intro")(intro)
