"""Networking events and the people met there, with follow-up progress."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import func, or_, select

from rapport.domain.dates import day_range
from rapport.domain.records import AttendeeOut, EventOut
from rapport.domain.text import clean_text
from rapport.errors import Contradicts, Invalid, NotFound
from rapport.services.agenda_facts import rules as agenda_rules
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.storage.schema import (
    Event,
    EventAttendee,
    Interaction,
    InteractionParticipant,
    Person,
)


def create(
    ctx: Ctx,
    name: str,
    starts_on: dt.date,
    *,
    ends_on: dt.date | None = None,
    place: str | None = None,
    notes: str | None = None,
) -> EventOut:
    clean = clean_text(name, "name", 300)
    if not clean:
        raise Invalid("name", "an event needs a name")
    if ends_on is not None and ends_on < starts_on:
        raise Contradicts("ends", f"{ends_on} is before the start ({starts_on})")
    ctx.journal("event", f"Added the event {clean}")
    row = Event(
        workspace_id=ctx.workspace_id,
        name=clean,
        starts_on=starts_on,
        ends_on=ends_on,
        place=clean_text(place, "place", 300),
        notes=clean_text(notes, "notes"),
    )
    ctx.session.add(row)
    ctx.session.flush()
    return outs(ctx, [row])[0]


def get(ctx: Ctx, event_id: int) -> Event:
    row = ctx.session.get(Event, event_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        raise NotFound(f"no event with id {event_id}")
    return row


def met(ctx: Ctx, event_id: int, person_id: int, note: str | None = None) -> EventOut:
    """Record meeting a person at an event; their 'how we met' is filled in if empty."""
    event = get(ctx, event_id)
    person = get_person(ctx, person_id)
    ctx.journal("met", f"Met {person.full_name} at {event.name}")
    row = ctx.session.get(EventAttendee, (event.id, person.id))
    if row is None:
        ctx.session.add(
            EventAttendee(
                event_id=event.id,
                person_id=person.id,
                workspace_id=ctx.workspace_id,
                note=clean_text(note, "note"),
                followed_up_at=_first_contact_since(ctx, event, person.id),
            )
        )
    elif note:
        row.note = clean_text(note, "note")
    if person.met_event_id is None and person.met_on is None:
        person.met_event_id = event.id
        person.met_on = event.starts_on
    ctx.session.flush()
    return outs(ctx, [event])[0]


def _first_contact_since(ctx: Ctx, event: Event, person_id: int) -> dt.datetime | None:
    """The first conversation with the person from the event's first day on (the
    event's own record excepted): logged before they were marked as met there, it is
    still the follow-up, as it would have been had it been logged after
    (`services.interactions`). On a three-day event, a coffee on day three with
    someone met on day one follows them up too."""
    since = dt.datetime.combine(event.starts_on, dt.time(0), ctx.tz).astimezone(dt.UTC)
    found: dt.datetime | None = ctx.session.scalar(
        select(func.min(InteractionParticipant.occurred_at))
        .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
        .where(
            InteractionParticipant.person_id == person_id,
            InteractionParticipant.occurred_at >= since,
            or_(Interaction.event_id.is_(None), Interaction.event_id != event.id),
        )
    )
    return found


class Captured(NamedTuple):
    person_id: int
    person: str
    created: bool  # a new person
    where: str  # "at WebSummit", "today"


def capture(
    ctx: Ctx,
    name: str,
    *,
    event_id: int | None = None,
    organization: str | None = None,
    note: str | None = None,
) -> Captured:
    """Someone just met, in a few words: found by name or added, and met at the event
    `event_id` (its follow-up list) or, without one, today (`met_on`, so the agenda
    asks for a follow-up from tomorrow). `note` is the line to remember them by: the
    event's note, or without an event their `remember` when it is empty."""
    from rapport.services import people, resolve

    if not name.strip():
        raise Invalid("name", "who did you meet?")
    event = get(ctx, event_id) if event_id is not None else None
    pid = resolve.find_person_id(ctx, name)
    created = pid is None
    if pid is None:
        fields: dict[str, object] = {"full_name": name}
        if organization and organization.strip():
            fields["organization"] = organization
        if event is None:
            fields["met_on"] = ctx.today
            if note and note.strip():
                fields["remember"] = note
        pid = people.add(ctx, fields).id
    person = get_person(ctx, pid)
    if event is not None:
        met(ctx, event.id, pid, note=note or None)
        return Captured(pid, person.full_name, created, f"at {event.name}")
    if not created:
        changes: dict[str, object] = {}
        if person.met_on is None:
            changes["met_on"] = ctx.today
        if note and note.strip() and not person.remember:
            changes["remember"] = note
        if changes:
            people.edit(ctx, pid, changes)
    return Captured(pid, person.full_name, created, "today")


def show(ctx: Ctx, event_id: int) -> EventOut:
    return outs(ctx, [get(ctx, event_id)])[0]


def listing(ctx: Ctx, *, limit: int = 50) -> list[EventOut]:
    rows = ctx.session.scalars(
        select(Event)
        .where(Event.workspace_id == ctx.workspace_id)
        .order_by(Event.starts_on.desc(), Event.id.desc())
        .limit(limit)
    )
    return outs(ctx, list(rows))


def for_person(ctx: Ctx, person_id: int) -> list[str]:
    rows = ctx.session.execute(
        select(Event.name, Event.starts_on, Event.ends_on)
        .join(EventAttendee, EventAttendee.event_id == Event.id)
        .where(EventAttendee.person_id == person_id)
        .order_by(Event.starts_on.desc())
    )
    return [f"{name} ({day_range(starts, ends)})" for name, starts, ends in rows]


def names(ctx: Ctx, ids: Sequence[int]) -> dict[int, str]:
    """The names of the events `ids` (of this workspace), by id."""
    if not ids:
        return {}
    rows = ctx.session.execute(
        select(Event.id, Event.name).where(
            Event.workspace_id == ctx.workspace_id, Event.id.in_(sorted(set(ids)))
        )
    )
    return {row[0]: row[1] for row in rows}


def recent(ctx: Ctx, since: dt.date, *, limit: int = 8) -> list[tuple[int, str, dt.date]]:
    """Events that started since `since` (or start later), latest first: (id, name,
    first day), for a form that asks where someone was met."""
    rows = ctx.session.execute(
        select(Event.id, Event.name, Event.starts_on)
        .where(Event.workspace_id == ctx.workspace_id, Event.starts_on >= since)
        .order_by(Event.starts_on.desc(), Event.id.desc())
        .limit(limit)
    )
    return [(event_id, name, starts) for event_id, name, starts in rows]


def outs(ctx: Ctx, rows: Sequence[Event]) -> list[EventOut]:
    windows = agenda_rules(ctx)
    ids = [r.id for r in rows]
    attendees: dict[int, list[AttendeeOut]] = defaultdict(list)
    if ids:
        for a, name in ctx.session.execute(
            select(EventAttendee, Person.full_name)
            .join(Person, Person.id == EventAttendee.person_id)
            .where(EventAttendee.event_id.in_(ids))
            .order_by(Person.name_key)
        ):
            attendees[a.event_id].append(AttendeeOut(a.person_id, name, a.note, a.followed_up_at))
    return [
        EventOut(
            id=r.id,
            name=r.name,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            place=r.place,
            notes=r.notes,
            attendees=attendees[r.id],
            dates=day_range(r.starts_on, r.ends_on),
            follow_up_days=windows.follow_up_days,
            follow_up_until=windows.follow_up_until(r.starts_on, r.ends_on),
        )
        for r in rows
    ]
