"""Today's agenda: facts gathered by one aggregated query per source, ranked by the
domain rules, and the user's answers to it (done, snooze, dismiss)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, func, or_, select, tuple_

from rapport.domain import agenda as rules
from rapport.domain.records import Agenda, AgendaEntry, AgendaReason, OverdueItem
from rapport.errors import Invalid, NotFound
from rapport.services import keep_in_touch as touch_ranking
from rapport.services import resolve
from rapport.services.context import Ctx
from rapport.services.interactions import InteractionIn, log
from rapport.storage.schema import (
    AgendaMark,
    Commitment,
    Event,
    EventAttendee,
    Exchange,
    Mentorship,
    Milestone,
    Organization,
    Person,
    Role,
)

CHUNK = 5000


def _chunks(ids: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _local_day(ctx: Ctx, moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    if ctx.tz.key == "UTC":  # stored in UTC already: skip the zone arithmetic
        return moment.date()
    return moment.astimezone(ctx.tz).date()


# --- keep in touch ------------------------------------------------------------------


def keep_in_touch(ctx: Ctx, day: dt.date | None = None) -> list[OverdueItem]:
    """People past their cadence on `day` (default today), most overdue first."""
    return [d.item for d in touch_ranking.ranked(ctx, day or ctx.today)]


# --- the other sources ----------------------------------------------------------------


def _follow_ups(ctx: Ctx, today: dt.date) -> list[rules.FollowUpFacts]:
    start = today - dt.timedelta(days=rules.FOLLOW_UP_WINDOW_DAYS)
    yesterday = today - dt.timedelta(days=1)
    found = [
        rules.FollowUpFacts(pid, starts, eid, name, note)
        for pid, eid, name, starts, note in ctx.rows(
            select(
                EventAttendee.person_id, Event.id, Event.name, Event.starts_on, EventAttendee.note
            )
            .join(Event, Event.id == EventAttendee.event_id)
            .where(
                EventAttendee.workspace_id == ctx.workspace_id,
                EventAttendee.followed_up_at.is_(None),
                Event.starts_on.between(start, yesterday),
            )
        )
    ]
    # people met outside an event (the user gave the day), no contact after that day;
    # people merely added or imported are not "met", or every import would flood this
    for pid, met_on, last in ctx.rows(
        select(Person.id, Person.met_on, Person.last_contact_at).where(
            Person.workspace_id == ctx.workspace_id,
            Person.met_event_id.is_(None),
            Person.archived_at.is_(None),
            Person.met_on.between(start, yesterday),
        )
    ):
        last_day = _local_day(ctx, last)
        if met_on is not None and (last_day is None or last_day <= met_on):
            found.append(rules.FollowUpFacts(pid, met_on, None, None, None))
    return found


def _promises(ctx: Ctx, today: dt.date) -> list[rules.PromiseFacts]:
    soon = today + dt.timedelta(days=rules.PROMISE_LOOKAHEAD_DAYS)
    rows = ctx.rows(
        select(
            Commitment.id,
            Commitment.person_id,
            Commitment.owner,
            Commitment.description,
            Commitment.due_on,
            Commitment.feedback_id,
        ).where(
            Commitment.workspace_id == ctx.workspace_id,
            Commitment.status == "open",
            or_(
                and_(Commitment.owner == "me", Commitment.due_on <= soon),
                and_(Commitment.owner == "me", Commitment.feedback_id.is_not(None)),
                and_(Commitment.owner == "them", Commitment.due_on < today),
            ),
        )
    )
    return [
        rules.PromiseFacts(cid, pid, owner, text, due, feedback is not None)
        for cid, pid, owner, text, due, feedback in rows
    ]


def _thanks(ctx: Ctx, today: dt.date) -> list[rules.ThanksFacts]:
    rows = ctx.rows(
        select(
            Exchange.id, Exchange.person_id, Exchange.kind, Exchange.note, Exchange.occurred_on
        ).where(
            Exchange.workspace_id == ctx.workspace_id,
            Exchange.direction == "received",
            Exchange.thanked_on.is_(None),
            Exchange.occurred_on <= today - dt.timedelta(days=rules.THANKS_GRACE_DAYS),
        )
    )
    return [rules.ThanksFacts(*row) for row in rows]


def _milestone_days(today: dt.date) -> list[tuple[int, int]]:
    days = [today + dt.timedelta(days=n) for n in range(-1, 62)]
    pairs = {(d.month, d.day) for d in days}
    if (2, 28) in pairs or (3, 1) in pairs:
        pairs.add((2, 29))
    return sorted(pairs)


def _milestones(ctx: Ctx, today: dt.date) -> list[rules.MilestoneFacts]:
    pairs = _milestone_days(today)
    found = [
        rules.MilestoneFacts(
            f"milestone:{mid}", mid, pid, kind, label, month, day, year, rec == "once", lead, tz
        )
        for mid, pid, kind, label, month, day, year, rec, lead, tz in ctx.rows(
            select(
                Milestone.id,
                Milestone.person_id,
                Milestone.kind,
                Milestone.label,
                Milestone.month,
                Milestone.day,
                Milestone.year,
                Milestone.recurrence,
                Milestone.lead_days,
                Person.timezone,
            )
            .join(Person, Person.id == Milestone.person_id)
            .where(
                Milestone.workspace_id == ctx.workspace_id,
                tuple_(Milestone.month, Milestone.day).in_(pairs),
            )
        )
    ]
    # work anniversaries from the role history: the current role's start date
    recorded = {(f.person_id) for f in found if f.kind == "work-anniversary"}
    for rid, pid, started, org, tz in ctx.rows(
        select(Role.id, Role.person_id, Role.started_on, Organization.name, Person.timezone)
        .join(Person, Person.id == Role.person_id)
        .outerjoin(Organization, Organization.id == Role.organization_id)
        .where(
            Role.workspace_id == ctx.workspace_id,
            Role.ended_on.is_(None),
            Role.started_on.is_not(None),
            Role.started_on < today - dt.timedelta(days=300),
        )
    ):
        if started is None or pid in recorded or (started.month, started.day) not in pairs:
            continue
        found.append(
            rules.MilestoneFacts(
                f"anniversary:{rid}",
                rid,
                pid,
                "work-anniversary",
                org,
                started.month,
                started.day,
                started.year,
                False,
                3,
                tz,
            )
        )
    return found


def _role_changes(ctx: Ctx, today: dt.date) -> list[rules.RoleChangeFacts]:
    rows = ctx.rows(
        select(Role.id, Role.person_id, Role.title, Organization.name, Role.detected_on)
        .outerjoin(Organization, Organization.id == Role.organization_id)
        .where(
            Role.workspace_id == ctx.workspace_id,
            Role.acknowledged_at.is_(None),
            Role.ended_on.is_(None),
            Role.detected_on >= today - dt.timedelta(days=rules.ROLE_CHANGE_WINDOW_DAYS),
        )
    )
    return [
        rules.RoleChangeFacts(rid, pid, title, org, detected)
        for rid, pid, title, org, detected in rows
        if detected is not None
    ]


def _strained(ctx: Ctx) -> list[rules.StrainedFacts]:
    rows = ctx.rows(
        select(
            Person.id, Person.strained_since, Person.strained_context, Person.last_contact_at
        ).where(Person.workspace_id == ctx.workspace_id, Person.strained.is_(True))
    )
    found = []
    for pid, since, context, last in rows:
        last_day = _local_day(ctx, last)
        # marked strained in the morning, repaired that afternoon: the day counts
        repaired = bool(since and last_day and last_day >= since)
        found.append(rules.StrainedFacts(pid, since, context, repaired))
    return found


def _mentoring(ctx: Ctx) -> list[rules.MentoringFacts]:
    rows = ctx.rows(
        select(
            Mentorship.id,
            Mentorship.person_id,
            Mentorship.their_role,
            Mentorship.session_cadence_days,
            Person.last_contact_at,
            Mentorship.started_on,
            Mentorship.goals,
        )
        .join(Person, Person.id == Mentorship.person_id)
        .where(
            Mentorship.workspace_id == ctx.workspace_id,
            Mentorship.ended_on.is_(None),
            Mentorship.session_cadence_days.is_not(None),
        )
    )
    return [
        rules.MentoringFacts(mid, pid, role, cadence, _local_day(ctx, last), started, goals)
        for mid, pid, role, cadence, last, started, goals in rows
        if cadence
    ]


def _people(
    ctx: Ctx, ids: Sequence[int], known: dict[int, rules.PersonFacts]
) -> dict[int, rules.PersonFacts]:
    """Facts of the people `ids` (active ones only); `known` ones are not fetched again."""
    found = {pid: known[pid] for pid in ids if pid in known}
    missing = [pid for pid in ids if pid not in known]
    for chunk in _chunks(missing):
        for pid, name, org, last, not_before, max_days, channel in ctx.rows(
            select(
                Person.id,
                Person.full_name,
                Organization.name,
                Person.last_contact_at,
                Person.not_before,
                Person.max_contact_days,
                Person.preferred_channel,
            )
            .outerjoin(Organization, Organization.id == Person.organization_id)
            .where(Person.id.in_(chunk), Person.archived_at.is_(None))
        ):
            found[pid] = rules.PersonFacts(
                pid,
                name,
                org,
                _local_day(ctx, last),
                not_before,
                max_days,
                channel,
            )
    return found


def _marks(ctx: Ctx, keys: Sequence[str], *, checkins: bool = False) -> dict[str, rules.Mark]:
    """The latest mark on each of `keys`, and with `checkins` the latest on every
    check-in key (those name the day each check-in fell due, which the agenda works
    out only for the people it shows). Keys are read by key, or, when the workspace
    has fewer marks than there are keys, all of them in one pass instead of
    thousands of parameters."""
    marks: dict[str, rules.Mark] = {}
    mine = AgendaMark.workspace_id == ctx.workspace_id
    columns = (AgendaMark.item_key, AgendaMark.action, AgendaMark.until)
    if checkins:
        for key, action, until in ctx.rows(
            select(*columns)
            .where(mine, AgendaMark.item_key.startswith("touch:", autoescape=True))
            .order_by(AgendaMark.id)
        ):
            marks[key] = rules.Mark(action, until)  # the latest mark wins
    if not keys:
        return marks
    if (ctx.session.scalar(select(func.count()).where(mine)) or 0) < len(keys):
        wanted = set(keys)
        for key, action, until in ctx.rows(select(*columns).where(mine).order_by(AgendaMark.id)):
            if key in wanted:
                marks[key] = rules.Mark(action, until)
        return marks
    for chunk in _chunks(keys):
        for key, action, until in ctx.rows(
            select(*columns).where(mine, AgendaMark.item_key.in_(chunk)).order_by(AgendaMark.id)
        ):
            marks[key] = rules.Mark(action, until)
    return marks


def _zones(names: Iterable[str | None]) -> dict[str, dt.tzinfo]:
    zones: dict[str, dt.tzinfo] = {}
    for name in set(names):
        if name:
            try:
                zones[name] = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return zones


def build(ctx: Ctx, day: dt.date | None = None, limit: int | None = None) -> Agenda:
    """The ranked agenda for `day` (default today): one entry per person with every
    reason to reach out, the suggested action and a priority."""
    today = day or ctx.today
    milestone_facts = _milestones(ctx, today)
    # thousands of people can be due a check-in: ranked as numbers, and only the
    # entries shown get their sentences (`rules.assemble`)
    due = touch_ranking.due(ctx, today)
    reasons: list[tuple[int, AgendaReason]] = [
        *rules.follow_up_reasons(_follow_ups(ctx, today), today),
        *rules.promise_reasons(_promises(ctx, today), today),
        *rules.thanks_reasons(_thanks(ctx, today), today),
        *rules.milestone_reasons(
            milestone_facts, today, ctx.tz, _zones(f.person_timezone for f in milestone_facts)
        ),
        *rules.role_change_reasons(_role_changes(ctx, today), today),
        *rules.strained_reasons(_strained(ctx), today),
        *rules.mentoring_reasons(_mentoring(ctx), today),
    ]
    wanted = {pid for pid, _ in reasons}
    # the people the check-in query already read need no second look-up
    known = {
        t.person_id: rules.PersonFacts(
            t.person_id,
            t.name,
            t.organization,
            t.last_contact_on,
            t.not_before,
            t.max_contact_days,
            t.preferred_channel,
        )
        for t in due
        if t.person_id in wanted
    }
    people = _people(ctx, sorted(wanted), known)
    keys = sorted({r.key for _, r in reasons})
    marks = _marks(ctx, keys, checkins=bool(due))
    entries, total = rules.assemble(reasons, people, marks, today, limit or None, touch=due)
    return Agenda(day=today, entries=entries, total=total)


# --- answering the agenda -------------------------------------------------------------


class Reference(NamedTuple):
    """What a user typed to name an agenda item, read once: exactly one is set."""

    key: str | None = None  # one reason's key ('promise:3')
    position: int | None = None  # a place in the day's list ('3')
    person: str | None = None  # a person: '#12', a name or a prefix of one


def reference(text: str) -> Reference:
    """`text` read as an agenda reference. Numbers are written with the digits 0-9:
    `int()` reads other scripts' digits too ('٣' is 3) and refuses some `isdigit()`
    accepts ('²'), so anything else digit-like is refused here, before either."""
    raw = text.strip()
    if ":" in raw:
        return Reference(key=raw)
    number = raw.removeprefix("#")
    if number.isdigit():
        if not number.isascii():
            raise Invalid("ref", f"{text!r} is not an item number: write it with the digits 0-9")
        return Reference(position=int(number)) if number == raw else Reference(person=raw)
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
        raise Invalid("until", f"{until} is not after today ({ctx.today})")
    entry, reasons = find(ctx, ref)
    for reason in reasons:
        _mark(ctx, reason, entry.person_id, "snoozed", until)
    ctx.session.flush()
    return f"{entry.person}: snoozed until {until}"


def dismiss(ctx: Ctx, ref: str) -> str:
    """Drop `ref`'s reasons for this cycle (a later cycle raises them again)."""
    entry, reasons = find(ctx, ref)
    for reason in reasons:
        _mark(ctx, reason, entry.person_id, "dismissed")
    ctx.session.flush()
    return f"{entry.person}: dismissed"
