"""`rapport agenda|done|snooze|dismiss|health|brief|draft` and `rapport search`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    import datetime as dt

    from rapport.domain.records import Agenda, Brief, Health, NetworkHealth

ITEM_HELP = (
    "A reason's reference as the agenda prints it (p12, t3, th5…), a number in the "
    "agenda you listed last, or a person's name."
)
ALL_HELP = "Answer every reason of the entry or person, not just one."


def agenda(
    date: str = typer.Option(None, "--date", help="The day to plan (default today)."),
    limit: int = typer.Option(20, "--limit", help="At most this many people."),
    list_: str = typer.Option(None, "--list", help="Only the people on this list of yours."),
    as_json: bool = JsonOption,
) -> None:
    """Whom to reach out to today, and why: check-ins due, follow-ups after events,
    promises, thanks owed, birthdays and anniversaries, new roles, strained ties,
    mentoring sessions and feedback to act on. Each reason has a reference (p12) to
    answer it by; the numbers refer to this listing until you list the agenda again."""
    from rapport.cli import dates
    from rapport.cli.runtime import session
    from rapport.services import agenda as agenda_service
    from rapport.services import lists

    with session(write=True) as ctx:
        day = dates.day(ctx, date, prefer="future") if date else ctx.today
        chosen = lists.get(ctx, list_) if list_ else None
        who = lists.people_of(ctx, chosen.id) if chosen else None
        result = agenda_service.show(ctx, "cli", day, limit=limit, people=who)
    emit(result, as_json, lambda: _render_agenda(result, limit, chosen.name if chosen else None))


def _render_agenda(result: Agenda, limit: int, list_name: str | None = None) -> None:
    from rich.markup import escape

    from rapport.cli.output import console
    from rapport.domain.agenda.answers import on_day

    out = console()
    among = f" among {list_name}" if list_name else ""
    if not result.entries:
        if list_name:
            say(f"Agenda for {result.day}: nothing to do{among}.")
            return
        say(
            f"Agenda for {result.day}: nothing to do. Give people a type (--type client) or a "
            "--cadence to be reminded to stay in touch."
        )
        return
    more = f" (showing {limit})" if result.total > limit else ""
    count = "1 person" if result.total == 1 else f"{result.total} people"
    out.print(f"[bold]Agenda for {result.day}[/bold]: {count}{escape(among)}{more}")
    width = max(len(r.ref) for e in result.entries for r in e.reasons)
    for entry in result.entries:
        org = f" ({entry.organization})" if entry.organization else ""
        out.print(f"\n[bold]{entry.position:>2}. {escape(entry.person)}[/bold]{escape(org)}")
        for reason in entry.reasons:
            lapses = (
                f" [dim](shown until {on_day(reason.shown_until, result.day)})[/dim]"
                if reason.shown_until is not None and reason.kind != "milestone"
                else ""
            )
            out.print(
                f"    [cyan]{reason.ref:<{width}}[/cyan]  [dim]{reason.kind:<13}[/dim] "
                f"{escape(reason.text)}{lapses}"
            )
        out.print(f"    [green]→ {escape(entry.reasons[0].action)}[/green]")
    ref = result.entries[0].reasons[0].ref  # the hint names a reference the user can see
    out.print(
        f"\n[dim]rapport done {ref} answers that one reason (done 1: an entry with one "
        f"reason; --all: every reason of an entry) · rapport draft {ref} · "
        f"rapport snooze {ref} --days 7 · rapport dismiss {ref}[/dim]"
    )


def done(
    item: str = typer.Argument(..., help=ITEM_HELP),
    note: str = typer.Option(None, "--note", "-n", help="What you did or said (logged)."),
    kind: str = typer.Option(
        None,
        "--kind",
        "-k",
        help="How you reached out: email, call, meeting, coffee… (default: their "
        "preferred channel).",
    ),
    everything: bool = typer.Option(False, "--all", help=ALL_HELP),
    log_contact: bool = typer.Option(
        True, "--log/--no-log", help="Log the contact (with --note) as an interaction."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Answer one reason on the agenda: logs the contact with your note, and only
    that reason acts (a promise is kept, thanks recorded, a new role acknowledged).
    With several reasons, name one by its reference, or answer them all with --all."""
    from rapport.cli.runtime import session
    from rapport.services import agenda as agenda_service

    with session(write=True) as ctx:
        message = agenda_service.done(
            ctx, item, note=note, kind=kind, everything=everything, log_contact=log_contact
        )
    emit({"message": message}, as_json, lambda: say(message))


def snooze(
    item: str = typer.Argument(..., help=ITEM_HELP),
    until: str = typer.Option(None, "--until", help="Until this day (e.g. 'next monday')."),
    days: int = typer.Option(7, "--days", help="For this many days (when --until is not given)."),
    everything: bool = typer.Option(False, "--all", help=ALL_HELP),
    as_json: bool = JsonOption,
) -> None:
    """Put an agenda reason off until later."""
    import datetime as dt

    from rapport.cli import dates
    from rapport.cli.runtime import session
    from rapport.services import agenda as agenda_service

    with session(write=True) as ctx:
        day = (
            dates.day(ctx, until, prefer="future", field="until")
            if until
            else ctx.today + dt.timedelta(days=days)
        )
        message = agenda_service.snooze(ctx, item, day, everything=everything)
    emit({"message": message}, as_json, lambda: say(message))


def dismiss(
    item: str = typer.Argument(..., help=ITEM_HELP),
    everything: bool = typer.Option(False, "--all", help=ALL_HELP),
    as_json: bool = JsonOption,
) -> None:
    """Drop an agenda reason for this cycle: it returns at its next cycle or check
    (a check-in after one more rhythm, a promise or thanks a week later, a
    birthday next year), and the answer says when."""
    from rapport.cli.runtime import session
    from rapport.services import agenda as agenda_service

    with session(write=True) as ctx:
        message = agenda_service.dismiss(ctx, item, everything=everything)
    emit({"message": message}, as_json, lambda: say(message))


def draft(item: str = typer.Argument(..., help=ITEM_HELP), as_json: bool = JsonOption) -> None:
    """A suggested message for an agenda item (edit templates in <data dir>/templates)."""
    from rapport.cli.runtime import rapport, session
    from rapport.services import drafts

    with session() as ctx:
        result = drafts.draft(ctx, item, rapport().settings.data_dir / "templates")

    def render() -> None:
        channel = f" (via {result.channel})" if result.channel else ""
        say(f"To: {result.person}{channel}\nSubject: {result.subject}\n\n{result.body}")

    emit(result, as_json, render)


def health(
    person: str = typer.Argument(None, help="One person (default: the whole network)."),
    adjust: str = typer.Option(
        None,
        "--adjust",
        help="Correct their score by these points (-100 to +100) for what Rapport "
        "cannot see; needs --reason.",
    ),
    reason: str = typer.Option(None, "--reason", help="Why, e.g. 'weekly on Signal'."),
    clear: bool = typer.Option(False, "--clear", help="Remove their correction."),
    as_json: bool = JsonOption,
) -> None:
    """Relationship health (0–100) with its explanation, for a person or the network.
    With --adjust and --reason, correct one person's score (undo: `rapport undo`)."""
    from rapport.cli.runtime import session
    from rapport.errors import Invalid
    from rapport.services import health as health_service
    from rapport.services import resolve

    changing = adjust is not None or clear
    if changing and not person:
        raise Invalid("person", "name the person whose health to correct")
    if adjust is not None and clear:
        raise Invalid("adjust", "give --adjust or --clear, not both")
    with session(write=changing) as ctx:
        if person:
            pid = resolve.person_id(ctx, person)
            if adjust is not None:
                one = health_service.adjust(ctx, pid, adjust, reason)
            elif clear:
                one = health_service.clear_adjustment(ctx, pid)
            else:
                one = health_service.person_health(ctx, pid)
            emit(one, as_json, lambda: _render_health(one))
            return
        net = health_service.network(ctx)
    emit(net, as_json, lambda: _render_network(net))


def _render_health(h: Health) -> None:
    say(f"{h.person}: {h.explanation}")
    table(
        None,
        ["component", "score", "weight", "why"],
        [
            [c.name, f"{round(c.score * 100)}", f"{round(c.weight * 100)}%", c.explanation]
            if c.weight
            else [c.name, "—", "—", c.explanation]  # nothing recorded: not counted
            for c in h.components
        ],
    )


def _render_network(n: NetworkHealth) -> None:
    from rapport.domain.health import NO_CONTACT_BAND

    never = n.distribution.get(NO_CONTACT_BAND, 0)
    apart = f" ({never} with no contact yet, not averaged)" if never else ""
    say(f"Network health on {n.day}: {n.people} people, average {n.average}/100{apart}")
    table("Distribution", ["score", "people"], list(n.distribution.items()))
    if n.drifting:
        table(
            "Drifting (fell most in 90 days)",
            ["person", "now", "why"],
            [[h.person, h.value, h.explanation] for h in n.drifting],
        )
    if n.composition_by_type:
        table("By relationship type", ["type", "people"], list(n.composition_by_type.items()))
    say(f"Favours: given {n.given}, received {n.received}")


def brief(
    person: str = typer.Argument(..., help="Who you are about to meet."), as_json: bool = JsonOption
) -> None:
    """A prep brief before meeting someone."""
    from rapport.cli.runtime import session
    from rapport.services import resolve
    from rapport.services.brief import brief as make_brief

    with session() as ctx:
        result = make_brief(ctx, resolve.person_id(ctx, person))
        tz = ctx.tz
    emit(result, as_json, lambda: _render_brief(result, tz))


def _render_brief(b: Brief, tz: dt.tzinfo) -> None:
    from rich.markup import escape

    from rapport.cli.output import console
    from rapport.domain.relative_time import day_of

    out = console()
    p = b.person
    role = " at ".join(x for x in (p.title, p.organization) if x)
    out.print(f"[bold]Brief: {escape(p.name)}[/bold]" + (f" — {escape(role)}" if role else ""))
    rows: list[tuple[str, Any]] = [
        ("how you met", b.how_we_met),
        ("health", b.health.explanation),
        ("favours", f"you gave {b.balance.given}, received {b.balance.received}"),
        ("interests", p.interests),
        ("remember", p.remember),
        ("your notes", p.notes),  # the user's own, for their eyes: a brief is theirs
    ]
    facts = [(f"[dim]{label:>12}[/dim]", _lines(str(v))) for label, v in rows if v]
    out.print(_hanging(facts, indent=2))
    for line in b.meetings:
        out.print(f"[bold]{escape(line)}[/bold]")
    if b.recent:
        out.print("[bold]Last conversations[/bold]")
        talks = [
            (f"{day_of(i.occurred_at, tz)} {escape(i.kind)}:", _lines(i.summary, i.notes))
            for i in b.recent
        ]
        out.print(_hanging(talks, indent=2, gap=1))
    if b.talking_points:
        out.print("[bold]Talking points[/bold]")
        out.print(_hanging([("•", _lines(point)) for point in b.talking_points], indent=2, gap=1))


def _lines(*parts: str | None) -> str:
    """Text for a brief, escaped for rich: blank lines and trailing spaces out (a
    calendar's description, notes in paragraphs), the parts joined by ' — '."""
    from rich.markup import escape

    text = " — ".join(p.strip() for p in parts if p and p.strip())
    return escape("\n".join(line.rstrip() for line in text.splitlines() if line.strip()))


def _hanging(rows: list[tuple[str, str]], indent: int, gap: int = 2) -> Any:
    """Two columns, the second wrapped and continued under itself, never at the
    margin: a long note stays readable beside its label."""
    from rich.padding import Padding
    from rich.table import Table

    grid = Table.grid(padding=(0, gap))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, text in rows:
        grid.add_row(label, text)
    return Padding(grid, (0, 0, 0, indent), expand=False)


def search(
    text: str = typer.Argument(
        ...,
        help="Words to find in any record, and filters: type:client org:acme tag:angel "
        "met:websummit since:2025-01 kind:promise.",
    ),
    kind: list[str] | None = typer.Option(
        None,
        "--kind",
        help="Only this kind: person, organization, interaction, promise, "
        "favour, feedback, event, mentorship, milestone (repeatable).",
    ),
    sort: str = typer.Option("relevance", "--sort", help="relevance or newest."),
    limit: int = typer.Option(20, "--limit"),
    as_json: bool = JsonOption,
) -> None:
    """Search everything: people, organizations, conversations, promises, favours,
    feedback, events, mentorships and milestones."""
    from rapport.cli.runtime import session
    from rapport.services import search as search_service

    with session() as ctx:
        found = search_service.answer(ctx, text, kinds=kind or (), sort=sort, limit=limit)
    hits = found.results

    def render() -> None:
        if not hits:
            say(f"Nothing matches {text!r}.")
        else:
            table(
                None,
                ["kind", "#", "found", "detail"],
                [[h.kind, h.id, h.title, h.detail] for h in hits],
            )
        if found.did_you_mean:
            say(f"Did you mean {found.did_you_mean}?")

    emit(hits, as_json, render)


def reindex(as_json: bool = JsonOption) -> None:
    """Rebuild the search index and the ties warm paths read from every record (after
    an upgrade, done once by itself; this is for when search or a path seems to miss
    something), and bring the meaning index of `rapport who` up to date (with
    rapport[semantic])."""
    from rapport.cli.runtime import rapport, session
    from rapport.domain.who_answer import INSTALL_HINT
    from rapport.services import search as search_service
    from rapport.services import semantic, ties

    with session(write=True) as ctx:
        counts = search_service.reindex(ctx)
        pairs = ties.rebuild(ctx.session, ctx.workspace_id)
    meaning = semantic.available()
    checked = semantic.reindex(rapport()) if meaning else 0
    counts = counts | {"meaning": checked}

    def render() -> None:
        total = sum(n for k, n in counts.items() if k != "meaning")
        say(f"Search index rebuilt: {total} documents.")
        table(None, ["kind", "documents"], [[k, n] for k, n in counts.items() if k != "meaning"])
        together = "pair of people" if pairs == 1 else "pairs of people"
        say(f"Warm paths rebuilt: {pairs:,} {together} who were in the same conversations.")
        if meaning:
            people = "person" if checked == 1 else "people"
            say(f"Meaning index up to date: {checked:,} {people} checked.")
        else:
            say(INSTALL_HINT + ".")

    emit(counts, as_json, render)


def settings_agenda(
    thanks_after: int = typer.Option(
        None, "--thanks-after", help="Days after help is received before thanks owed shows (2)."
    ),
    thanks_fresh: int = typer.Option(
        None, "--thanks-fresh", help="Days thanks owed stays high on the list (14)."
    ),
    follow_up_days: int = typer.Option(
        None, "--follow-up-days", help="Days a meeting is followed up before it lapses (14)."
    ),
    role_change_days: int = typer.Option(
        None, "--role-change-days", help="Days a new role is shown before it lapses (60)."
    ),
    promise_lookahead: int = typer.Option(
        None, "--promise-lookahead", help="Days before its due date a promise shows (2)."
    ),
    recheck_days: int = typer.Option(
        None, "--recheck-days", help="Days a dismissed promise, thanks… stays away (7)."
    ),
    reset: bool = typer.Option(False, "--reset", help="Every agenda setting back to its default."),
    as_json: bool = JsonOption,
) -> None:
    """Show or change the agenda's delays and windows, in days (defaults in brackets)."""
    from rapport.cli.runtime import session
    from rapport.domain.agenda.rules import DEFAULTS, RULES
    from rapport.services import preferences

    given = {
        "thanks_after_days": thanks_after,
        "thanks_fresh_days": thanks_fresh,
        "follow_up_days": follow_up_days,
        "role_change_days": role_change_days,
        "promise_lookahead_days": promise_lookahead,
        "recheck_days": recheck_days,
    }
    changes: dict[str, int | None] = (
        dict.fromkeys(DEFAULTS) if reset else {k: v for k, v in given.items() if v is not None}
    )
    with session(write=bool(changes)) as ctx:
        prefs = preferences.update(ctx, agenda=changes) if changes else preferences.describe(ctx)
    rows = [
        [RULES[name].option, days, prefs.agenda_defaults[name], RULES[name].says]
        for name, days in prefs.agenda.items()
    ]
    view = {"agenda": prefs.agenda, "defaults": prefs.agenda_defaults}
    emit(
        view,
        as_json,
        lambda: table("Agenda timing (days)", ["option", "now", "default", "what"], rows),
    )


def settings_health(
    weight: list[str] = typer.Option(
        None,
        "--weight",
        help="A component's share, NAME=NUMBER (recency, consistency, reciprocity, "
        "reliability, tone); repeat it. Shares are scaled to add up to 100%.",
    ),
    reset: bool = typer.Option(False, "--reset", help="The default weights back."),
    as_json: bool = JsonOption,
) -> None:
    """Show or change how much each part of health weighs in the score."""
    from rapport.cli.runtime import session
    from rapport.domain.health import WEIGHTS
    from rapport.errors import Invalid
    from rapport.services import preferences

    given: dict[str, object] = {}
    for item in weight or []:
        name, sep, number = item.partition("=")
        if not sep:
            raise Invalid("weight", f"{item!r}: write NAME=NUMBER, e.g. recency=0.4")
        given[name.strip()] = number
    with session(write=bool(given) or reset) as ctx:
        changing = bool(given) or reset
        prefs = (
            preferences.update(ctx, health_weights={} if reset else given)
            if changing
            else preferences.describe(ctx)
        )
    shares = prefs.health_weights
    rows = [
        [name, f"{round(100 * w)}%", f"{round(100 * WEIGHTS[name])}%"] for name, w in shares.items()
    ]
    emit(
        {"weights": shares, "defaults": dict(WEIGHTS)},
        as_json,
        lambda: table("Health weights", ["component", "now", "default"], rows),
    )


def register(app: typer.Typer) -> None:
    from rapport.cli.digest import settings_app

    settings_app.command("agenda")(settings_agenda)
    settings_app.command("health")(settings_health)
    app.command("agenda")(agenda)
    app.command("done")(done)
    app.command("snooze")(snooze)
    app.command("dismiss")(dismiss)
    app.command("draft")(draft)
    app.command("health")(health)
    app.command("brief")(brief)
    app.command("search")(search)
    app.command("reindex")(reindex)
