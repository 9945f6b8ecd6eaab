"""Milestones: birthdays, work anniversaries, promotions, new jobs, custom dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import select, tuple_

from rapport.domain.date_order import in_words
from rapport.domain.milestones import next_occurrence
from rapport.domain.records import MilestoneOut
from rapport.domain.text import clean_text
from rapport.domain.vocabulary import MilestoneKind, Recurrence, parse_choice
from rapport.errors import Conflict, Invalid, NotFound
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


# what to do with a birthday for someone who has one: refuse, move it, or add a second
IfExists = Literal["refuse", "replace", "another"]


class BirthdayTaken(Conflict):
    """A birthday given for someone who has one, neither to replace it nor as another."""

    def __init__(self, person: str, existing: str, hint: str = "") -> None:
        self.person, self.existing = person, existing
        super().__init__(
            f"{person} already has a birthday: {existing}."
            + (f" {hint}" if hint else " Replace it, or record a second one.")
        )

    def hinted(self, hint: str) -> BirthdayTaken:
        """The same refusal, saying how to go on in the caller's words."""
        return BirthdayTaken(self.person, self.existing, hint)


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
    if_exists: IfExists = "refuse",
) -> MilestoneOut:
    """Record a date to mark. Promotions and new jobs happen once unless told
    otherwise; everything else comes back yearly. A person has one birthday: a
    birthday for someone who has one is BirthdayTaken unless `if_exists` says to
    replace it (the first one moves) or to add another; the very day stored already
    is that row."""
    person = get_person(ctx, person_id)
    if kind == MilestoneKind.BIRTHDAY.value:
        stored = _birthday(ctx, person_id)
        if stored is not None and if_exists != "another":
            if (stored.month, stored.day) == (month, day) and year in (None, stored.year):
                return outs(ctx, [stored])[0]
            if if_exists != "replace":
                raise BirthdayTaken(
                    person.full_name, in_words(stored.month, stored.day, stored.year)
                )
            moved = in_words(month, day, year)
            ctx.journal("milestone", f"{person.full_name}: birthday moved to {moved}")
            stored.month, stored.day, stored.year = month, day, year
            if lead_days is not None:
                stored.lead_days = lead_days
            ctx.session.flush()
            return outs(ctx, [stored])[0]
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


def _birthday(ctx: Ctx, person_id: int) -> Milestone | None:
    """The person's (first recorded) birthday."""
    return ctx.session.scalars(
        select(Milestone)
        .where(Milestone.person_id == person_id, Milestone.kind == MilestoneKind.BIRTHDAY.value)
        .order_by(Milestone.id)
        .limit(1)
    ).first()


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


def upcoming_first(ctx: Ctx, within_days: int, limit: int) -> tuple[list[MilestoneOut], int]:
    """The first `limit` of `upcoming(ctx, within_days=within_days)`, and how many it
    holds in all: each one's day worked out from its numbers, and only the few that
    may be shown read whole (a large network has a thousand birthdays a fortnight)."""
    first = ctx.today
    last = first + dt.timedelta(days=within_days)
    days = [first + dt.timedelta(days=n) for n in range(within_days + 1)]
    pairs = {(d.month, d.day) for d in days}
    if any(d.month == 2 and d.day == 28 for d in days):
        pairs.add((2, 29))  # Feb 29 birthdays are marked on Feb 28 in common years
    when: dict[int, dt.date] = {}
    for mid, month, day, year, recurrence in ctx.rows(
        select(Milestone.id, Milestone.month, Milestone.day, Milestone.year, Milestone.recurrence)
        .join(Person, Person.id == Milestone.person_id)
        .where(
            Milestone.workspace_id == ctx.workspace_id,
            Person.archived_at.is_(None),
            tuple_(Milestone.month, Milestone.day).in_(sorted(pairs)),
        )
    ):
        on = next_occurrence(month, day, first, once_year=year if recurrence == "once" else None)
        if on is not None and on <= last:
            when[mid] = on
    if not when:
        return [], 0
    # ties on a day are ordered by name: every one on the last day shown is read
    cut = sorted(when.values())[min(limit, len(when)) - 1]
    wanted = sorted(mid for mid, on in when.items() if on <= cut)
    rows = list(ctx.session.scalars(select(Milestone).where(Milestone.id.in_(wanted))))
    found = sorted(outs(ctx, rows, today=first), key=lambda m: (m.next_on or last, m.person))
    return found[:limit], len(when)


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
