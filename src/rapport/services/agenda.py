"""Today's agenda: its facts gathered once (`agenda_facts`), written out by the domain
(`domain.agenda.build`), and the user's answers to it (done, snooze, dismiss)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from rapport.domain import agenda as rules
from rapport.domain.records import Agenda, AgendaEntry, AgendaReason, OverdueItem
from rapport.domain.text import whole_number
from rapport.errors import Contradicts, NotFound
from rapport.services import agenda_facts, resolve
from rapport.services import keep_in_touch as touch_ranking
from rapport.services.context import Ctx
from rapport.services.interactions import InteractionIn, log
from rapport.storage.schema import AgendaMark, Commitment, Exchange, Role


def build(ctx: Ctx, day: dt.date | None = None, limit: int | None = None) -> Agenda:
    """The ranked agenda for `day` (default today): one entry per person with every
    reason to reach out, the suggested action and a priority."""
    today = day or ctx.today
    return rules.build(agenda_facts.gather(ctx, today), today, limit or None)


def keep_in_touch(ctx: Ctx, day: dt.date | None = None) -> list[OverdueItem]:
    """People past their cadence on `day` (default today), most overdue first."""
    return [d.item for d in touch_ranking.ranked(ctx, day or ctx.today)]


# --- answering the agenda -------------------------------------------------------------


class Reference(NamedTuple):
    """What a user typed to name an agenda item, read once: exactly one is set."""

    key: str | None = None  # one reason's key ('promise:3')
    position: int | None = None  # a place in the day's list ('3')
    person: str | None = None  # a person: '#12', a name or a prefix of one


def reference(text: str) -> Reference:
    """`text` read as an agenda reference; a number is written with the digits 0-9
    (`whole_number`), anything else digit-like is Invalid."""
    raw = text.strip()
    if ":" in raw:
        return Reference(key=raw)
    number = whole_number(raw.removeprefix("#"), "ref")
    if number is not None and not raw.startswith("#"):
        return Reference(position=number)
    return Reference(person=raw)


def find(ctx: Ctx, ref: str, day: dt.date | None = None) -> tuple[AgendaEntry, list[AgendaReason]]:
    """The entry `ref` names, and which of its reasons: a position in the day's list
    ('3'), a person (name, prefix, #id: all their reasons), or one reason's key."""
    wanted = reference(ref)
    agenda = build(ctx, day)
    if wanted.key is not None:
        for entry in agenda.entries:
            for reason in entry.reasons:
                if reason.key == wanted.key:
                    return entry, [reason]
        raise NotFound(f"no agenda item {wanted.key!r} today")
    if wanted.position is not None:
        if not 1 <= wanted.position <= len(agenda.entries):
            raise NotFound(
                f"today's agenda has {len(agenda.entries)} items; there is no {wanted.position}"
            )
        entry = agenda.entries[wanted.position - 1]
        return entry, entry.reasons
    person_id = resolve.person_id(ctx, wanted.person or "")
    for entry in agenda.entries:
        if entry.person_id == person_id:
            return entry, entry.reasons
    raise NotFound(f"{ref!r} is not on the agenda for {agenda.day}")


_CHANNEL_KIND = {
    "email": "email",
    "phone": "call",
    "video": "video",
    "in-person": "meeting",
    "message": "message",
    "social": "message",
}
# what a logged "done" says happened, in the timeline
_DONE_SUMMARY = {
    "keep-in-touch": "Checked in",
    "follow-up": "Followed up after meeting",
    "milestone": "Sent wishes",
    "role-change": "Congratulated them on the new role",
    "strained": "Took a first repair step",
    "mentoring": "Arranged the next mentoring session",
    "thanks": "Said thank you",
    "nudge": "Gently checked in on their promise",
}
CONTACT_KINDS = frozenset(
    {
        "keep-in-touch",
        "follow-up",
        "milestone",
        "role-change",
        "strained",
        "mentoring",
        "thanks",
        "nudge",
    }
)


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


def done(ctx: Ctx, ref: str, note: str | None = None, kind: str | None = None) -> str:
    """Carry out the agenda's suggestion for `ref`: contact is logged as an interaction
    (which resets keep-in-touch, follow-up, mentoring and repair), promises are marked
    kept, favours thanked, new roles acknowledged, milestones marked for this year."""
    entry, reasons = find(ctx, ref)
    ctx.journal("done", f"{entry.person}: done")
    from rapport.services.people import get as get_person

    person = get_person(ctx, entry.person_id)
    contact = [r for r in reasons if r.kind in CONTACT_KINDS]
    said: list[str] = []
    if contact:
        summary = note or "; ".join(dict.fromkeys(_DONE_SUMMARY[r.kind] for r in contact))
        log(
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
        said.append("logged your contact")
    for reason in reasons:
        if reason.kind in ("promise", "feedback") and reason.ref_id:
            row = ctx.session.get(Commitment, reason.ref_id)
            if row is not None:
                row.status, row.resolved_at = "kept", ctx.now()
                said.append(f"promise kept: {row.description}")
        elif reason.kind == "thanks" and reason.ref_id:
            favour = ctx.session.get(Exchange, reason.ref_id)
            if favour is not None:
                favour.thanked_on = ctx.today
                said.append("thanks recorded")
        elif reason.kind == "role-change" and reason.ref_id:
            role = ctx.session.get(Role, reason.ref_id)
            if role is not None:
                role.acknowledged_at = ctx.now()
        _mark(ctx, reason, person.id, "done")
    ctx.session.flush()
    return f"{person.full_name}: done ({', '.join(said) or 'marked done'})"


def snooze(ctx: Ctx, ref: str, until: dt.date) -> str:
    """Hide `ref`'s reasons until `until` (they come back then if still true)."""
    if until <= ctx.today:
        raise Contradicts("until", f"{until} is not after today ({ctx.today})")
    entry, reasons = find(ctx, ref)
    ctx.journal("snooze", f"{entry.person}: snoozed until {until}")
    for reason in reasons:
        _mark(ctx, reason, entry.person_id, "snoozed", until)
    ctx.session.flush()
    return f"{entry.person}: snoozed until {until}"


def dismiss(ctx: Ctx, ref: str) -> str:
    """Drop `ref`'s reasons for this cycle (a later cycle raises them again)."""
    entry, reasons = find(ctx, ref)
    ctx.journal("dismiss", f"{entry.person}: dismissed")
    for reason in reasons:
        _mark(ctx, reason, entry.person_id, "dismissed")
    ctx.session.flush()
    return f"{entry.person}: dismissed"
