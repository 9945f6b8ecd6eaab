"""Interactions: logging what happened, with whom, and keeping each person's last
contact and event follow-ups current."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, func, insert, select, update

from rapport.domain.records import InteractionOut
from rapport.domain.text import clean_text
from rapport.domain.vocabulary import (
    Channel,
    Direction,
    InteractionKind,
    Tone,
    parse_choice,
    with_occasion,
)
from rapport.errors import Contradicts, Invalid, NotFound
from rapport.services import ties
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.services.search_documents import interaction_doc, reindex_interaction
from rapport.storage import search
from rapport.storage.schema import (
    Event,
    EventAttendee,
    Interaction,
    InteractionParticipant,
    Person,
)

# The channel an interaction of each kind goes through, when none is given.
DEFAULT_CHANNEL = {
    InteractionKind.MEETING: Channel.IN_PERSON,
    InteractionKind.MEAL: Channel.IN_PERSON,
    InteractionKind.EVENT: Channel.IN_PERSON,
    InteractionKind.CALL: Channel.PHONE,
    InteractionKind.VIDEO: Channel.VIDEO,
    InteractionKind.EMAIL: Channel.EMAIL,
    InteractionKind.MESSAGE: Channel.MESSAGE,
}


@dataclass
class InteractionIn:
    kind: str
    occurred_at: dt.datetime
    participant_ids: list[int]
    summary: str = ""
    direction: str = "mutual"
    channel: str | None = None
    notes: str | None = None
    tone: str | None = None
    project: str | None = None
    event_id: int | None = None
    source: str = "manual"
    external_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def log(ctx: Ctx, data: InteractionIn) -> InteractionOut:
    """Record an interaction. With a (source, external_id) already stored, returns the
    stored one unchanged, so re-importing is harmless."""
    ctx.journal("log", f"Logged a {data.kind}" + (f": {data.summary}" if data.summary else ""))
    if data.external_id:
        existing = ctx.session.scalar(
            select(Interaction).where(
                Interaction.workspace_id == ctx.workspace_id,
                Interaction.source == data.source,
                Interaction.external_id == data.external_id,
            )
        )
        if existing is not None:
            return out(ctx, existing)
    kind = parse_choice(InteractionKind, data.kind, "kind")
    if data.occurred_at.tzinfo is None:
        raise Invalid("when", "needs a time zone")
    if not data.participant_ids:
        raise Invalid("with", "an interaction needs at least one person")
    if data.occurred_at.date() > ctx.today + dt.timedelta(days=1):
        raise Contradicts("when", f"{data.occurred_at.date()} is in the future: log what happened")
    people = [get_person(ctx, pid) for pid in dict.fromkeys(data.participant_ids)]
    if data.event_id is not None:
        event = ctx.session.get(Event, data.event_id)
        if event is None or event.workspace_id != ctx.workspace_id:
            raise NotFound(f"no event with id {data.event_id}")
    channel = (
        parse_choice(Channel, data.channel, "channel").value
        if data.channel
        else DEFAULT_CHANNEL.get(kind)
    )
    interaction = Interaction(
        workspace_id=ctx.workspace_id,
        kind=kind.value,
        occurred_at=data.occurred_at,
        direction=parse_choice(Direction, data.direction, "direction").value,
        channel=channel.value if isinstance(channel, Channel) else channel,
        summary=with_occasion(clean_text(data.summary, "summary", 500) or "", data.kind)[:500],
        notes=clean_text(data.notes, "notes"),
        tone=parse_choice(Tone, data.tone, "tone").value if data.tone else None,
        project=clean_text(data.project, "project", 200),
        event_id=data.event_id,
        source=data.source,
        external_id=data.external_id,
    )
    ctx.session.add(interaction)
    ctx.session.flush()
    for person in people:
        ctx.session.add(
            InteractionParticipant(
                interaction_id=interaction.id,
                person_id=person.id,
                workspace_id=ctx.workspace_id,
                occurred_at=data.occurred_at,
                direction=interaction.direction,
                tone=interaction.tone,
            )
        )
        if person.last_contact_at is None or person.last_contact_at < data.occurred_at:
            person.last_contact_at = data.occurred_at
    _mark_followed_up(ctx, interaction, [p.id for p in people])
    ties.conversations_added(ctx, [([p.id for p in people], data.occurred_at)])
    reindex_interaction(ctx.session, interaction)
    ctx.session.flush()
    return out(ctx, interaction)


def log_many(ctx: Ctx, items: Sequence[InteractionIn]) -> None:
    """Log many new interactions at once (importers), keeping what `log` keeps for
    each: the channel its kind implies, participants, the search document, each
    person's last contact, and event follow-ups (contact after an event the person
    was met at). A thousand rows per statement, interactions included."""
    if not items:
        return
    s, ws = ctx.session, ctx.workspace_id
    s.flush()
    connection = s.connection()
    now = ctx.now()
    docs: list[tuple[str, int, str, str]] = []
    participants: list[dict[str, object]] = []
    moments: dict[int, list[dt.datetime]] = defaultdict(list)
    rows: list[dict[str, object]] = []
    kinds: dict[str, InteractionKind] = {}  # the few words of a whole import, read once
    directions: dict[str, Direction] = {}
    for item in items:
        kind = kinds.get(item.kind) or kinds.setdefault(
            item.kind, parse_choice(InteractionKind, item.kind, "kind")
        )
        direction = directions.get(item.direction) or directions.setdefault(
            item.direction, parse_choice(Direction, item.direction, "direction")
        )
        channel = DEFAULT_CHANNEL.get(kind)
        rows.append({
            "workspace_id": ws,
            "kind": kind.value,
            "occurred_at": item.occurred_at,
            "direction": direction.value,
            "channel": channel.value if channel else None,
            "summary": (item.summary or "").strip()[:500],  # imported subjects are cut
            "notes": (item.notes or "").strip() or None,
            "source": item.source,
            "external_id": item.external_id,
            "created_at": now,
        })  # fmt: skip
    # many rows per statement, their ids in the order given: the journal's capture
    # runs once per statement (three statements each, not per interaction)
    statement = insert(Interaction).returning(Interaction.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), 1000):
        ids += connection.execute(statement, rows[start : start + 1000]).scalars().all()
    for item, row, iid in zip(items, rows, ids, strict=True):
        title, body = interaction_doc(Interaction(**row))
        docs.append(("interaction", iid, title, body))
        for pid in item.participant_ids:
            participants.append(
                {"interaction_id": iid, "person_id": pid, "workspace_id": ws,
                 "occurred_at": item.occurred_at, "direction": row["direction"], "tone": None}
            )  # fmt: skip
            moments[pid].append(item.occurred_at)
    for start in range(0, len(participants), 1000):
        connection.execute(insert(InteractionParticipant), participants[start : start + 1000])
    search.put_many(s, ws, docs)
    ties.conversations_added(ctx, [(i.participant_ids, i.occurred_at) for i in items])
    people = sorted(moments)
    for start in range(0, len(people), 1000):
        chunk = people[start : start + 1000]
        current = dict(
            s.execute(select(Person.id, Person.last_contact_at).where(Person.id.in_(chunk))).all()
        )
        later = []
        for pid in chunk:
            latest, known_last = max(moments[pid]), current.get(pid)
            if known_last is None or known_last < latest:
                later.append({"pid": pid, "at": latest})
        if later:
            connection.execute(
                update(Person)
                .where(Person.id == bindparam("pid"))
                .values(last_contact_at=bindparam("at")),
                later,
            )
        _mark_followed_up_many(ctx, chunk, moments)
    s.expire_all()  # rows changed under the session: read them afresh


def _mark_followed_up_many(
    ctx: Ctx, pids: Sequence[int], moments: dict[int, list[dt.datetime]]
) -> None:
    """Mark people met at an event followed up by their first new contact on or after
    the event's day (the rule of `_mark_followed_up`)."""
    waiting = ctx.session.execute(
        select(EventAttendee.event_id, EventAttendee.person_id, Event.starts_on)
        .join(Event, Event.id == EventAttendee.event_id)
        .where(EventAttendee.person_id.in_(pids), EventAttendee.followed_up_at.is_(None))
    ).all()
    marks = []
    for event_id, pid, starts_on in waiting:
        after = [m for m in moments[pid] if m.astimezone(ctx.tz).date() >= starts_on]
        if after:
            marks.append({"eid": event_id, "pid": pid, "at": min(after)})
    if marks:
        ctx.session.connection().execute(
            update(EventAttendee)
            .where(
                EventAttendee.event_id == bindparam("eid"),
                EventAttendee.person_id == bindparam("pid"),
            )
            .values(followed_up_at=bindparam("at")),
            marks,
        )


def _mark_followed_up(ctx: Ctx, interaction: Interaction, person_ids: Sequence[int]) -> None:
    """Contact after an event (not the event itself) follows up the people met there."""
    local_day = interaction.occurred_at.astimezone(ctx.tz).date()
    event_ids = select(Event.id).where(
        Event.workspace_id == ctx.workspace_id, Event.starts_on <= local_day
    )
    if interaction.event_id is not None:
        event_ids = event_ids.where(Event.id != interaction.event_id)
    ctx.session.execute(
        update(EventAttendee)
        .where(
            EventAttendee.person_id.in_(person_ids),
            EventAttendee.followed_up_at.is_(None),
            EventAttendee.event_id.in_(event_ids),
        )
        .values(followed_up_at=interaction.occurred_at)
    )


def refresh_last_contact(ctx: Ctx, person_ids: Sequence[int]) -> None:
    """Recompute people's last contact from their interactions (after a delete or merge)."""
    if not person_ids:
        return
    latest = dict(
        ctx.session.execute(
            select(InteractionParticipant.person_id, func.max(InteractionParticipant.occurred_at))
            .where(InteractionParticipant.person_id.in_(person_ids))
            .group_by(InteractionParticipant.person_id)
        ).all()
    )
    for pid in person_ids:
        person = ctx.session.get(Person, pid)
        if person is not None:
            value = latest.get(pid)
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            person.last_contact_at = value.replace(tzinfo=dt.UTC) if value else None


def delete_interaction(ctx: Ctx, interaction_id: int) -> None:
    interaction = _get(ctx, interaction_id)
    ctx.journal("delete", f"Deleted the {interaction.kind} of {interaction.occurred_at:%Y-%m-%d}")
    people = list(
        ctx.session.scalars(
            select(InteractionParticipant.person_id).where(
                InteractionParticipant.interaction_id == interaction.id
            )
        )
    )
    search.remove(ctx.session, "interaction", [interaction.id])
    ctx.session.execute(
        delete(InteractionParticipant).where(
            InteractionParticipant.interaction_id == interaction.id
        )
    )
    ctx.session.delete(interaction)
    ctx.session.flush()
    refresh_last_contact(ctx, people)
    ties.refresh(ctx, [people])


def _get(ctx: Ctx, interaction_id: int) -> Interaction:
    interaction = ctx.session.get(Interaction, interaction_id)
    if interaction is None or interaction.workspace_id != ctx.workspace_id:
        raise NotFound(f"no interaction with id {interaction_id}")
    return interaction


def out(ctx: Ctx, interaction: Interaction) -> InteractionOut:
    return outs(ctx, [interaction])[0]


def outs(ctx: Ctx, interactions: Sequence[Interaction]) -> list[InteractionOut]:
    """Plain views of `interactions`, with participants fetched in one query."""
    ids = [i.id for i in interactions]
    names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if ids:
        for iid, pid, name in ctx.session.execute(
            select(InteractionParticipant.interaction_id, Person.id, Person.full_name)
            .join(Person, Person.id == InteractionParticipant.person_id)
            .where(InteractionParticipant.interaction_id.in_(ids))
            .order_by(Person.name_key)
        ):
            names[iid].append((pid, name))
    event_ids = {i.event_id for i in interactions if i.event_id}
    events = (
        dict(ctx.session.execute(select(Event.id, Event.name).where(Event.id.in_(event_ids))).all())
        if event_ids
        else {}
    )
    return [
        InteractionOut(
            id=i.id,
            kind=i.kind,
            occurred_at=i.occurred_at,
            direction=i.direction,
            channel=i.channel,
            summary=i.summary,
            notes=i.notes,
            tone=i.tone,
            project=i.project,
            event=events.get(i.event_id) if i.event_id else None,
            source=i.source,
            participants=[n for _, n in names[i.id]],
            participant_ids=[p for p, _ in names[i.id]],
        )
        for i in interactions
    ]


def timeline(ctx: Ctx, person_id: int, *, limit: int = 50) -> list[InteractionOut]:
    """A person's most recent interactions, newest first (one index range scan)."""
    get_person(ctx, person_id)
    ids = list(
        ctx.session.scalars(
            select(InteractionParticipant.interaction_id)
            .where(InteractionParticipant.person_id == person_id)
            .order_by(InteractionParticipant.occurred_at.desc())
            .limit(limit)
        )
    )
    if not ids:
        return []
    rows = {
        i.id: i for i in ctx.session.scalars(select(Interaction).where(Interaction.id.in_(ids)))
    }
    return outs(ctx, [rows[i] for i in ids if i in rows])


def count_for(ctx: Ctx, person_id: int) -> int:
    return (
        ctx.session.scalar(
            select(func.count()).where(InteractionParticipant.person_id == person_id)
        )
        or 0
    )


def recent(ctx: Ctx, *, limit: int = 20) -> list[InteractionOut]:
    rows = list(
        ctx.session.scalars(
            select(Interaction)
            .where(Interaction.workspace_id == ctx.workspace_id)
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            .limit(limit)
        )
    )
    return outs(ctx, rows)
