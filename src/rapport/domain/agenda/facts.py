"""The facts the agenda is built from: plain records of what the database holds,
gathered once a day by `services/agenda_facts.py`, and the windows that decide which
rows are worth gathering at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from rapport.domain.agenda.rules import AgendaRules

# the delays and windows a user may change are settings: rules.AgendaRules
MILESTONE_LOOKAHEAD_DAYS: Final = 61  # the longest lead time a milestone can have
ROLE_ANNIVERSARY_LEAD_DAYS: Final = 3  # work anniversaries from the role history
ROLE_ANNIVERSARY_AFTER_DAYS: Final = 300  # a role this new has no anniversary yet
# kinds that need no contact with the person, so boundaries never hide them
NO_CONTACT_KINDS: Final = frozenset({"promise", "feedback", "prepare"})


@dataclass(frozen=True)
class ContactFacts:
    """What the keep-in-touch rule needs to know of one person."""

    person_id: int
    name: str
    organization: str | None
    types: tuple[str, ...]
    cadence_days: int | None  # the person's own override
    last_contact_on: dt.date | None
    known_since: dt.date  # met or added: the clock starts here without any contact
    not_before: dt.date | None


@dataclass(frozen=True)
class PersonFacts:
    """Who a person is, and their boundaries (for every person with a reason)."""

    person_id: int
    name: str
    organization: str | None
    last_contact_on: dt.date | None
    not_before: dt.date | None
    max_contact_days: int | None
    preferred_channel: str | None


@dataclass(frozen=True)
class FollowUpFacts:
    person_id: int
    met_on: dt.date
    event_id: int | None
    event: str | None
    note: str | None


@dataclass(frozen=True)
class PromiseFacts:
    commitment_id: int
    person_id: int
    owner: str  # me / them
    description: str
    due_on: dt.date | None
    from_feedback: bool


@dataclass(frozen=True)
class ThanksFacts:
    exchange_id: int
    person_id: int
    kind: str
    note: str | None
    occurred_on: dt.date


@dataclass(frozen=True)
class MilestoneFacts:
    key: str  # "milestone:7" or "anniversary:role:3"
    ref_id: int
    person_id: int
    kind: str
    label: str | None
    month: int
    day: int
    year: int | None  # birth year, or the year the role started
    once: bool
    lead_days: int
    person_timezone: str | None


@dataclass(frozen=True)
class RoleChangeFacts:
    role_id: int
    person_id: int
    title: str | None
    organization: str | None
    detected_on: dt.date


@dataclass(frozen=True)
class StrainedFacts:
    person_id: int
    since: dt.date | None  # the day it was marked strained
    context: str | None
    last_contact_on: dt.date | None  # in the workspace's time zone


@dataclass(frozen=True)
class PrepareFacts:
    """A person in a meeting still to come today or tomorrow (synced calendars)."""

    meeting_id: int
    person_id: int
    starts_at: dt.datetime  # in the user's zone
    summary: str


@dataclass(frozen=True)
class MentoringFacts:
    mentorship_id: int
    person_id: int
    their_role: str
    cadence_days: int
    last_session_on: dt.date | None
    started_on: dt.date | None
    goals: str | None


class TouchDue(NamedTuple):
    """A person past their rhythm, as numbers (`services.keep_in_touch` reads them
    ranked): what the agenda ranks on before it writes anything out, since thousands
    can be due on a large network and a handful are shown."""

    person_id: int
    name: str
    organization: str | None
    cadence_days: int
    days_since: int
    last_contact_on: dt.date | None  # None: never contacted (days since they met)
    priority: float  # touch_priority
    not_before: dt.date | None
    max_contact_days: int | None
    preferred_channel: str | None


@dataclass(frozen=True)
class Mark:
    action: str  # done, dismissed, snoozed
    until: dt.date | None


@dataclass(frozen=True)
class AgendaFacts:
    """Everything the agenda knows on one day: each source's facts, the people they
    name (active ones only: an archived person is absent), and the user's marks on
    those people's items and on every check-in."""

    follow_ups: Sequence[FollowUpFacts] = ()
    promises: Sequence[PromiseFacts] = ()
    thanks: Sequence[ThanksFacts] = ()
    milestones: Sequence[MilestoneFacts] = ()
    role_changes: Sequence[RoleChangeFacts] = ()
    strained: Sequence[StrainedFacts] = ()
    mentoring: Sequence[MentoringFacts] = ()
    prepare: Sequence[PrepareFacts] = ()  # meetings from now to the end of tomorrow
    due: Sequence[TouchDue] = ()  # past their rhythm, most overdue first
    # open check-ins not in `due` (not marked, not held back, of no one with another
    # reason), which rank after those in it: read only as a count when the agenda is
    # limited (`services.keep_in_touch.for_agenda`)
    more_due: int = 0
    people: Mapping[int, PersonFacts] = field(default_factory=dict)
    marks: Mapping[str, Mark] = field(default_factory=dict)
    user_tz: dt.tzinfo = dt.UTC
    zones: Mapping[str, dt.tzinfo] = field(default_factory=dict)  # people's time zones
    rules: AgendaRules = field(default_factory=AgendaRules)  # the workspace's delays and windows
