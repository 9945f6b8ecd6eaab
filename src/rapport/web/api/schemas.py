"""What the API accepts: input models kept apart from the records it returns.

Every limit here mirrors a column or a rule of the services, so a client's mistake
is a 422 naming the field, never a database error: lengths fit the columns (their
folded matching keys too), numbers fit 32-bit integers, dates stay in a sane
range, and no text carries a NUL (PostgreSQL refuses it) or a lone surrogate (no
encoding can store it)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from rapport.domain import person_patch
from rapport.domain.names import fold
from rapport.domain.text import text_problem

MAX_ID = 2_147_483_647
T = TypeVar("T")


def _storable(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _foldable(limit: int) -> Any:
    def check(value: str) -> str:
        if len(fold(value)) > limit:
            raise ValueError(f"is too long (at most {limit} characters once normalised)")
        return value

    return AfterValidator(check)


def _sane_date(value: dt.date) -> dt.date:
    if not 1800 <= value.year <= 2200:
        raise ValueError("must be between the years 1800 and 2200")
    return value


def Str(max_length: int, min_length: int = 0) -> Any:
    return Field(max_length=max_length, min_length=min_length)


Text = Annotated[str, AfterValidator(_storable)]
Name = Annotated[Text, Str(300, 1), _foldable(300)]
Short = Annotated[Text, Str(200)]
Word = Annotated[Text, Str(32)]
Long = Annotated[Text, Str(20_000)]
Day = Annotated[dt.date, AfterValidator(_sane_date)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Days = Annotated[int, Field(ge=1, le=3650)]


class In(BaseModel):
    """Unknown fields are refused, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class PersonFields(In):
    given_name: Annotated[Text, Str(200), _foldable(200)] | None = None
    family_name: Annotated[Text, Str(200), _foldable(200)] | None = None
    nickname: Short | None = None
    organization: Annotated[Text, Str(300), _foldable(300)] | None = None
    title: Annotated[Text, Str(300)] | None = None
    location: Annotated[Text, Str(300)] | None = None
    timezone: Annotated[Text, Str(64)] | None = None
    emails: Annotated[list[Annotated[Text, Str(320)]], Field(max_length=50)] | None = None
    phones: Annotated[list[Annotated[Text, Str(40)]], Field(max_length=50)] | None = None
    urls: Annotated[list[Annotated[Text, Str(1000)]], Field(max_length=50)] | None = None
    types: Annotated[list[Word], Field(max_length=20)] | None = None
    tags: (
        Annotated[list[Annotated[Text, Str(100), _foldable(100)]], Field(max_length=100)] | None
    ) = None
    how_met: Long | None = None
    met_on: Day | None = None
    met_event_id: Id | None = None
    introduced_by_id: Id | None = None
    interests: Long | None = None
    remember: Long | None = None
    notes: Long | None = None
    preferred_channel: Word | None = None
    not_before: Day | None = None
    max_contact_days: Days | None = None
    cadence_days: Days | None = None
    strained: bool | None = None
    strained_context: Long | None = None

    def patch(self) -> person_patch.PersonPatch:
        """The fields the body sets (lists replace the person's; null clears one)."""
        values = self.model_dump(exclude_unset=True)
        for key in person_patch.LIST_FIELDS:
            if key in values and values[key] is None:
                values[key] = []
        if values.get("full_name", "") is None:
            del values["full_name"]  # PATCH: a null name leaves the name alone
        return person_patch.PersonPatch.of(values)


class PersonIn(PersonFields):
    full_name: Name


class PersonPatchIn(PersonFields):
    full_name: Name | None = None


class InteractionIn(In):
    participant_ids: Annotated[list[Id], Field(min_length=1, max_length=100)]
    kind: Word = "meeting"
    occurred_at: dt.datetime | None = Field(
        default=None, description="When it happened; naive times are in your time zone."
    )
    summary: Annotated[Text, Str(500)] = ""
    direction: Word = "mutual"
    channel: Word | None = None
    notes: Long | None = None
    tone: Word | None = None
    project: Short | None = None
    event_id: Id | None = None

    @model_validator(mode="after")
    def _sane_moment(self) -> InteractionIn:
        if self.occurred_at is not None:
            _sane_date(self.occurred_at.date())
        return self


class PromiseIn(In):
    person_id: Id
    description: Annotated[Text, Str(2000, 1)]
    owner: Word = Field(default="me", description="'me' (I promised) or 'them'")
    due_on: Day | None = None


class PromiseResolve(In):
    status: Word = Field(description="kept, broken, released, or open")


class FavourIn(In):
    person_id: Id
    direction: Word = Field(description="given or received")
    kind: Word = Field(description="introduction, referral, advice, resource, favour, endorsement")
    occurred_on: Day | None = None
    note: Long | None = None
    thanked_on: Day | None = None


class MilestoneIn(In):
    person_id: Id
    kind: Annotated[Text, Str(24)]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year: int | None = Field(default=None, ge=1800, le=2200)
    recurrence: Word | None = None
    lead_days: int | None = Field(default=None, ge=0, le=60)
    label: Annotated[Text, Str(300)] | None = None

    @model_validator(mode="after")
    def _real_day(self) -> MilestoneIn:
        try:
            dt.date(self.year or 2000, self.month, self.day)
        except ValueError:
            if not (self.month == 2 and self.day == 29):
                raise ValueError(f"day: {self.month}/{self.day} is not a date") from None
        return self


class EventIn(In):
    name: Annotated[Text, Str(300, 1)]
    starts_on: Day
    ends_on: Day | None = None
    place: Annotated[Text, Str(300)] | None = None
    notes: Long | None = None


class AttendeeIn(In):
    person_id: Id | None = Field(default=None, description="Someone already known…")
    name: Name | None = Field(default=None, description="…or a name: new people are added")
    organization: Annotated[Text, Str(300), _foldable(300)] | None = None
    note: Long | None = None

    @model_validator(mode="after")
    def _someone(self) -> AttendeeIn:
        if self.person_id is None and not (self.name or "").strip():
            raise ValueError("person_id or name: say who you met")
        return self


class AgendaRef(In):
    ref: Annotated[Text, Str(300, 1)] = Field(
        description="A position in today's list ('3'), a person ('#12', a name) or a reason key"
    )


class AgendaDone(AgendaRef):
    note: Annotated[Text, Str(500)] | None = None


class AgendaSnooze(AgendaRef):
    until: Day


class BulkIn(In):
    ids: Annotated[list[Id], Field(max_length=5000)] = []
    action: Word
    value: Annotated[Text, Str(100)] | int | None = None
    values: dict[Annotated[Text, Str(12)], Days | None] | None = None


class TokenIn(In):
    name: Annotated[Text, Str(200, 1)]


class SettingsPatch(In):
    workspace: Short | None = None
    timezone: Annotated[Text, Str(64)] | None = None
    own_emails: Annotated[list[Annotated[Text, Str(320)]], Field(max_length=50)] | None = None
    cadence: dict[Word, Days | None] | None = None
    templates: dict[Word, Annotated[Text, Str(20_000)] | None] | None = None


class MentorshipIn(In):
    person_id: Id
    their_role: Word = Field(description="mentor (they mentor you) or mentee")
    goals: Long | None = None
    session_cadence_days: int | None = Field(default=None, ge=1, le=365)
    started_on: Day | None = None


class FeedbackIn(In):
    person_id: Id | None = None
    content: Annotated[Text, Str(20_000, 1)]
    received_on: Day | None = None
    actions: Annotated[list[Annotated[Text, Str(2000)]], Field(max_length=20)] = []
    due_on: Day | None = None


class IntroductionIn(In):
    person_id: Id
    to_person_id: Id | None = Field(default=None, description="None: to you")
    introducer_id: Id | None = Field(default=None, description="None: you made it")
    occurred_on: Day | None = None
    note: Long | None = None


class Message(BaseModel):
    message: str


class ErrorBody(BaseModel):
    type: str
    message: str
    field: str | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody
