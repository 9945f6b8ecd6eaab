"""Changing a person, as one rule: a `PersonPatch` says what to change, `plan`
checks it against the person as stored (`PersonState`) and says exactly what to
write (`PersonPlan`). Pure: the CLI, the web form, the API, bulk edits and imports
all build a patch, and the services write the plan (`services.person_writer`).

What needs the database stays out: whether an event or an introducer exists, and
which organization or tag id a name has."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, Protocol, TypeAlias, TypeVar

from rapport.domain.names import fold, join_name, split_name
from rapport.domain.person_fields import (
    TEXT_FIELDS,
    check_date,
    check_id,
    clean_channel,
    clean_field,
    clean_timezone,
    positive_days,
)
from rapport.domain.person_lists import Items as Items
from rapport.domain.person_lists import ListPlan, plan_lists
from rapport.errors import Contradicts, Invalid

T = TypeVar("T")


class Unset(enum.Enum):
    """A field not given, told apart from one given as None (cleared)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET
Maybe: TypeAlias = T | Literal[Unset.UNSET]
LIST_FIELDS = ("emails", "phones", "urls", "types", "tags")


class DayOfYear(Protocol):
    """A yearly date whose year may be unknown (adapters' `PartialDate`)."""

    @property
    def month(self) -> int: ...
    @property
    def day(self) -> int: ...
    @property
    def year(self) -> int | None: ...


@dataclass(frozen=True)
class PersonPatch:
    """What to change about a person: each field is UNSET unless given."""

    full_name: Maybe[str | None] = UNSET
    given_name: Maybe[str | None] = UNSET
    family_name: Maybe[str | None] = UNSET
    nickname: Maybe[str | None] = UNSET
    organization: Maybe[str | None] = UNSET  # a name; a new one starts a role
    title: Maybe[str | None] = UNSET
    location: Maybe[str | None] = UNSET
    timezone: Maybe[str | None] = UNSET
    how_met: Maybe[str | None] = UNSET
    interests: Maybe[str | None] = UNSET
    remember: Maybe[str | None] = UNSET
    notes: Maybe[str | None] = UNSET
    met_on: Maybe[dt.date | None] = UNSET
    met_event_id: Maybe[int | None] = UNSET
    introduced_by_id: Maybe[int | None] = UNSET
    preferred_channel: Maybe[str | None] = UNSET
    not_before: Maybe[dt.date | None] = UNSET
    max_contact_days: Maybe[int | None] = UNSET
    cadence_days: Maybe[int | None] = UNSET
    strained: Maybe[bool] = UNSET
    strained_context: Maybe[str | None] = UNSET
    emails: Maybe[Items] = UNSET
    phones: Maybe[Items] = UNSET
    urls: Maybe[Items] = UNSET
    types: Maybe[Items] = UNSET
    tags: Maybe[Items] = UNSET
    birthday: Maybe[DayOfYear] = UNSET  # the person's one birthday
    anniversary: Maybe[DayOfYear] = UNSET

    @classmethod
    def of(cls, changes: Mapping[str, Any]) -> PersonPatch:
        """A patch from field names and values (a list replaces the stored one);
        Invalid for a name that is not a field of a person."""
        unknown = set(changes) - FIELDS
        if unknown:
            raise Invalid(sorted(unknown)[0], "is not a field of a person")
        values: dict[str, Any] = {
            k: Items(v) if k in LIST_FIELDS else v for k, v in changes.items()
        }
        return cls(**values)

    def given(self) -> dict[str, Any]:
        """The fields given, by name."""
        return {f: v for f in FIELDS if (v := getattr(self, f)) is not UNSET}


FIELDS = frozenset(f.name for f in fields(PersonPatch))
Changes = PersonPatch | Mapping[str, Any]  # a mapping is read by `PersonPatch.of`


def as_patch(changes: Changes) -> PersonPatch:
    return changes if isinstance(changes, PersonPatch) else PersonPatch.of(changes)


@dataclass
class PersonState:
    """A person as stored, for planning a change (None `id`: a person to create)."""

    id: int | None = None
    full_name: str = ""
    given_name: str | None = None
    family_name: str | None = None
    name_key: str = ""
    nickname: str | None = None
    organization_id: int | None = None
    organization: str | None = None  # its name
    title: str | None = None
    location: str | None = None
    timezone: str | None = None
    notes: str | None = None
    how_met: str | None = None
    met_on: dt.date | None = None
    interests: str | None = None
    remember: str | None = None
    met_event_id: int | None = None
    introduced_by_id: int | None = None
    preferred_channel: str | None = None
    not_before: dt.date | None = None
    max_contact_days: int | None = None
    cadence_days: int | None = None
    strained: bool = False
    strained_since: dt.date | None = None
    strained_context: str | None = None
    open_role_id: int | None = None  # the current role in the history, if any
    emails: list[tuple[str, str]] = field(default_factory=list)  # (key, address), primary first
    primaries: int = 0  # how many of the emails are marked primary
    phones: list[tuple[str, str]] = field(default_factory=list)  # (key, number)
    urls: list[str] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)  # (tag id, name)
    types: list[str] = field(default_factory=list)
    # (milestone id, kind, label, month, day, year)
    dates: list[tuple[int, str, str | None, int, int, int | None]] = field(default_factory=list)


# the person columns a plan may set, as `PersonState` and the table name them
COLUMNS = ("full_name", "given_name", "family_name", "name_key", "title", "timezone", "met_on",
           "met_event_id", "introduced_by_id", "preferred_channel", "not_before",
           "max_contact_days", "cadence_days", "strained", "strained_since", "strained_context",
           *TEXT_FIELDS)  # fmt: skip


@dataclass(frozen=True)
class RolePlan:
    """What happens to the role history: `complete` changes the open role in place
    (something missing filled in), `empty` deletes it (nothing left), `replace` ends
    it (if any) and starts another (`started`: a known role was replaced, so the new
    one starts today; else it is the first known)."""

    action: Literal["complete", "empty", "replace"]
    organization: str | None  # the name; the writer finds or creates its id
    title: str | None
    open_role_id: int | None
    started: bool = False


@dataclass(frozen=True)
class DatePlan:
    """A yearly date to add (`milestone_id` None) or to move."""

    kind: str
    label: str | None
    month: int
    day: int
    year: int | None
    milestone_id: int | None = None


@dataclass
class PersonPlan:
    """A checked change: column values that differ from the state, the organization
    (a name, when it changes), the role history, and rows to add and remove."""

    values: dict[str, Any] = field(default_factory=dict)
    organization: Maybe[str | None] = UNSET
    role: RolePlan | None = None
    lists: ListPlan = field(default_factory=ListPlan)
    dates: list[DatePlan] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether there is nothing to write: everything given is already so."""
        return not (
            self.values
            or self.organization is not UNSET
            or self.role
            or self.lists.any()
            or self.dates
        )


def plan(
    state: PersonState, patch: PersonPatch, *, today: dt.date, phone_region: str | None
) -> PersonPlan:
    """What to write to make `state` what `patch` says; Invalid (naming the field)
    for a value a person cannot have. Nothing is planned for values already stored."""
    values: dict[str, Any] = {}
    _plan_names(state, patch, values)
    _plan_columns(state, patch, values, today)
    lists = {k: v for k in LIST_FIELDS if (v := getattr(patch, k)) is not UNSET}
    result = PersonPlan(lists=plan_lists(state, lists, phone_region))
    _plan_role(state, patch, values, result)
    result.values = {k: v for k, v in values.items() if v != getattr(state, k)}
    result.dates = _plan_dates(state, patch)
    return result


def _plan_names(state: PersonState, patch: PersonPatch, values: dict[str, Any]) -> None:
    given = {k: getattr(patch, k) for k in ("full_name", "given_name", "family_name")}
    given = {k: v for k, v in given.items() if v is not UNSET}
    if given or state.id is None:
        full, first, family = names_after(given, state.full_name, state.given_name,
                                          state.family_name)  # fmt: skip
        values.update(full_name=full, given_name=first, family_name=family, name_key=fold(full))


def names_after(
    changes: Mapping[str, Any], full_name: str, given_name: str | None, family_name: str | None
) -> tuple[str, str | None, str | None]:
    """(full, given, family name) of a person called `full_name` after `changes`: a
    new full name is split into given and family names unless they are given too."""
    given = clean_field(changes.get("given_name"), "given_name")
    family = clean_field(changes.get("family_name"), "family_name")
    full = clean_field(changes.get("full_name"), "full_name")
    if full is None:
        full = join_name(
            given if "given_name" in changes else given_name,
            family if "family_name" in changes else family_name,
        )
    if not full:
        raise Invalid("name", "a person needs a name")
    if full != full_name or given_name is None:
        auto_given, auto_family = split_name(full)
        return full, given or auto_given or None, family or auto_family or None
    return (
        full,
        given if "given_name" in changes else given_name,
        family if "family_name" in changes else family_name,
    )


def _plan_columns(
    state: PersonState, patch: PersonPatch, values: dict[str, Any], today: dt.date
) -> None:
    for key in TEXT_FIELDS:
        if (text := getattr(patch, key)) is not UNSET:
            values[key] = clean_field(text, key)
    if patch.timezone is not UNSET:
        values["timezone"] = clean_timezone(patch.timezone)
    if patch.preferred_channel is not UNSET:
        values["preferred_channel"] = clean_channel(patch.preferred_channel)
    for key in ("met_on", "not_before"):
        if (day := getattr(patch, key)) is not UNSET:
            values[key] = check_date(day, key)
    for key in ("cadence_days", "max_contact_days"):
        if (days := getattr(patch, key)) is not UNSET:
            values[key] = positive_days(days, key)
    if patch.strained is not UNSET:
        strained = bool(patch.strained)
        values["strained"] = strained
        if strained and not state.strained:
            values["strained_since"] = today
        elif not strained:
            values["strained_since"] = None
    if patch.strained_context is not UNSET:
        values["strained_context"] = clean_field(patch.strained_context, "strained_context")
    if patch.met_event_id is not UNSET:
        values["met_event_id"] = check_id(patch.met_event_id, "met_event_id")
    if patch.introduced_by_id is not UNSET:
        by = check_id(patch.introduced_by_id, "introduced_by")
        if by is not None and by == state.id:
            raise Contradicts("introduced_by", "a person cannot introduce themselves")
        values["introduced_by_id"] = by


def _plan_role(
    state: PersonState, patch: PersonPatch, values: dict[str, Any], result: PersonPlan
) -> None:
    if patch.organization is UNSET and patch.title is UNSET:
        return
    org = state.organization
    if patch.organization is not UNSET:
        org = clean_field(patch.organization, "organization")
        if fold(org or "") != fold(state.organization or ""):
            result.organization = org
        else:
            org = state.organization
    title = state.title if patch.title is UNSET else clean_field(patch.title, "title")
    values["title"] = title
    if result.organization is UNSET and title == state.title and state.id is not None:
        return
    replaced = replaces_role(state.organization, state.title, org, title)
    open_id = state.open_role_id
    if open_id is not None and not replaced:
        empty = org is None and title is None
        action: Literal["complete", "empty"] = "empty" if empty else "complete"
        result.role = RolePlan(action, org, title, open_id)
    elif open_id is not None or org is not None or title is not None:
        result.role = RolePlan("replace", org, title, open_id, started=replaced)


def replaces_role(
    old_org: str | None, old_title: str | None, org: str | None, title: str | None
) -> bool:
    """Whether a new organization or title is a change of role: only when something
    known is replaced. Filling in a missing title or organization completes the
    current role instead of starting a new one."""
    return (old_org is not None and fold(org or "") != fold(old_org)) or (
        old_title is not None and title != old_title
    )


# the yearly dates a patch can carry: (field, milestone kind, label)
YEARLY = (("birthday", "birthday", None), ("anniversary", "custom", "Anniversary"))


def _plan_dates(state: PersonState, patch: PersonPatch) -> list[DatePlan]:
    """A person has one birthday (and one anniversary): a date given for one that is
    stored moves it, unless it already falls on that day; else it is added."""
    planned: list[DatePlan] = []
    for name, kind, label in YEARLY:
        date: Maybe[DayOfYear] = getattr(patch, name)
        if date is UNSET:
            continue
        stored = [d for d in state.dates if d[1] == kind and (label is None or d[2] == label)]
        if any(
            (m, d) == (date.month, date.day) and date.year in (None, y)
            for _, _, _, m, d, y in stored
        ):
            continue
        target = stored[0][0] if stored else None
        planned.append(DatePlan(kind, label, date.month, date.day, date.year, target))
    return planned
