"""Milestones: birthdays, work anniversaries, promotions, new jobs, custom dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, tuple_

from rapport.domain.milestones import next_occurrence
from rapport.domain.records import MilestoneOut
from rapport.domain.text import clean_text
from rapport.domain.vocabulary import MilestoneKind, Recurrence, parse_choice
from rapport.errors import Invalid, NotFound
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.services.people import names_of
from rapport.storage.schema import Milestone, Person

DEFAULT_LEAD_DAYS = {
    "birthday": 3,
    "work-anniversary": 3,
    "promotion": 1,
    "new-job": 1,
    "custom": 3,
}


def add(
    ctx: Ctx,
    person_id: int,
    kind: str,
    month: int,
    day: int,
    *,
    year: int | None = None,
    recurrence: str | None = None,
    lead_days: int | None = None,
    label: str | None = None,
) -> MilestoneOut:
    """Record a date to mark. Promotions and new jobs happen once unless told
    otherwise; everything else comes back yearly."""
    person = get_person(ctx, person_id)
    ctx.journal("milestone", f"{person.full_name}: {kind} on {month}/{day}")
    value = parse_choice(MilestoneKind, kind, "kind")
    once_by_default = value in (MilestoneKind.PROMOTION, MilestoneKind.NEW_JOB)
    rec = (
        parse_choice(Recurrence, recurrence, "recurrence")
        if recurrence
        else (Recurrence.ONCE if once_by_default else Recurrence.YEARLY)
    )
    if rec is Recurrence.ONCE and year is None:
        raise Invalid("date", "a one-off milestone needs a year")
    lead = DEFAULT_LEAD_DAYS[value.value] if lead_days is None else lead_days
    if not 0 <= lead <= 60:
        raise Invalid("lead", "must be between 0 and 60 days")
    label = clean_text(label, "label", 300)
    if value is MilestoneKind.CUSTOM and not label:
        raise Invalid("label", "a custom milestone needs a label")
    row = Milestone(
        workspace_id=ctx.workspace_id,
        person_id=person_id,
        kind=value.value,
        label=label,
        month=month,
        day=day,
        year=year,
        recurrence=rec.value,
        lead_days=lead,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return outs(ctx, [row])[0]


def remove(ctx: Ctx, milestone_id: int) -> None:
    row = ctx.session.get(Milestone, milestone_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        raise NotFound(f"no milestone with id {milestone_id}")
    ctx.journal("delete", f"Removed the {(row.label or row.kind).replace('-', ' ')} date")
    ctx.session.delete(row)


def for_person(ctx: Ctx, person_id: int) -> list[MilestoneOut]:
    rows = ctx.session.scalars(
        select(Milestone)
        .where(Milestone.person_id == person_id)
        .order_by(Milestone.month, Milestone.day)
    )
    return outs(ctx, list(rows))


def upcoming(
    ctx: Ctx, *, within_days: int = 30, start: dt.date | None = None
) -> list[MilestoneOut]:
    """Milestones falling in [start, start + within_days], soonest first."""
    if within_days < 0 or within_days > 366:
        raise Invalid("within", "must be between 0 and 366 days")
    first = start or ctx.today
    days = [first + dt.timedelta(days=n) for n in range(within_days + 1)]
    pairs = {(d.month, d.day) for d in days}
    if any(d.month == 2 and d.day == 28 for d in days):
        pairs.add((2, 29))  # Feb 29 birthdays are marked on Feb 28 in common years
    rows = list(
        ctx.session.scalars(
            select(Milestone)
            .join(Person, Person.id == Milestone.person_id)
            .where(
                Milestone.workspace_id == ctx.workspace_id,
                Person.archived_at.is_(None),
                tuple_(Milestone.month, Milestone.day).in_(sorted(pairs)),
            )
        )
    )
    last = days[-1]
    found = [m for m in outs(ctx, rows, today=first) if m.next_on and m.next_on <= last]
    return sorted(found, key=lambda m: (m.next_on or last, m.person))


def outs(
    ctx: Ctx, rows: Sequence[Milestone], *, today: dt.date | None = None
) -> list[MilestoneOut]:
    ids = {r.person_id for r in rows}
    names = names_of(ctx, ids)
    day = today or ctx.today
    return [
        MilestoneOut(
            id=r.id,
            person=names.get(r.person_id, "?"),
            person_id=r.person_id,
            kind=r.kind,
            label=r.label,
            month=r.month,
            day=r.day,
            year=r.year,
            recurrence=r.recurrence,
            lead_days=r.lead_days,
            next_on=next_occurrence(
                r.month, r.day, day, once_year=r.year if r.recurrence == "once" else None
            ),
        )
        for r in rows
    ]
