"""Plain values the services return and every interface renders (CLI, web, API)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and containers as JSON-ready values (ISO dates)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class RoleOut:
    id: int
    organization: str | None
    title: str | None
    started_on: dt.date | None
    ended_on: dt.date | None
    detected_on: dt.date | None


@dataclass(frozen=True)
class PersonSummary:
    id: int
    name: str
    organization: str | None
    title: str | None
    types: list[str]
    tags: list[str]
    last_contact_at: dt.datetime | None
    archived: bool
    organization_id: int | None = None  # their organisation's page: /organizations/{id}


@dataclass(frozen=True)
class SimilarPerson:
    """Someone already recorded whose name is close to a person being added: who,
    how close (0–100), and why."""

    person: PersonSummary
    score: int
    reasons: list[str]


@dataclass(frozen=True)
class PersonOut:
    id: int
    name: str
    given_name: str | None
    family_name: str | None
    nickname: str | None
    organization: str | None
    title: str | None
    location: str | None
    timezone: str | None
    emails: list[str]
    phones: list[str]
    urls: list[str]
    types: list[str]
    tags: list[str]
    how_met: str | None
    met_on: dt.date | None
    met_at_event: str | None
    introduced_by: str | None
    interests: str | None
    remember: str | None
    notes: str | None
    preferred_channel: str | None
    not_before: dt.date | None
    max_contact_days: int | None
    cadence_days: int | None
    effective_cadence_days: int | None
    strained: bool
    strained_context: str | None
    archived: bool
    last_contact_at: dt.datetime | None
    created_at: dt.datetime
    roles: list[RoleOut] = field(default_factory=list)
    organization_id: int | None = None  # their organisation's page: /organizations/{id}
    # the user's own fields (issue 23): {field name: value as typed}
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonAdded(PersonOut):
    """A person just added, and the people already recorded whose names are close
    (perhaps the same person: open them, or merge)."""

    similar: list[SimilarPerson] = field(default_factory=list)

    @classmethod
    def of(cls, person: PersonOut, similar: list[SimilarPerson]) -> PersonAdded:
        values = {f.name: getattr(person, f.name) for f in dataclasses.fields(PersonOut)}
        return cls(**values, similar=similar)


@dataclass(frozen=True)
class InteractionOut:
    id: int
    kind: str
    occurred_at: dt.datetime
    direction: str
    channel: str | None
    summary: str
    notes: str | None
    tone: str | None
    project: str | None
    event: str | None
    source: str
    participants: list[str]
    participant_ids: list[int]


@dataclass(frozen=True)
class CommitmentOut:
    id: int
    owner: str
    person: str
    person_id: int
    description: str
    due_on: dt.date | None
    status: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None


@dataclass(frozen=True)
class ExchangeOut:
    id: int
    direction: str
    kind: str
    person: str
    person_id: int
    occurred_on: dt.date
    note: str | None
    thanked_on: dt.date | None


@dataclass(frozen=True)
class MilestoneOut:
    id: int
    person: str
    person_id: int
    kind: str
    label: str | None
    month: int
    day: int
    year: int | None
    recurrence: str
    lead_days: int
    next_on: dt.date | None


@dataclass(frozen=True)
class AttendeeOut:
    person_id: int
    person: str
    note: str | None
    followed_up_at: dt.datetime | None


@dataclass(frozen=True)
class EventOut:
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date | None
    place: str | None
    notes: str | None
    attendees: list[AttendeeOut]
    dates: str  # '16–18 Nov 2026' (domain.dates.day_range)
    follow_up_days: int  # the workspace's follow-up window (Settings, agenda)
    follow_up_until: dt.date  # the last day its people are asked to be followed up

    @property
    def follow_up_window(self) -> str:
        """'follow up within 14 days: until 2 Dec' (the year too when it differs)."""
        until = self.follow_up_until
        day = (
            f"{until.day} {until:%b}"
            if until.year == self.starts_on.year
            else f"{until.day} {until:%b %Y}"
        )
        return f"follow up within {self.follow_up_days} days: until {day}"

    @property
    def followed_up(self) -> int:
        return sum(1 for a in self.attendees if a.followed_up_at)


@dataclass(frozen=True)
class MentorshipOut:
    id: int
    person: str
    person_id: int
    their_role: str
    goals: str | None
    session_cadence_days: int | None
    started_on: dt.date | None
    ended_on: dt.date | None


@dataclass(frozen=True)
class FeedbackOut:
    id: int
    person: str | None
    received_on: dt.date
    content: str
    actions: list[CommitmentOut]


@dataclass(frozen=True)
class IntroductionOut:
    id: int
    introducer: str  # "me" when the user made it
    person: str
    to_person: str  # "me" when made to the user
    occurred_on: dt.date
    note: str | None


@dataclass(frozen=True)
class Balance:
    given: int
    received: int
    unthanked: int

    @property
    def net(self) -> int:
        return self.given - self.received


@dataclass(frozen=True)
class Profile:
    """Everything a person's page shows."""

    person: PersonOut
    interactions: list[InteractionOut]
    commitments: list[CommitmentOut]
    exchanges: list[ExchangeOut]
    balance: Balance
    milestones: list[MilestoneOut]
    events: list[str]
    mentorships: list[MentorshipOut]
    introductions: list[IntroductionOut]
    feedback: list[FeedbackOut]
    interaction_count: int


@dataclass(frozen=True)
class SearchResult:
    """One thing found: what it is (`kind`), what to call it, a line about it, the
    people it concerns, where it lives (`href`, a page of the web interface) and its
    date (when it happened or was last touched; None when it has none)."""

    kind: str
    id: int
    title: str
    detail: str
    person_ids: list[int]
    href: str = ""
    date: dt.date | None = None


@dataclass(slots=True)
class OverdueItem:
    person_id: int
    person: str
    organization: str | None
    cadence_days: int
    days_since: int
    last_contact_on: dt.date | None
    reason: str
    priority: float


@dataclass(frozen=True)
class AgendaReason:
    """One reason to reach out to a person today."""

    kind: str  # keep-in-touch, follow-up, promise, nudge, thanks, milestone, role-change,
    # strained, mentoring, feedback, prepare
    key: str  # stable id of this reason for this cycle (done/snooze/dismiss act on it)
    text: str  # the one-line why, e.g. "last contact 94 days ago, against a 60-day rhythm"
    action: str  # the suggested action, e.g. "Send a short check-in"
    priority: float  # 0..1
    ref_id: int | None = None  # the promise, favour, milestone, role… it is about
    ref: str = ""  # the short reference a user types ('p12'), stable while it is shown
    shown_until: dt.date | None = None  # the last day it shows unless answered (it lapses)
    dismiss_until: dt.date | None = None  # dismissed today, it returns on this day


@dataclass(frozen=True)
class AgendaEntry:
    """Everything the agenda says about one person today (a person appears once)."""

    position: int  # 1-based rank in today's list
    person_id: int
    person: str
    organization: str | None
    kind: str  # kind of the top reason
    reasons: list[AgendaReason]
    action: str  # the suggested action, covering the reasons
    priority: float


@dataclass(frozen=True)
class Agenda:
    day: dt.date
    entries: list[AgendaEntry]
    total: int  # before any limit
    listing: str = ""  # the fingerprint of this listing, when it was remembered as shown


@dataclass(slots=True)  # not frozen: made 250,000 times when scoring a network
class HealthComponent:
    name: str  # recency, consistency, reciprocity, reliability, tone
    score: float  # 0..1
    weight: float
    explanation: str


@dataclass(slots=True)  # not frozen, like HealthComponent
class Health:
    person_id: int
    person: str
    value: int  # 0..100
    components: list[HealthComponent]
    explanation: str  # plain-language summary
    measured: int = 0  # the score from the record alone, before the user's correction
    adjustment: int = 0  # points the user added or took away (0: none)
    adjustment_reason: str | None = None


@dataclass(frozen=True)
class KeptRate:
    """Promises kept and broken on one side; `rate` the share kept (None: none
    resolved)."""

    kept: int
    broken: int
    rate: float | None

    @classmethod
    def of(cls, kept: int, broken: int) -> KeptRate:
        total = kept + broken
        return cls(kept, broken, round(kept / total, 4) if total else None)

    def says(self, who: str) -> str:
        """ "you kept 3 of 4 (75%)" """
        if self.rate is None:
            return f"{who} resolved no promises"
        return f"{who} kept {self.kept} of {self.kept + self.broken} ({round(100 * self.rate)}%)"


@dataclass(frozen=True)
class PromiseMonth:
    month: str  # "2026-03": promises resolved (kept or broken) that month
    mine: KeptRate
    theirs: KeptRate


@dataclass(frozen=True)
class PromiseRates:
    """My kept-rate and theirs, in all and month by month (the last twelve)."""

    person_id: int | None  # None: across the network
    person: str | None
    mine: KeptRate
    theirs: KeptRate
    months: list[PromiseMonth]
    summary: str  # "you kept 3 of 4 (75%); they kept 1 of 2 (50%)"


@dataclass(frozen=True)
class NetworkHealth:
    day: dt.date
    people: int
    distribution: dict[str, int]  # bucket label ("0-19", …) → people
    average: float
    drifting: list[Health]  # scores that fell most over the last 90 days
    composition_by_type: dict[str, int]
    composition_by_industry: dict[str, int]
    given: int
    received: int


@dataclass(frozen=True)
class MeetingAhead:
    """A meeting still to come, from a synced calendar, as the brief tells it."""

    starts_at: dt.datetime  # in the workspace's time zone
    summary: str
    kind: str  # meeting, video
    location: str | None = None


@dataclass(frozen=True)
class Brief:
    """What to know before meeting a person."""

    person: PersonOut
    how_we_met: str
    recent: list[InteractionOut]
    my_promises: list[CommitmentOut]
    their_promises: list[CommitmentOut]
    balance: Balance
    unthanked: list[ExchangeOut]
    upcoming_milestones: list[MilestoneOut]
    health: Health
    talking_points: list[str]
    # "You meet Ana tomorrow at 10:00 (Project kickoff)": their next meetings, from
    # the synced calendars
    meetings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Draft:
    person_id: int
    person: str
    kind: str
    channel: str | None
    subject: str
    body: str


@dataclass(frozen=True)
class JournalEntryOut:
    """One action of the journal, as the history shows it."""

    id: int
    at: dt.datetime
    action: str
    summary: str
    changed: str  # what it changed, in words ("1 person added, 2 tags added")
    user: str | None
    undoes: int | None  # the entry this one undid
    undone_by: int | None  # the entry that undid this one
