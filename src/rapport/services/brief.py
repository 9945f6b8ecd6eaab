"""The prep brief: what to know before meeting someone."""

from __future__ import annotations

import datetime as dt

from rapport.domain.records import Brief
from rapport.services import favours, health, interactions, milestones, people, promises
from rapport.services.context import Ctx

BRIEF_MILESTONE_DAYS = 60


def brief(ctx: Ctx, person_id: int) -> Brief:
    """Who they are, how you met, the last conversations, promises both ways, the
    favours balance, upcoming dates, what matters to them, and the tie's health."""
    person = people.show(ctx, person_id)
    recent = interactions.timeline(ctx, person_id, limit=3)
    open_promises = promises.listing(ctx, person_id=person_id, status="open")
    upcoming = [
        m
        for m in milestones.for_person(ctx, person_id)
        if m.next_on and (m.next_on - ctx.today).days <= BRIEF_MILESTONE_DAYS
    ]
    met = [x for x in (person.met_at_event, str(person.met_on) if person.met_on else None) if x]
    how = ", ".join(met)
    if person.how_met:
        how = f"{how}: {person.how_met}" if how else person.how_met
    if person.introduced_by:
        how = (
            f"{how} (introduced by {person.introduced_by})"
            if how
            else f"introduced by {person.introduced_by}"
        )
    unthanked = favours.unthanked_for(ctx, person_id)
    points: list[str] = []
    if recent and recent[0].notes:
        points.append(f"Pick up from last time: {recent[0].notes}")
    elif recent and recent[0].summary:
        points.append(f"Pick up from last time: {recent[0].summary}")
    for p in open_promises:
        if p.owner == "me":
            due = f" (due {p.due_on})" if p.due_on else ""
            points.append(f"Your promise: {p.description}{due}")
    for p in open_promises:
        if p.owner == "them":
            points.append(f"They offered: {p.description}")
    for e in unthanked:
        points.append(f"Thank them for the {e.kind}" + (f": {e.note}" if e.note else ""))
    for m in upcoming:
        points.append(f"{(m.label or m.kind).capitalize()} on {m.next_on}")
    if person.interests:
        points.append(f"Ask about {person.interests}")
    if person.remember:
        points.append(f"Remember: {person.remember}")
    recent_role = next(
        (
            r
            for r in person.roles
            if r.detected_on and (ctx.today - r.detected_on) < dt.timedelta(days=120)
        ),
        None,
    )
    if recent_role:
        role = " at ".join(x for x in (recent_role.title, recent_role.organization) if x)
        points.append(f"New role since {recent_role.detected_on}: {role}")
    if person.strained:
        points.append(
            "Tread carefully: the relationship is marked strained"
            + (f" ({person.strained_context})" if person.strained_context else "")
        )
    return Brief(
        person=person,
        how_we_met=how or "not recorded",
        recent=recent,
        my_promises=[p for p in open_promises if p.owner == "me"],
        their_promises=[p for p in open_promises if p.owner == "them"],
        balance=favours.balance(ctx, person_id),
        unthanked=unthanked,
        upcoming_milestones=upcoming,
        health=health.person_health(ctx, person_id),
        talking_points=points,
    )
