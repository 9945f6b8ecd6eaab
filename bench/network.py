"""A whole network as plain records, for loading in bulk (`bench.load.load`).

Records refer to each other by position: `PersonRecord.organization` is an index
into `Network.organizations`, `InteractionRecord.participants` are indexes into
`Network.people`, and so on. Values use the vocabularies of `domain.vocabulary`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class OrganizationRecord(NamedTuple):
    name: str
    industry: str | None = None
    website: str | None = None


class PersonRecord(NamedTuple):
    full_name: str
    given_name: str | None = None
    family_name: str | None = None
    organization: int | None = None  # position in Network.organizations
    title: str | None = None
    location: str | None = None
    how_met: str | None = None
    met_on: dt.date | None = None
    met_event: int | None = None  # position in Network.events
    interests: str | None = None
    notes: str | None = None
    cadence_days: int | None = None
    types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()  # the first is the primary address
    created_at: dt.datetime | None = None


class EventRecord(NamedTuple):
    name: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    place: str | None = None
    notes: str | None = None
    attendees: tuple[int, ...] = ()  # positions in Network.people


class InteractionRecord(NamedTuple):
    kind: str
    occurred_at: dt.datetime
    participants: tuple[int, ...]  # positions in Network.people
    direction: str = "mutual"
    channel: str | None = None  # default: the kind's usual channel
    summary: str = ""
    notes: str | None = None
    tone: str | None = None
    project: str | None = None
    event: int | None = None  # position in Network.events


class MilestoneRecord(NamedTuple):
    person: int
    kind: str
    month: int
    day: int
    year: int | None = None
    recurrence: str = "yearly"
    lead_days: int = 3
    label: str | None = None


class PromiseRecord(NamedTuple):
    person: int
    owner: str
    description: str
    due_on: dt.date | None = None
    status: str = "open"
    created_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None


class FavourRecord(NamedTuple):
    person: int
    direction: str
    kind: str
    occurred_on: dt.date
    note: str | None = None
    thanked_on: dt.date | None = None


@dataclass
class Network:
    """Everything to load. `interactions` and the other iterables are read once,
    in chunks, so they may be generators."""

    organizations: Sequence[OrganizationRecord] = ()
    people: Sequence[PersonRecord] = ()
    events: Sequence[EventRecord] = ()
    interactions: Iterable[InteractionRecord] = ()
    milestones: Iterable[MilestoneRecord] = ()
    promises: Iterable[PromiseRecord] = ()
    favours: Iterable[FavourRecord] = ()
