"""Loading a whole network at once (`bench.network.Network`): organizations, people,
events, interactions, milestones, promises and favours, in the caller's transaction,
with executemany (COPY on PostgreSQL) instead of one ORM object per row; how the rows
are written fast is `storage.bulk`.

The load keeps every derived value the services keep (search documents, each
person's `last_contact_at`, event follow-ups, the current role, the conversation
ties of warm paths), so a bulk-loaded
network reads exactly like one typed in by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, select

from bench.network import (
    EventRecord,
    FavourRecord,
    InteractionRecord,
    MilestoneRecord,
    Network,
    OrganizationRecord,
    PersonRecord,
    PromiseRecord,
)
from rapport.domain.names import email_key, fold, looks_like_email
from rapport.domain.vocabulary import (
    Channel,
    CommitmentStatus,
    Direction,
    ExchangeDirection,
    ExchangeKind,
    InteractionKind,
    MilestoneKind,
    Owner,
    Recurrence,
    RelationshipType,
    Tone,
)
from rapport.errors import Invalid
from rapport.services import search_documents, ties, touch_state
from rapport.services.context import Ctx
from rapport.services.cycle_collection import fewer_collections
from rapport.services.interactions import DEFAULT_CHANNEL
from rapport.storage import search
from rapport.storage.bulk import Writer, large_cache, search_index_deferred, table
from rapport.storage.schema import (
    Commitment,
    Event,
    EventAttendee,
    Exchange,
    Interaction,
    InteractionParticipant,
    Milestone,
    Organization,
    Person,
    PersonEmail,
    PersonTag,
    PersonType,
    Role,
    Tag,
)

CHUNK = 20_000  # rows per executemany: big enough to amortise, small enough for memory


@dataclass
class LoadReport:
    """How many rows of each kind the load wrote."""

    counts: dict[str, int] = field(default_factory=dict)
    person_ids: list[int] = field(default_factory=list)  # in Network.people order


R = TypeVar("R")


def _chunks(rows: Iterable[R], size: int = CHUNK) -> Iterator[list[R]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _values(enum: Any) -> frozenset[str]:
    return frozenset(m.value for m in enum)


KINDS = _values(InteractionKind)
DIRECTIONS = _values(Direction)
CHANNELS = _values(Channel)
TONES = _values(Tone)
TYPES = _values(RelationshipType)
KIND_CHANNEL = {kind.value: channel.value for kind, channel in DEFAULT_CHANNEL.items()}


def _check(value: str | None, allowed: frozenset[str], field_name: str) -> None:
    if value is not None and value not in allowed:
        raise Invalid(field_name, f"{value!r} is not one of: {', '.join(sorted(allowed))}")


INTERACTION_COLUMNS = (
    "id, workspace_id, kind, occurred_at, direction, channel, summary, notes, tone, project, "
    "event_id, source, created_at"
)
PARTICIPANT_COLUMNS = "interaction_id, person_id, workspace_id, occurred_at, direction, tone"


class _Loader:
    """One load: the connection, the workspace, and the ids given so far."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.ws = ctx.workspace_id
        self.conn: Connection = ctx.session.connection()
        self.out = Writer(self.conn)
        self.now = ctx.now()
        self._index_cache: dict[tuple[str | None, ...], str] = {}

    def index_text(self, *parts: str | None) -> str:
        """`search.index_text`, remembered: imported and generated text repeats a lot
        (subjects, templates), and folding is the costly part of indexing."""
        found = self._index_cache.get(parts)
        if found is None:
            found = search.index_text(*parts)
            if len(self._index_cache) < 200_000:
                self._index_cache[parts] = found
        return found

    def organizations(self, records: Sequence[OrganizationRecord]) -> list[int]:
        """Ids for `records`, reusing an organization already stored under the same name."""
        orgs = table(Organization)
        existing: dict[str, int] = {
            key: oid
            for oid, key in self.conn.execute(
                select(orgs.c.id, orgs.c.name_key).where(orgs.c.workspace_id == self.ws)
            )
        }
        ids: list[int] = []
        new: list[tuple[str, OrganizationRecord]] = []
        pending: dict[str, int] = {}
        for record in records:
            name = record.name.strip()
            if not name:
                raise Invalid("organization", "an organization needs a name")
            key = fold(name)
            if key in existing:
                ids.append(existing[key])
            elif key in pending:
                ids.append(-1 - pending[key])
            else:
                pending[key] = len(new)
                ids.append(-1 - len(new))
                new.append((key, record._replace(name=name)))
        new_ids = self.out.reserve(orgs, len(new))
        ids = [i if i >= 0 else new_ids[-1 - i] for i in ids]
        rows = [
            {
                "id": oid,
                "workspace_id": self.ws,
                "name": r.name,
                "name_key": key,
                "industry": r.industry,
                "website": r.website,
                "notes": None,
                "created_at": self.now,
            }
            for oid, (key, r) in zip(new_ids, new, strict=True)
        ]
        self.out.insert(orgs, rows)
        search.put_many(
            self.ctx.session,
            self.ws,
            (
                (
                    "organization",
                    oid,
                    self.index_text(r.name),
                    self.index_text(r.industry, r.website, None),
                )
                for oid, (_, r) in zip(new_ids, new, strict=True)
            ),
        )
        self.out.count("search_doc", len(new))
        return ids

    def events(self, records: Sequence[EventRecord]) -> list[int]:
        ids = self.out.reserve(table(Event), len(records))
        rows = []
        for eid, r in zip(ids, records, strict=True):
            if not r.name.strip():
                raise Invalid("name", "an event needs a name")
            if r.ends_on is not None and r.ends_on < r.starts_on:
                raise Invalid("ends", f"{r.ends_on} is before the start ({r.starts_on})")
            rows.append(
                {
                    "id": eid,
                    "workspace_id": self.ws,
                    "name": r.name.strip(),
                    "starts_on": r.starts_on,
                    "ends_on": r.ends_on,
                    "place": r.place,
                    "notes": r.notes,
                    "created_at": self.now,
                }
            )
        self.out.insert(table(Event), rows)
        return ids

    def tags(self, names: Iterable[str]) -> dict[str, int]:
        """Tag ids by folded name, creating the missing tags."""
        tags = table(Tag)
        found: dict[str, int] = {
            key: tid
            for tid, key in self.conn.execute(
                select(tags.c.id, tags.c.name_key).where(tags.c.workspace_id == self.ws)
            )
        }
        new: dict[str, str] = {}
        for name in sorted(names):
            clean = name.strip().lstrip("#")
            if not clean:
                raise Invalid("tag", "a tag cannot be empty")
            key = fold(clean)
            if key not in found:
                new.setdefault(key, clean)
        ids = self.out.reserve(tags, len(new))
        self.out.insert(
            tags,
            [
                {"id": tid, "workspace_id": self.ws, "name": name, "name_key": key}
                for tid, (key, name) in zip(ids, new.items(), strict=True)
            ],
        )
        found.update(zip(new, ids, strict=True))
        return found

    def people(
        self,
        records: Sequence[PersonRecord],
        org_ids: Sequence[int],
        org_names: Sequence[str],
        event_ids: Sequence[int],
        events: Sequence[EventRecord] = (),
    ) -> list[int]:
        ids = self.out.reserve(table(Person), len(records))
        tag_ids = self.tags({t for r in records for t in r.tags})
        # where each person was met, for their search document (as the services write it)
        self._met: dict[int, list[str]] = {}
        for r in events:
            for position in dict.fromkeys(r.attendees):
                self._met.setdefault(position, []).extend(t for t in (r.name.strip(), r.place) if t)
        self._position = {pid: n for n, pid in enumerate(ids)}
        for start in range(0, len(records), CHUNK):
            chunk = list(
                zip(ids[start : start + CHUNK], records[start : start + CHUNK], strict=True)
            )
            self._people_chunk(chunk, org_ids, org_names, event_ids, tag_ids)
        return ids

    def _people_chunk(
        self,
        chunk: list[tuple[int, PersonRecord]],
        org_ids: Sequence[int],
        org_names: Sequence[str],
        event_ids: Sequence[int],
        tag_ids: dict[str, int],
    ) -> None:
        people, roles, types, tags, emails, docs = [], [], [], [], [], []
        for pid, r in chunk:
            name = r.full_name.strip()
            if not name:
                raise Invalid("name", "a person needs a name")
            if r.cadence_days is not None and not 0 < r.cadence_days <= 3650:
                raise Invalid("cadence_days", "must be between 1 and 3650 days")
            org_id = org_ids[r.organization] if r.organization is not None else None
            created = r.created_at or self.now
            people.append(
                {
                    "id": pid,
                    "workspace_id": self.ws,
                    "full_name": name,
                    "given_name": r.given_name,
                    "family_name": r.family_name,
                    "nickname": None,
                    "name_key": fold(name),
                    "organization_id": org_id,
                    "title": r.title,
                    "location": r.location,
                    "timezone": None,
                    "how_met": r.how_met,
                    "met_on": r.met_on,
                    "met_event_id": event_ids[r.met_event] if r.met_event is not None else None,
                    "introduced_by_id": None,
                    "interests": r.interests,
                    "remember": None,
                    "notes": r.notes,
                    "preferred_channel": None,
                    "not_before": None,
                    "max_contact_days": None,
                    "cadence_days": r.cadence_days,
                    "strained": False,
                    "strained_context": None,
                    "strained_since": None,
                    "archived_at": None,
                    "last_contact_at": None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if org_id is not None or r.title is not None:
                roles.append(
                    {
                        "workspace_id": self.ws,
                        "person_id": pid,
                        "organization_id": org_id,
                        "title": r.title,
                        "started_on": None,
                        "ended_on": None,
                        "source": "bulk",
                        "detected_on": None,
                        "acknowledged_at": None,
                        "created_at": created,
                    }
                )
            seen: dict[str, str] = {}
            for raw in r.emails:
                address = raw.strip()
                if not looks_like_email(address):
                    raise Invalid("email", f"{address!r} is not an email address")
                seen.setdefault(email_key(address), address)
            for position, (key, address) in enumerate(seen.items()):
                emails.append(
                    {
                        "workspace_id": self.ws,
                        "person_id": pid,
                        "address": address,
                        "address_key": key,
                        "label": None,
                        "is_primary": position == 0,
                    }
                )
            person_types = sorted(set(r.types))
            for type_ in person_types:
                _check(type_, TYPES, "type")
                types.append({"person_id": pid, "type": type_, "workspace_id": self.ws})
            tag_names = []
            for tag in dict.fromkeys(fold(t.strip().lstrip("#")) for t in r.tags):
                tags.append({"person_id": pid, "tag_id": tag_ids[tag], "workspace_id": self.ws})
                tag_names.append(tag)
            # the same words, in the same order, as services.search_documents.reindex_people
            org = org_names[r.organization] if r.organization is not None else None
            docs.append(
                (
                    "person",
                    pid,
                    search.index_text(name, None),
                    search.index_text(
                        org,
                        r.title,
                        r.location,
                        r.how_met,
                        r.interests,
                        None,
                        r.notes,
                        None,
                        *seen.values(),
                        *tag_names,
                        *person_types,
                        *(t for t in (r.title, org) if t),  # the role
                        *self._met.get(self._position[pid], ()),
                    ),
                )
            )
        self.out.insert(table(Person), people)
        self.out.insert(table(Role), roles)
        self.out.insert(table(PersonEmail), emails)
        self.out.insert(table(PersonType), types)
        self.out.insert(table(PersonTag), tags)
        search.put_many(self.ctx.session, self.ws, docs)
        self.out.count("search_doc", len(docs))

    def attendees(
        self, records: Sequence[EventRecord], event_ids: Sequence[int], person_ids: Sequence[int]
    ) -> None:
        rows: dict[tuple[int, int], dict[str, Any]] = {}
        for eid, r in zip(event_ids, records, strict=True):
            for position in r.attendees:
                pid = person_ids[position]
                rows.setdefault(
                    (eid, pid),
                    {
                        "event_id": eid,
                        "person_id": pid,
                        "workspace_id": self.ws,
                        "note": None,
                        "followed_up_at": None,
                    },
                )
        self.out.insert(table(EventAttendee), list(rows.values()))

    def interactions(
        self,
        records: Iterable[InteractionRecord],
        person_ids: Sequence[int],
        event_ids: Sequence[int],
    ) -> None:
        ws, now, stamp = self.ws, self.out.stamp(self.now), self.out.stamp
        for chunk in _chunks(records):
            ids = self.out.reserve(table(Interaction), len(chunk))
            rows: list[tuple[Any, ...]] = []
            participants: list[tuple[Any, ...]] = []
            docs = []
            for iid, r in zip(ids, chunk, strict=True):
                _check(r.kind, KINDS, "kind")
                _check(r.direction, DIRECTIONS, "direction")
                _check(r.tone, TONES, "tone")
                channel = r.channel
                if channel is None:
                    channel = KIND_CHANNEL.get(r.kind)
                else:
                    _check(channel, CHANNELS, "channel")
                if not r.participants:
                    raise Invalid("with", "an interaction needs at least one person")
                summary = r.summary.strip()[:500]
                notes = (r.notes or "").strip() or None
                project = (r.project or "").strip() or None
                at = stamp(r.occurred_at)
                event_id = event_ids[r.event] if r.event is not None else None
                rows.append(
                    (
                        iid,
                        ws,
                        r.kind,
                        at,
                        r.direction,
                        channel,
                        summary,
                        notes,
                        r.tone,
                        project,
                        event_id,
                        "bulk",
                        now,
                    )
                )
                if len(r.participants) == 1:
                    participants.append(
                        (iid, person_ids[r.participants[0]], ws, at, r.direction, r.tone)
                    )
                else:
                    for pid in dict.fromkeys(person_ids[p] for p in r.participants):
                        participants.append((iid, pid, ws, at, r.direction, r.tone))
                docs.append(
                    ("interaction", iid, self.index_text(summary), self.index_text(notes, project))
                )
            self.out.insert_tuples(table(Interaction), INTERACTION_COLUMNS, rows)
            self.out.insert_tuples(table(InteractionParticipant), PARTICIPANT_COLUMNS, participants)
            search.put_many(self.ctx.session, self.ws, docs)
            self.out.count("search_doc", len(docs))

    def simple(
        self, target: Table, records: Iterable[R], to_row: Callable[[R], dict[str, Any]]
    ) -> None:
        for chunk in _chunks(records):
            self.out.insert(target, [to_row(r) for r in chunk])


def load(ctx: Ctx, network: Network) -> LoadReport:
    """Write `network` into the workspace inside the caller's transaction (open the
    context with `write=True`; nothing is saved if any record is invalid)."""
    ctx.unjournaled()  # a generated network is not a user action to undo
    loader = _Loader(ctx)
    ctx.session.flush()
    with large_cache(loader.conn), search_index_deferred(loader.conn), fewer_collections():
        return _load(loader, network)


def _load(loader: _Loader, network: Network) -> LoadReport:
    ctx = loader.ctx
    org_ids = loader.organizations(network.organizations)
    org_names = [r.name.strip() for r in network.organizations]
    event_ids = loader.events(network.events)
    person_ids = loader.people(network.people, org_ids, org_names, event_ids, network.events)
    loader.attendees(network.events, event_ids, person_ids)
    loader.interactions(network.interactions, person_ids, event_ids)
    ws = ctx.workspace_id
    milestone_kinds, recurrences = _values(MilestoneKind), _values(Recurrence)
    owners, statuses = _values(Owner), _values(CommitmentStatus)
    exchange_directions, exchange_kinds = _values(ExchangeDirection), _values(ExchangeKind)

    def milestone(r: MilestoneRecord) -> dict[str, Any]:
        _check(r.kind, milestone_kinds, "kind")
        _check(r.recurrence, recurrences, "recurrence")
        if not (1 <= r.month <= 12 and 1 <= r.day <= 31):
            raise Invalid("date", f"{r.month}-{r.day} is not a day of the year")
        return {
            "workspace_id": ws,
            "person_id": person_ids[r.person],
            "kind": r.kind,
            "label": r.label,
            "month": r.month,
            "day": r.day,
            "year": r.year,
            "recurrence": r.recurrence,
            "lead_days": r.lead_days,
            "created_at": loader.now,
        }

    def promise(r: PromiseRecord) -> dict[str, Any]:
        _check(r.owner, owners, "owner")
        _check(r.status, statuses, "status")
        return {
            "workspace_id": ws,
            "owner": r.owner,
            "person_id": person_ids[r.person],
            "description": r.description,
            "due_on": r.due_on,
            "status": r.status,
            "origin_interaction_id": None,
            "feedback_id": None,
            "created_at": r.created_at or loader.now,
            "resolved_at": r.resolved_at,
        }

    def favour(r: FavourRecord) -> dict[str, Any]:
        _check(r.direction, exchange_directions, "direction")
        _check(r.kind, exchange_kinds, "kind")
        return {
            "workspace_id": ws,
            "direction": r.direction,
            "kind": r.kind,
            "person_id": person_ids[r.person],
            "occurred_on": r.occurred_on,
            "note": r.note,
            "thanked_on": r.thanked_on,
            "interaction_id": None,
            "created_at": loader.now,
        }

    loader.simple(table(Milestone), network.milestones, milestone)
    loader.simple(table(Commitment), network.promises, promise)
    loader.simple(table(Exchange), network.favours, favour)
    # promises, favours, milestones and events have search documents of their own
    loader.out.count(
        "search_doc", search_documents.index_missing_records(ctx.session, ctx.workspace_id)
    )
    loader.out.refresh_last_contact(ctx.workspace_id, person_ids)
    # what ranking check-ins needs (not journaled here, so not kept by the context)
    touch_state.refresh(ctx.session, ctx.workspace_id, ctx.tz, ctx.settings)
    loader.out.mark_follow_ups(
        [
            (eid, dt.datetime.combine(r.starts_on, dt.time(0), ctx.tz))
            for eid, r in zip(event_ids, network.events, strict=True)
            if r.attendees
        ]
    )
    # the conversation ties warm paths read, worked out once from the participants
    loader.out.count("person_tie", ties.rebuild(ctx.session, ctx.workspace_id))
    loader.out.analyze()
    return LoadReport(loader.out.counts, person_ids)
