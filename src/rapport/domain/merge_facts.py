"""What a merge plan is made of (`domain.merge_plan`): what one record holds (the
plan's input), and the preview shown and the rows written (its output)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RoleFacts:
    """One row of a record's role history."""

    id: int
    organization_id: int | None
    organization: str | None
    title: str | None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class DateFacts:
    """One yearly date of a record (a birthday, an anniversary…)."""

    id: int
    kind: str
    label: str | None
    month: int
    day: int
    year: int | None = None


@dataclass(frozen=True)
class RecordFacts:
    """What one record holds, as the plan needs it."""

    id: int
    name: str
    fields: Mapping[str, Any]  # the person's own columns, as stored
    organization: str | None = None  # the name of fields["organization_id"]
    shown: Mapping[str, str] = field(default_factory=dict)  # names of ids: met_event_id…
    emails: Mapping[str, str] = field(default_factory=dict)  # key -> as written
    phones: Mapping[str, str] = field(default_factory=dict)
    urls: Sequence[str] = ()
    types: Sequence[str] = ()
    tags: Sequence[str] = ()
    roles: Sequence[RoleFacts] = ()
    dates: Sequence[DateFacts] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    shared_interactions: int = 0  # conversations both records took part in


@dataclass(frozen=True)
class Side:
    """One record as the preview shows it."""

    id: int
    name: str
    role: str | None
    brings: list[str]  # for the kept record, what it has; for the other, what it adds


@dataclass(frozen=True)
class FieldConflict:
    field: str
    keep: str
    other: str
    resolution: str


@dataclass(frozen=True)
class MergePreview:
    """What merging `other` into `keep` will do, in words."""

    keep: Side
    other: Side
    filled: list[str]  # fields the kept record lacks and takes from the other
    conflicts: list[FieldConflict]
    score: int  # how likely one person, 0–100 (0: nothing in common)
    evidence: list[str]
    warning: str | None


@dataclass(frozen=True)
class RoleWrite:
    """A role row changed by the merge (moved to the kept person unless dropped)."""

    id: int
    values: dict[str, Any]


@dataclass(frozen=True)
class MergeWrites:
    """Exactly what the merge writes beyond moving the other's rows over."""

    person: dict[str, Any]  # columns of the kept person that change
    roles: list[RoleWrite]  # role rows whose values change
    roles_dropped: list[int]  # the other's rows of a role the kept record has
    dates: list[RoleWrite]  # yearly dates whose values change (a year filled in)
    dates_dropped: list[int]  # the other's dates the kept record has, or a second birthday


@dataclass(frozen=True)
class MergePlan:
    preview: MergePreview
    writes: MergeWrites
