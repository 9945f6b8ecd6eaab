"""What the API accepts: input models kept apart from the records it returns.

Every limit here mirrors a column or a rule of the services, and the OpenAPI document
declares it, so a client's mistake is a 422 naming the field, never a database error,
and a request the schema allows is never refused for its shape: lengths fit the
columns (their folded matching keys too), numbers fit 32-bit integers, closed
vocabularies are enumerations of exactly the words the server takes, dates are ISO
strings in the years the server keeps (`wire`), and no text carries a NUL (PostgreSQL
refuses it) or a lone surrogate (no encoding can store it)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)
from pydantic.config import JsonDict, JsonValue

from rapport.domain import drafts, person_patch
from rapport.domain import health as health_values
from rapport.domain import review as review_values
from rapport.domain.agenda import rules as agenda_rules
from rapport.domain.names import fold
from rapport.domain.text import text_problem
from rapport.domain.vocabulary import (
    Channel,
    CommitmentStatus,
    Direction,
    ExchangeDirection,
    ExchangeKind,
    InteractionKind,
    MentorRole,
    MilestoneKind,
    Owner,
    Recurrence,
    RelationshipType,
    Tone,
)
from rapport.errors import Invalid
from rapport.services import bulk_edit
from rapport.web.api import wire

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


def Str(max_length: int, min_length: int = 0) -> Any:
    return Field(max_length=max_length, min_length=min_length)


# NUL is declared (a pattern); a lone surrogate cannot be written in a pattern but is
# refused all the same (domain.text's one rule)
Text = Annotated[str, wire.no_nul, AfterValidator(_storable)]
# text the server strips and refuses when nothing is left
Filled = Annotated[str, wire.something, Field(min_length=1), AfterValidator(_storable)]
Name = Annotated[Filled, Str(300, 1), _foldable(300)]
Short = Annotated[Text, Str(200)]
Word = Annotated[Text, Str(32)]
Long = Annotated[Text, Str(20_000)]
Day = Annotated[dt.date, wire.day_only, wire.day_schema]
Moment = Annotated[dt.datetime, wire.moment_only, wire.moment_schema]
Email = Annotated[str, wire.email, Str(320, 3)]
Url = Annotated[str, wire.url, Str(1000, 1)]
ColumnMap = Annotated[str, wire.column_map, Str(1000, 3)]  # 'Column=field'  (import --map)
TagName = Annotated[str, wire.tag, Str(100, 1), _foldable(100)]
TimeZone = Annotated[str, wire.one_of(sorted(zoneinfo.available_timezones()))]


def _number(value: Any) -> Any:
    if isinstance(value, (str, bool)):
        raise ValueError("must be a whole number, not text or true/false")
    return value


# JSON's true/false and numbers only: not "yes" or "5", which the schema refuses (2.0
# is a whole number to JSON Schema, so it is one here too)
StrictBool = Annotated[bool, Strict()]
WHOLE = BeforeValidator(_number)  # last, so the bounds stay on the integer's schema
Id = Annotated[int, Field(ge=1, le=MAX_ID), WHOLE]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Days = Annotated[int, Field(ge=1, le=3650), WHOLE]


class In(BaseModel):
    """Unknown fields are refused, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


# the user's own fields (issue 23): {field name: value as text}; "" or null clears one
FieldName = Annotated[str, wire.field_name, Str(100, 1), _foldable(100), AfterValidator(_storable)]
FieldText = Annotated[Text, Str(2000)]
# keys are not checked by the schema (a name not defined is a 404, naming it)
OwnFields = Annotated[
    dict[Annotated[str, Str(1000)], FieldText | None],
    Field(
        max_length=200,
        description="Fields of your own (`GET /api/v1/fields`), by name: the value as "
        "text, checked by the field's type (a number, an ISO date, a URL, one of a "
        "choice's options); an empty string or null clears it. Fields not named are "
        "left alone.",
    ),
]


class PersonFields(In):
    given_name: Annotated[Text, Str(200), _foldable(200)] | None = None
    family_name: Annotated[Text, Str(200), _foldable(200)] | None = None
    nickname: Short | None = None
    organization: Annotated[Text, Str(300), _foldable(300)] | None = None
    title: Annotated[Text, Str(300)] | None = None
    location: Annotated[Text, Str(300)] | None = None
    timezone: TimeZone | None = None
    # lists are replaced whole; an empty list clears them, null is not a list
    emails: Annotated[list[Email], Field(max_length=50)] = []
    phones: Annotated[list[Annotated[str, wire.phone, Str(40)]], Field(max_length=50)] = []
    urls: Annotated[list[Url], Field(max_length=50)] = []
    types: Annotated[list[RelationshipType], Field(max_length=20)] = []
    tags: Annotated[list[TagName], Field(max_length=100)] = []
    how_met: Long | None = None
    met_on: Day | None = None
    met_event_id: Id | None = None
    introduced_by_id: Id | None = None
    interests: Long | None = None
    remember: Long | None = None
    notes: Long | None = None
    preferred_channel: Channel | None = None
    not_before: Day | None = None
    max_contact_days: Days | None = None
    cadence_days: Days | None = None
    strained: StrictBool | None = None
    strained_context: Long | None = None
    fields: OwnFields = {}

    def patch(self) -> person_patch.PersonPatch:
        """The fields the body sets (lists replace the person's; null clears one)."""
        values = self.model_dump(exclude_unset=True, exclude={"force", "fields"})
        for key in person_patch.LIST_FIELDS:
            if key in values and values[key] is None:
                values[key] = []
        if values.get("full_name", "") is None:
            del values["full_name"]  # PATCH: a null name leaves the name alone
        return person_patch.PersonPatch.of(values)


class PersonIn(PersonFields):
    full_name: Name
    force: StrictBool = Field(
        default=False,
        description="Add them even if an email or phone is already another person's "
        "(otherwise 409 `already_known`, with that person's `person_id`).",
    )


class PersonPatchIn(PersonFields):
    # A name part given alone renames the person from the parts, so none may be empty:
    # a change can never leave a person without a name, whatever is stored.
    full_name: Name = Field(default=None)  # type: ignore[assignment]
    given_name: Annotated[Filled, Str(200, 1), _foldable(200)] = Field(default=None)  # type: ignore[assignment]
    family_name: Annotated[Filled, Str(200, 1), _foldable(200)] = Field(default=None)  # type: ignore[assignment]


class InteractionIn(In):
    participant_ids: Annotated[list[Id], Field(min_length=1, max_length=100)]
    kind: InteractionKind = InteractionKind.MEETING
    occurred_at: Moment | None = Field(
        default=None, description="When it happened; naive times are in your time zone."
    )
    summary: Annotated[Text, Str(500)] = ""
    direction: Direction = Direction.MUTUAL
    channel: Channel | None = None
    notes: Long | None = None
    tone: Tone | None = None
    project: Short | None = None
    event_id: Id | None = None


class PromiseIn(In):
    person_id: Id
    description: Annotated[Filled, Str(2000, 1)]
    owner: Owner = Field(default=Owner.ME, description="'me' (I promised) or 'them'")
    due_on: Day | None = None


class PromiseResolve(In):
    status: CommitmentStatus


class FavourIn(In):
    person_id: Id
    direction: ExchangeDirection
    kind: ExchangeKind
    occurred_on: Day | None = Field(default=None, description="Today or earlier")
    note: Long | None = None
    thanked_on: Day | None = None


# a day each month has (29 February in any year: the birthday of someone born then)
_REAL_DAYS: JsonDict = {
    "anyOf": [
        {"properties": {"month": {"enum": [1, 3, 5, 7, 8, 10, 12]}}},
        {"properties": {"month": {"enum": [4, 6, 9, 11]}, "day": {"maximum": 30}}},
        {"properties": {"month": {"const": 2}, "day": {"maximum": 29}}},
    ]
}


# services.milestones.add: a custom milestone has a label; a one-off one (`once`, or a
# promotion or new job with no recurrence given) has a year
_MILESTONE: JsonDict = {
    "allOf": [
        _REAL_DAYS,
        {
            "anyOf": [
                {"properties": {"kind": {"not": {"const": MilestoneKind.CUSTOM.value}}}},
                {
                    "required": ["label"],
                    "properties": {"label": {"type": "string", "pattern": wire.SOMETHING}},
                },
            ]
        },
        {
            "anyOf": [
                {"required": ["year"], "properties": {"year": {"type": "integer"}}},
                {
                    "required": ["recurrence"],
                    "properties": {"recurrence": {"const": Recurrence.YEARLY.value}},
                },
                {
                    "properties": {
                        "kind": {
                            "not": {
                                "enum": [MilestoneKind.PROMOTION.value, MilestoneKind.NEW_JOB.value]
                            }
                        },
                        "recurrence": {"not": {"const": Recurrence.ONCE.value}},
                    }
                },
            ]
        },
        # a birthday for someone who has one: replace it or add another, not both
        {
            "not": {
                "required": ["replace", "another"],
                "properties": {"replace": {"const": True}, "another": {"const": True}},
            }
        },
    ]
}


class MilestoneIn(In):
    model_config = ConfigDict(json_schema_extra=_MILESTONE)

    person_id: Id
    kind: MilestoneKind
    month: Annotated[int, Field(ge=1, le=12), WHOLE]
    day: Annotated[int, Field(ge=1, le=31), WHOLE]
    year: Annotated[int, Field(ge=wire.FIRST_YEAR, le=wire.LAST_YEAR), WHOLE] | None = None
    recurrence: Recurrence | None = None
    lead_days: Annotated[int, Field(ge=0, le=60), WHOLE] | None = None
    label: Annotated[Text, Str(300)] | None = None
    replace: StrictBool = Field(
        False, description="A birthday for someone who has one: change theirs to this date"
    )
    another: StrictBool = Field(
        False, description="A birthday for someone who has one: record it as a second one"
    )

    @model_validator(mode="after")
    def _real_day(self) -> MilestoneIn:
        try:
            dt.date(2000, self.month, self.day)  # a leap year: 29 February exists
        except ValueError:
            raise ValueError(f"day: {self.month}/{self.day} is not a date") from None
        if self.replace and self.another:
            raise ValueError("another: give replace or another, not both")
        return self


class EventIn(In):
    name: Annotated[Filled, Str(300, 1)]
    starts_on: Day
    ends_on: Day | None = Field(default=None, description="On or after `starts_on`")
    place: Annotated[Text, Str(300)] | None = None
    notes: Long | None = None


# `person_id`, or a `name` (then `organization` may come with it)
_SOMEONE: JsonDict = {
    "anyOf": [
        {"required": ["person_id"], "properties": {"person_id": {"type": "integer"}}},
        {"required": ["name"], "properties": {"name": {"type": "string"}}},
    ]
}


class AttendeeIn(In):
    model_config = ConfigDict(json_schema_extra=_SOMEONE)

    person_id: Id | None = Field(default=None, description="Someone already known…")
    name: Name | None = Field(default=None, description="…or a name: new people are added")
    organization: Annotated[Text, Str(300), _foldable(300)] | None = None
    note: Long | None = None

    @model_validator(mode="after")
    def _someone(self) -> AttendeeIn:
        if self.person_id is None and self.name is None:
            raise ValueError("person_id or name: say who you met")
        return self


class AgendaRef(In):
    ref: Annotated[Filled, Str(300, 1)] = Field(
        description="A reason's reference ('p12') or key, an entry's number in the agenda "
        "this API listed last ('3'), or a person ('#12', a name)"
    )
    all: bool = Field(
        False, description="Answer every reason of the entry or person (else exactly one)"
    )
    listing: Annotated[Text, Str(32)] | None = Field(
        None,
        description="With a number: the `listing` of the agenda it was read from; refused "
        "if another listing was shown since",
    )


class AgendaDone(AgendaRef):
    note: Annotated[Text, Str(500)] | None = None
    kind: InteractionKind | None = Field(
        None, description="How you reached out (default: their preferred channel)"
    )
    log: bool = Field(True, description="Log the contact, with the note, as an interaction")


class AgendaSnooze(AgendaRef):
    until: Day = Field(description="After today")


_SOME_PEOPLE: JsonDict = {"type": "array", "minItems": 1}
# the people an action takes: some ids, or a saved list (with any ids besides)
_CHOSEN: list[JsonValue] = [
    {"required": ["ids"], "properties": {"ids": _SOME_PEOPLE}},
    {"required": ["list"], "properties": {"list": {"not": {"type": "null"}}}},
]
_TYPES = tuple(t.value for t in RelationshipType)
# what each action needs (services.bulk_edit.apply): people (ids or a list), and for
# some a value; `cadence-each` (an undo's body) takes each person's rhythm in
# `values` instead
_BULK: JsonDict = {
    "anyOf": [
        {
            "required": ["value"],
            "anyOf": _CHOSEN,
            "properties": {
                "action": {"enum": ["tag", "untag"]},
                "value": {"type": "string", "pattern": wire.TAG},
            },
        },
        {
            "required": ["value"],
            "anyOf": _CHOSEN,
            "properties": {
                "action": {"enum": ["type", "untype"]},
                "value": {"enum": [*_TYPES]},
            },
        },
        {
            "anyOf": _CHOSEN,
            "properties": {
                "action": {"const": "cadence"},
                "value": {"type": ["integer", "null"], "minimum": 1, "maximum": 3650},
            },
        },
        {
            "required": ["value"],
            "anyOf": _CHOSEN,
            "properties": {
                "action": {"enum": ["list", "unlist"]},
                "value": {"type": "string", "minLength": 1, "maxLength": 100},
            },
        },
        {
            "anyOf": _CHOSEN,
            "properties": {"action": {"enum": ["archive", "unarchive", "delete"]}},
        },
        {
            "required": ["values"],
            "properties": {
                "action": {"const": "cadence-each"},
                "values": {"type": "object", "minProperties": 1},
            },
        },
    ]
}
_TAG = re.compile(wire.TAG)


class BulkIn(In):
    model_config = ConfigDict(json_schema_extra=_BULK)

    ids: Annotated[list[Id], Field(max_length=5000)] = []
    action: Annotated[str, wire.one_of(bulk_edit.ACTIONS)]
    value: Annotated[Text, Str(100)] | Annotated[int, WHOLE] | None = None
    values: (
        Annotated[
            dict[Annotated[str, wire.person_key], Days | None],
            wire.declare(additionalProperties=False),  # ids alone, as the keys' pattern says
        ]
        | None
    ) = None
    # a saved list's id or name: its active people, besides any `ids`
    list_ref: Id | Annotated[Text, Str(100, 1)] | None = Field(
        default=None,
        alias="list",
        description="A saved list (its id or name): everyone on it, besides any ids",
    )

    @model_validator(mode="after")
    def _what_the_action_needs(self) -> BulkIn:
        # Invalid, not ValueError: it names its field in the error envelope
        if self.action == "cadence-each":
            if not self.values:
                raise Invalid("values", "give each person's rhythm")
            return self
        if not self.ids and self.list_ref is None:
            raise Invalid("ids", "select at least one person, or name a list")
        if self.action in ("tag", "untag") and not (
            isinstance(self.value, str) and _TAG.match(self.value)
        ):
            raise Invalid("value", "name the tag")
        if self.action in ("list", "unlist") and not (
            isinstance(self.value, str) and self.value.strip()
        ):
            raise Invalid("value", "name the list")
        if self.action in ("type", "untype") and self.value not in _TYPES:
            raise Invalid("value", f"must be one of: {', '.join(_TYPES)}")
        if self.action == "cadence" and not (
            self.value is None or (isinstance(self.value, int) and 1 <= self.value <= 3650)
        ):
            raise Invalid("value", "the rhythm must be a number of days between 1 and 3650")
        return self


class TokenIn(In):
    name: Annotated[Filled, Str(200, 1)]


class OwnAddressIn(In):
    """One of your own email addresses (`rapport settings me --add`)."""

    address: Email


DateOrderSetting = Literal["DMY", "MDY", "YMD", "auto"]


class HealthAdjustmentIn(In):
    points: Annotated[int, Field(ge=-100, le=100), WHOLE] = Field(
        description="Points added to (or, negative, taken from) the measured score; "
        "the sum is kept within 0–100"
    )
    reason: Annotated[Filled, Str(500, 1)] = Field(
        description="Why, in words: what Rapport cannot see (“we speak weekly on Signal”)"
    )


HealthWeight = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class SettingsPatch(In):
    workspace: Annotated[Filled, Str(200, 1)] | None = None
    timezone: TimeZone | None = None
    own_emails: Annotated[list[Email], Field(max_length=50)] | None = None
    cadence: dict[Annotated[str, wire.one_of(RelationshipType)], Days | None] | None = None
    templates: (
        dict[
            Annotated[str, wire.one_of(drafts.DEFAULT_TEMPLATES)],
            Annotated[Text, Str(20_000)] | None,
        ]
        | None
    ) = None
    agenda: AgendaRulesIn | None = Field(
        None, description="The agenda's delays and windows; a null one restores its default"
    )
    date_order: DateOrderSetting | None = Field(
        None,
        description="The order typed dates like 12/10/1985 are read in; auto: as the time "
        "zone's country writes them",
    )
    health_weights: (
        dict[Annotated[str, wire.one_of(health_values.COMPONENTS)], HealthWeight] | None
    ) = Field(
        None,
        description="How much each part of health weighs (shares, scaled to add up to "
        "one; recency above 0); an empty object puts back the defaults",
    )


def _rule(name: str) -> Any:
    return Field(None, description=f"Days: {agenda_rules.RULES[name].says}")


def _bounds(name: str) -> Any:
    rule = agenda_rules.RULES[name]
    return Field(ge=rule.low, le=rule.high)


class AgendaRulesIn(In):
    """The agenda's delays and windows, in days (`rapport settings agenda`)."""

    thanks_after_days: Annotated[int, _bounds("thanks_after_days"), WHOLE] | None = _rule(
        "thanks_after_days"
    )
    thanks_fresh_days: Annotated[int, _bounds("thanks_fresh_days"), WHOLE] | None = _rule(
        "thanks_fresh_days"
    )
    follow_up_days: Annotated[int, _bounds("follow_up_days"), WHOLE] | None = _rule(
        "follow_up_days"
    )
    role_change_days: Annotated[int, _bounds("role_change_days"), WHOLE] | None = _rule(
        "role_change_days"
    )
    promise_lookahead_days: Annotated[int, _bounds("promise_lookahead_days"), WHOLE] | None = _rule(
        "promise_lookahead_days"
    )
    recheck_days: Annotated[int, _bounds("recheck_days"), WHOLE] | None = _rule("recheck_days")

    def given(self) -> dict[str, int | None]:
        """The settings the body names (null: back to the default)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class MentorshipIn(In):
    person_id: Id
    their_role: MentorRole = Field(description="mentor (they mentor you) or mentee")
    goals: Long | None = None
    session_cadence_days: Annotated[int, Field(ge=1, le=365), WHOLE] | None = None
    started_on: Day | None = None


# services.mentoring.record_feedback: action items need the person who gave it
_ACTIONS_NEED_SOMEONE: JsonDict = {
    "anyOf": [
        {"required": ["person_id"], "properties": {"person_id": {"type": "integer"}}},
        {"properties": {"actions": {"maxItems": 0}}},
    ]
}


class FeedbackIn(In):
    model_config = ConfigDict(json_schema_extra=_ACTIONS_NEED_SOMEONE)

    person_id: Id | None = None
    content: Annotated[Filled, Str(20_000, 1)]
    received_on: Day | None = None
    actions: Annotated[list[Annotated[Text, Str(2000)]], Field(max_length=20)] = []
    due_on: Day | None = None


# made by someone (`introducer_id`), or to someone (`to_person_id`): at least one
_INTRODUCTION: JsonDict = {
    "anyOf": [
        {"required": ["introducer_id"], "properties": {"introducer_id": {"type": "integer"}}},
        {"required": ["to_person_id"], "properties": {"to_person_id": {"type": "integer"}}},
    ]
}


class IntroductionIn(In):
    model_config = ConfigDict(json_schema_extra=_INTRODUCTION)

    person_id: Id
    to_person_id: Id | None = Field(default=None, description="None: to you")
    introducer_id: Id | None = Field(default=None, description="None: you made it")
    occurred_on: Day | None = None
    note: Long | None = None

    @model_validator(mode="after")
    def _someone_else(self) -> IntroductionIn:
        if self.to_person_id is None and self.introducer_id is None:
            raise ValueError("introducer_id or to_person_id: say who made it or to whom")
        return self


class Message(BaseModel):
    message: str


class ErrorBody(BaseModel):
    type: str
    message: str
    field: str | None = None
    person_id: int | None = Field(
        default=None,
        description="`already_known`: the person who already has the email or phone",
    )


class ErrorEnvelope(BaseModel):
    error: ErrorBody


# --- the review queue ---------------------------------------------------------------------

ProposalKind = Annotated[str, wire.one_of(review_values.KINDS)]


class ReviewKindIn(In):
    """Which kind of proposal to decide all of at once."""

    kind: ProposalKind = Field(
        description="same-name, same-name-org (name and organization) or shared-phone"
    )
