"""The agenda's facts for one day, gathered once: one aggregated query per source,
then the people those facts name and the user's marks on their items. Nothing here
decides what the agenda says; `domain.agenda.build` does, from what this returns.

A query may fetch a little more than its rule keeps (a milestone within a day of its
lead time, a mentorship not yet due) but never a row per person of the network:
thousands of people due a check-in are ranked by the database
(services/keep_in_touch.py) and read as numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, case, extract, func, or_, select, tuple_

from rapport.domain.agenda import facts as f
from rapport.domain.agenda.rules import AgendaRules, rules_from
from rapport.services import keep_in_touch, upcoming
from rapport.services.context import Ctx
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


def rules(ctx: Ctx) -> AgendaRules:
    """The workspace's agenda settings (defaults where unset)."""
    return rules_from((ctx.settings or {}).get("agenda"))


def gather(ctx: Ctx, today: dt.date, limit: int | None = None) -> f.AgendaFacts:
    """Everything `domain.agenda.build` needs to write the agenda for `today` (its
    first `limit` entries: then only the check-ins those may hold are read, the rest
    counted)."""
    windows = rules(ctx)
    follow_ups = _follow_ups(ctx, today, windows)
    promises = _promises(ctx, today, windows)
    thanks = _thanks(ctx, today, windows)
    milestones = _milestones(ctx, today)
    role_changes = _role_changes(ctx, today, windows)
    strained = _strained(ctx)
    mentoring = _mentoring(ctx)
    prepare = upcoming.to_prepare(ctx, today)
    named = _named(
        follow_ups, promises, thanks, milestones, role_changes, strained, mentoring, prepare
    )
    more_due = 0
    if limit is None:
        due = keep_in_touch.due(ctx, today)
    else:
        due, more_due = keep_in_touch.for_agenda(ctx, today, limit, named | _checked_in(ctx))
    people = _people(ctx, named, due)
    return f.AgendaFacts(
        follow_ups=follow_ups,
        promises=promises,
        thanks=thanks,
        milestones=milestones,
        role_changes=role_changes,
        strained=strained,
        mentoring=mentoring,
        prepare=prepare,
        due=due,
        more_due=more_due,
        people=people,
        marks=marks(ctx, sorted(people), checkins=bool(due)),
        user_tz=ctx.tz,
        zones=_zones(m.person_timezone for m in milestones),
        rules=windows,
    )


class _OfPerson(Protocol):
    @property
    def person_id(self) -> int: ...


def _named(*sources: Iterable[_OfPerson]) -> set[int]:
    return {fact.person_id for source in sources for fact in source}


def _chunks(ids: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _local_day(ctx: Ctx, moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    if ctx.tz.key == "UTC":  # stored in UTC already: skip the zone arithmetic
        return moment.date()
    return moment.astimezone(ctx.tz).date()


# --- the sources ----------------------------------------------------------------------


def _follow_ups(ctx: Ctx, today: dt.date, windows: AgendaRules) -> list[f.FollowUpFacts]:
    start = today - dt.timedelta(days=windows.follow_up_days)
    yesterday = today - dt.timedelta(days=1)
    # an event's follow-ups run from its last day (`AgendaRules.follow_up_until`)
    ends = func.coalesce(Event.ends_on, Event.starts_on)
    found = [
        f.FollowUpFacts(person_id=pid, met_on=last, event_id=eid, event=name, note=note)
        for pid, eid, name, last, note in ctx.rows(
            select(EventAttendee.person_id, Event.id, Event.name, ends, EventAttendee.note)
            .join(Event, Event.id == EventAttendee.event_id)
            .where(
                EventAttendee.workspace_id == ctx.workspace_id,
                EventAttendee.followed_up_at.is_(None),
                Event.starts_on <= yesterday,
                ends.between(start, yesterday),
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
            found.append(
                f.FollowUpFacts(person_id=pid, met_on=met_on, event_id=None, event=None, note=None)
            )
    return found


def _promises(ctx: Ctx, today: dt.date, windows: AgendaRules) -> list[f.PromiseFacts]:
    soon = today + dt.timedelta(days=windows.promise_lookahead_days)
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
        f.PromiseFacts(
            commitment_id=cid,
            person_id=pid,
            owner=owner,
            description=text,
            due_on=due,
            from_feedback=feedback is not None,
        )
        for cid, pid, owner, text, due, feedback in rows
    ]


def _thanks(ctx: Ctx, today: dt.date, windows: AgendaRules) -> list[f.ThanksFacts]:
    rows = ctx.rows(
        select(
            Exchange.id, Exchange.person_id, Exchange.kind, Exchange.note, Exchange.occurred_on
        ).where(
            Exchange.workspace_id == ctx.workspace_id,
            Exchange.direction == "received",
            Exchange.thanked_on.is_(None),
            Exchange.occurred_on <= today - dt.timedelta(days=windows.thanks_after_days),
        )
    )
    return [
        f.ThanksFacts(exchange_id=xid, person_id=pid, kind=kind, note=note, occurred_on=on)
        for xid, pid, kind, note, on in rows
    ]


def _milestone_days(today: dt.date) -> dict[tuple[int, int], int]:
    """Each (month, day) from yesterday to the longest lead time ahead, with how many
    days ahead it falls (the earliest, for Feb 29: Feb 28 in a common year)."""
    ahead: dict[tuple[int, int], int] = {}
    for n in range(-1, f.MILESTONE_LOOKAHEAD_DAYS + 1):
        day = today + dt.timedelta(days=n)
        ahead.setdefault((day.month, day.day), n)
    if (2, 28) in ahead or (3, 1) in ahead:
        ahead.setdefault((2, 29), ahead.get((2, 28), -1))
    return ahead


def _milestones(ctx: Ctx, today: dt.date) -> list[f.MilestoneFacts]:
    ahead = _milestone_days(today)
    # a person's day is at most a day off the user's, so a milestone further ahead
    # than its lead time and a day cannot be due: most of the window is left out
    days_ahead = case(
        {month * 100 + day: n for (month, day), n in ahead.items()},
        value=Milestone.month * 100 + Milestone.day,
    )
    found = [
        f.MilestoneFacts(
            key=f"milestone:{mid}",
            ref_id=mid,
            person_id=pid,
            kind=kind,
            label=label,
            month=month,
            day=day,
            year=year,
            once=recurrence == "once",
            lead_days=lead,
            person_timezone=tz,
        )
        for mid, pid, kind, label, month, day, year, recurrence, lead, tz in ctx.rows(
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
                tuple_(Milestone.month, Milestone.day).in_(sorted(ahead)),
                days_ahead <= Milestone.lead_days + 1,
            )
        )
    ]
    return found + _role_anniversaries(ctx, today, ahead, found)


def _role_anniversaries(
    ctx: Ctx, today: dt.date, ahead: dict[tuple[int, int], int], recorded: list[f.MilestoneFacts]
) -> list[f.MilestoneFacts]:
    """Work anniversaries from the role history (the current role's start date), for
    people without one recorded as a milestone."""
    lead = f.ROLE_ANNIVERSARY_LEAD_DAYS
    near = sorted(pair for pair, n in ahead.items() if n <= lead + 1)
    has_one = {m.person_id for m in recorded if m.kind == "work-anniversary"}
    found = []
    for rid, pid, started, org, tz in ctx.rows(
        select(Role.id, Role.person_id, Role.started_on, Organization.name, Person.timezone)
        .join(Person, Person.id == Role.person_id)
        .outerjoin(Organization, Organization.id == Role.organization_id)
        .where(
            Role.workspace_id == ctx.workspace_id,
            Role.ended_on.is_(None),
            Role.started_on.is_not(None),
            Role.started_on < today - dt.timedelta(days=f.ROLE_ANNIVERSARY_AFTER_DAYS),
            tuple_(extract("month", Role.started_on), extract("day", Role.started_on)).in_(near),
        )
    ):
        if started is None or pid in has_one:
            continue
        found.append(
            f.MilestoneFacts(
                key=f"anniversary:{rid}",
                ref_id=rid,
                person_id=pid,
                kind="work-anniversary",
                label=org,
                month=started.month,
                day=started.day,
                year=started.year,
                once=False,
                lead_days=lead,
                person_timezone=tz,
            )
        )
    return found


def _role_changes(ctx: Ctx, today: dt.date, windows: AgendaRules) -> list[f.RoleChangeFacts]:
    rows = ctx.rows(
        select(Role.id, Role.person_id, Role.title, Organization.name, Role.detected_on)
        .outerjoin(Organization, Organization.id == Role.organization_id)
        .where(
            Role.workspace_id == ctx.workspace_id,
            Role.acknowledged_at.is_(None),
            Role.ended_on.is_(None),
            Role.detected_on >= today - dt.timedelta(days=windows.role_change_days),
        )
    )
    return [
        f.RoleChangeFacts(
            role_id=rid, person_id=pid, title=title, organization=org, detected_on=detected
        )
        for rid, pid, title, org, detected in rows
        if detected is not None
    ]


def _strained(ctx: Ctx) -> list[f.StrainedFacts]:
    rows = ctx.rows(
        select(
            Person.id, Person.strained_since, Person.strained_context, Person.last_contact_at
        ).where(Person.workspace_id == ctx.workspace_id, Person.strained.is_(True))
    )
    return [
        f.StrainedFacts(
            person_id=pid, since=since, context=context, last_contact_on=_local_day(ctx, last)
        )
        for pid, since, context, last in rows
    ]


def _mentoring(ctx: Ctx) -> list[f.MentoringFacts]:
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
        f.MentoringFacts(
            mentorship_id=mid,
            person_id=pid,
            their_role=role,
            cadence_days=cadence,
            last_session_on=_local_day(ctx, last),
            started_on=started,
            goals=goals,
        )
        for mid, pid, role, cadence, last, started, goals in rows
        if cadence
    ]


# --- the people they name, and the user's marks -----------------------------------------


def _people(ctx: Ctx, ids: set[int], due: Sequence[f.TouchDue]) -> dict[int, f.PersonFacts]:
    """Facts of the people `ids` (active ones only); those the check-in query already
    read (`due`) are not fetched again."""
    found = {
        t.person_id: f.PersonFacts(
            person_id=t.person_id,
            name=t.name,
            organization=t.organization,
            last_contact_on=t.last_contact_on,
            not_before=t.not_before,
            max_contact_days=t.max_contact_days,
            preferred_channel=t.preferred_channel,
        )
        for t in due
        if t.person_id in ids
    }
    missing = sorted(ids - found.keys())
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
            found[pid] = f.PersonFacts(
                person_id=pid,
                name=name,
                organization=org,
                last_contact_on=_local_day(ctx, last),
                not_before=not_before,
                max_contact_days=max_days,
                preferred_channel=channel,
            )
    return found


def _checked_in(ctx: Ctx) -> set[int]:
    """The people a check-in mark names (done, snoozed or dismissed, any cycle): by
    its key, as the agenda matches marks to check-ins."""
    keys = ctx.rows(
        select(AgendaMark.item_key).where(
            AgendaMark.workspace_id == ctx.workspace_id,
            AgendaMark.item_key.startswith("touch:", autoescape=True),
        )
    ).scalars()
    return {int(p) for p in (k.split(":", 2)[1] for k in keys) if p.isascii() and p.isdigit()}


def marks(ctx: Ctx, person_ids: Sequence[int], *, checkins: bool = False) -> dict[str, f.Mark]:
    """The latest mark on each item of the people `person_ids`, and with `checkins`
    the latest on every check-in (their keys name the day each fell due, which the
    agenda works out only for the people it shows). A mark is made on the entry's
    person, and moves with them when people are merged."""
    found: dict[str, f.Mark] = {}
    mine = AgendaMark.workspace_id == ctx.workspace_id
    columns = (AgendaMark.item_key, AgendaMark.action, AgendaMark.until)
    if checkins:
        for key, action, until in ctx.rows(
            select(*columns)
            .where(mine, AgendaMark.item_key.startswith("touch:", autoescape=True))
            .order_by(AgendaMark.id)
        ):
            found[key] = f.Mark(action=action, until=until)  # the latest mark wins
    for chunk in _chunks(person_ids):
        for key, action, until in ctx.rows(
            select(*columns).where(mine, AgendaMark.person_id.in_(chunk)).order_by(AgendaMark.id)
        ):
            if not (checkins and key.startswith("touch:")):  # read above, in order
                found[key] = f.Mark(action=action, until=until)
    return found


def _zones(names: Iterable[str | None]) -> dict[str, dt.tzinfo]:
    zones: dict[str, dt.tzinfo] = {}
    for name in set(names):
        if name:
            try:
                zones[name] = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return zones
