"""Today's agenda: its facts gathered once (`agenda_facts`), written out by the domain
(`domain.agenda.build`), and the user's answers to it (done, snooze, dismiss)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace
from typing import NamedTuple

from rapport.domain import agenda as rules
from rapport.domain.agenda import answers
from rapport.domain.agenda.references import read
from rapport.domain.records import Agenda, AgendaEntry, AgendaReason, OverdueItem
from rapport.errors import Ambiguous, Conflict, Contradicts, NotFound
from rapport.services import agenda_facts, agenda_listing, resolve
from rapport.services import keep_in_touch as touch_ranking
from rapport.services.context import Ctx
from rapport.services.interactions import InteractionIn, log
from rapport.storage.schema import AgendaMark, Commitment, Exchange, Role


def build(
    ctx: Ctx,
    day: dt.date | None = None,
    limit: int | None = None,
    people: Collection[int] | None = None,
) -> Agenda:
    """The ranked agenda for `day` (default today): one entry per person with every
    reason to reach out, the suggested action and a priority; only the entries of
    `people` when given (a list's, `services.lists.people_of`), numbered among them."""
    today = day or ctx.today
    if people is None:
        return rules.build(agenda_facts.gather(ctx, today, limit or None), today, limit or None)
    wanted = set(people)
    everything = rules.build(agenda_facts.gather(ctx, today), today, None)
    kept = [e for e in everything.entries if e.person_id in wanted]
    numbered = [replace(e, position=n) for n, e in enumerate(kept, start=1)]
    return Agenda(day=today, entries=numbered[: limit or None], total=len(numbered))


def show(
    ctx: Ctx,
    interface: str,
    day: dt.date | None = None,
    limit: int | None = None,
    people: Collection[int] | None = None,
) -> Agenda:
    """`build`, remembered (today's) as the listing `interface` showed: a number
    typed next (`done 2`) names an entry of this listing, whatever is answered in
    between."""
    agenda = build(ctx, day, limit, people)
    if agenda.day != ctx.today:  # another day's plan: numbers still mean today's listing
        return agenda
    return replace(agenda, listing=agenda_listing.remember(ctx, interface, agenda))


def keep_in_touch(ctx: Ctx, day: dt.date | None = None) -> list[OverdueItem]:
    """People past their cadence on `day` (default today), most overdue first."""
    return [d.item for d in touch_ranking.ranked(ctx, day or ctx.today)]


# --- answering the agenda -------------------------------------------------------------

# how each interface says "every reason of this entry", for its messages
EVERYTHING = {"cli": "--all", "api": '"all": true', "web": "the entry's buttons"}


class Answer(NamedTuple):
    """The entry a reference names, and the reasons answered."""

    entry: AgendaEntry
    reasons: list[AgendaReason]


def find(
    ctx: Ctx,
    ref: str,
    *,
    everything: bool = False,
    interface: str = "cli",
    listing: str | None = None,
) -> Answer:
    """The reasons `ref` names on today's agenda: one reason's reference ('p12') or
    key ('promise:12'); an entry by its number in the listing `interface` showed last
    ('2'); or a person ('#12', a name). An entry or a person with several reasons
    is refused unless `everything` asks for them all. A number is refused when the
    listing was not shown today, when it is not `listing` (a fingerprint) if given,
    or when a reason it showed is no longer on the agenda."""
    typed = read(ref)
    agenda = build(ctx)
    if typed.ref is not None:
        for entry in agenda.entries:
            for reason in entry.reasons:
                if typed.ref in (reason.ref, reason.key):
                    return Answer(entry, [reason])
        raise NotFound(f"{typed.ref!r} is not on today's agenda (answered, or not due)")
    if typed.position is not None:
        entry, reasons = _listed(ctx, agenda, typed.position, interface, listing)
    else:
        person_id = resolve.person_id(ctx, typed.person or "")
        found = [e for e in agenda.entries if e.person_id == person_id]
        if not found:
            raise NotFound(f"{ref!r} is not on the agenda for {agenda.day}")
        entry, reasons = found[0], found[0].reasons
    if len(reasons) > 1 and not everything:
        raise Ambiguous(
            answers.which_one(entry.person, reasons, EVERYTHING.get(interface, "--all")),
            [r.ref for r in reasons],
        )
    return Answer(entry, reasons)


# how each interface lists the agenda, for an error that asks to list it first
HOW_TO_LIST = {
    "cli": "rapport agenda",
    "api": "GET /api/v1/agenda",
    "web": "the Today page",
    "mcp": "the todays_agenda tool",
}


def _listed(
    ctx: Ctx, agenda: Agenda, position: int, interface: str, expected: str | None
) -> tuple[AgendaEntry, list[AgendaReason]]:
    """Entry `position` of the listing `interface` showed last, with the reasons it
    showed, all still on `agenda`; Conflict naming today's references otherwise."""
    shown = agenda_listing.recall(ctx, interface)
    if shown is None or shown.day != agenda.day.isoformat():
        raise Conflict(
            f"no agenda was listed here today, so {position} names nothing: list it "
            f"first ({HOW_TO_LIST.get(interface, 'rapport agenda')}), or use a reason's "
            "reference (p12, t3…)"
        )
    if expected is not None and expected != shown.digest:
        raise Conflict(
            f"the listing {expected} is not the one shown last ({shown.digest}): list the "
            "agenda again, or use a reason's reference"
        )
    if not 1 <= position <= len(shown.entries):
        raise NotFound(
            f"the agenda listed last had {len(shown.entries)} items; there is no {position}"
        )
    was = shown.entries[position - 1]
    now = next((e for e in agenda.entries if e.person_id == was.person_id), None)
    current = {r.key: r for r in now.reasons} if now is not None else {}
    if now is None or any(key not in current for key in was.keys):
        today = (
            "; now: " + ", ".join(f"{r.ref} {r.kind}" for r in now.reasons)
            if now is not None
            else f"; {was.person} is not on the agenda now"
        )
        raise Conflict(
            f"#{position} ({was.person}) has changed since the agenda was listed{today}: "
            "use a reference, or list the agenda again"
        )
    return now, [current[key] for key in was.keys]


_CHANNEL_KIND = {
    "email": "email",
    "phone": "call",
    "video": "video",
    "in-person": "meeting",
    "message": "message",
    "social": "message",
}


def _mark(
    ctx: Ctx, reason: AgendaReason, person_id: int, action: str, until: dt.date | None = None
) -> None:
    ctx.session.add(
        AgendaMark(
            workspace_id=ctx.workspace_id,
            item_key=reason.key,
            person_id=person_id,
            action=action,
            until=until,
        )
    )


def _moment(ctx: Ctx) -> dt.datetime:
    """Now, or noon of the context's day when it is pinned to another day."""
    now = ctx.now()
    if now.astimezone(ctx.tz).date() == ctx.today:
        return now
    return dt.datetime.combine(ctx.today, dt.time(12), ctx.tz)


def _refs(reasons: list[AgendaReason]) -> str:
    return ", ".join(r.ref for r in reasons)


def done(
    ctx: Ctx,
    ref: str,
    note: str | None = None,
    kind: str | None = None,
    *,
    everything: bool = False,
    log_contact: bool = True,
    interface: str = "cli",
    listing: str | None = None,
) -> str:
    """Answer the reason `ref` names (with `everything`, every reason of its entry):
    the contact is logged with `note` (unless `log_contact` is off), and only the
    reasons answered act: a promise is kept, a favour thanked, a new role
    acknowledged, a milestone marked for this year. What was done, in a line."""
    entry, reasons = find(ctx, ref, everything=everything, interface=interface, listing=listing)
    from rapport.services.people import get as get_person

    person = get_person(ctx, entry.person_id)
    ctx.journal("done", f"{person.full_name}: done {_refs(reasons)}")
    said: list[str] = []
    summaries = [answers.DONE_SUMMARY.get(r.kind, "Reached out") for r in reasons]
    for n, reason in enumerate(reasons):
        if reason.kind in ("promise", "feedback") and reason.ref_id:
            row = ctx.session.get(Commitment, reason.ref_id)
            if row is not None and row.workspace_id == ctx.workspace_id:
                row.status, row.resolved_at = "kept", ctx.now()
                said.append(f"promise kept: {row.description}")
                summaries[n] += f": {row.description}"
        elif reason.kind == "thanks" and reason.ref_id:
            favour = ctx.session.get(Exchange, reason.ref_id)
            if favour is not None and favour.workspace_id == ctx.workspace_id:
                favour.thanked_on = ctx.today
                said.append("thanks recorded")
        elif reason.kind == "role-change" and reason.ref_id:
            role = ctx.session.get(Role, reason.ref_id)
            if role is not None and role.workspace_id == ctx.workspace_id:
                role.acknowledged_at = ctx.now()
                said.append("new role acknowledged")
        _mark(ctx, reason, person.id, "done")
    if log_contact and any(r.kind not in answers.NOT_A_CONTACT for r in reasons):
        contacts = [
            s
            for s, r in zip(summaries, reasons, strict=True)
            if r.kind not in answers.NOT_A_CONTACT
        ]
        summary = note or "; ".join(dict.fromkeys(contacts))
        logged = log(
            ctx,
            InteractionIn(
                kind=kind or _CHANNEL_KIND.get(person.preferred_channel or "", "message"),
                occurred_at=_moment(ctx),
                participant_ids=[person.id],
                summary=summary[:500],
                direction="me",
                source="agenda",
            ),
        )
        said.append(f"{logged.kind} logged: {logged.summary}")
    ctx.session.flush()
    return f"{person.full_name}: done {_refs(reasons)} ({'; '.join(said) or 'marked done'})"


def snooze(
    ctx: Ctx,
    ref: str,
    until: dt.date,
    *,
    everything: bool = False,
    interface: str = "cli",
    listing: str | None = None,
) -> str:
    """Hide the reason `ref` names (`everything`: its entry's) until `until`; it
    comes back then if still true."""
    if until <= ctx.today:
        raise Contradicts("until", f"{until} is not after today ({ctx.today})")
    entry, reasons = find(ctx, ref, everything=everything, interface=interface, listing=listing)
    ctx.journal("snooze", f"{entry.person}: snoozed {_refs(reasons)} until {until}")
    for reason in reasons:
        _mark(ctx, reason, entry.person_id, "snoozed", until)
    ctx.session.flush()
    return f"{entry.person}: snoozed {_refs(reasons)} until {answers.on_day(until, ctx.today)}"


def dismiss(
    ctx: Ctx,
    ref: str,
    *,
    everything: bool = False,
    interface: str = "cli",
    listing: str | None = None,
) -> str:
    """Drop the reason `ref` names (`everything`: its entry's) for this cycle: each
    returns at its next cycle or check (`answers` has the table), and the answer
    says when."""
    entry, reasons = find(ctx, ref, everything=everything, interface=interface, listing=listing)
    ctx.journal("dismiss", f"{entry.person}: dismissed {_refs(reasons)}")
    said = []
    for reason in reasons:
        _mark(ctx, reason, entry.person_id, "dismissed", reason.dismiss_until)
        said.append(f"{reason.ref} {answers.dismissal(reason, ctx.today)}")
    ctx.session.flush()
    return f"{entry.person}: dismissed {'; '.join(said)}"
