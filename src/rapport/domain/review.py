"""The review queue's values: a proposal as every interface shows it (the evidence
and, field by field, what accepting it would change), a page of them, and what a
decision did. `field_changes` puts a planned update into words. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from rapport.domain.person_lists import Items
from rapport.domain.person_patch import PersonPatch, PersonState

# the kinds of proposal, in the order they are listed, and what each means
KINDS = {
    "same-name": "Same name, nothing else in common",
    "same-name-org": "Same name and organization, no email, phone or profile in common",
    "shared-phone": "Same phone number under a different name",
}
# the person's fields as the review names them (a field not listed: its own name)
LABELS = {
    "full_name": "name", "emails": "email", "phones": "phone", "urls": "link", "tags": "tag",
    "types": "type", "met_on": "met on", "how_met": "how you met",
}  # fmt: skip
# a yearly date's milestone (kind, label), as `person_patch.YEARLY` stores it
_YEARLY = {"birthday": ("birthday", None), "anniversary": ("custom", "Anniversary")}
NONE = "(none)"
ORDER = [f.name for f in fields(PersonPatch)]  # the patch's own order, not a set's


@dataclass(frozen=True)
class FieldChange:
    """One field accepting would change: `before` → `after` (None: empty), and the
    line the interfaces print ("organization: Acme → Initech")."""

    field: str
    before: str | None
    after: str | None
    text: str


@dataclass(frozen=True)
class ProposalOut:
    """One record kept for review. `person_id` None (or `gone`): the person it was
    proposed for has been deleted or merged since; accepting drops it."""

    id: int
    kind: str
    evidence: str
    name: str  # the record's name
    person_id: int | None
    person_name: str  # the person it may be (their current name, else as proposed)
    source: str  # "Connections.csv (linkedin), line 4"
    source_name: str
    source_format: str
    line: int | None
    created_at: dt.datetime
    changes: list[FieldChange]
    gone: bool = False


@dataclass(frozen=True)
class ReviewPage:
    """A page of the proposals waiting, oldest first, and how many wait of each kind."""

    items: list[ProposalOut]
    total: int
    page: int
    per_page: int
    pages: int
    kinds: dict[str, int]


@dataclass
class ReviewOutcome:
    """What a decision did: people updated (`accepted`; `unchanged` when nothing was
    left to change), people added (`separated`), proposals dropped because their
    person is gone, and the message in words."""

    accepted: int = 0
    unchanged: int = 0
    separated: int = 0
    dropped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # refused, left waiting
    person_ids: list[int] = field(default_factory=list)  # the people updated or added
    message: str = ""


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "month") and hasattr(value, "day"):  # a yearly date
        return _day(value.month, value.day, getattr(value, "year", None))
    return str(value)


def field_changes(state: PersonState, patch: PersonPatch) -> list[FieldChange]:
    """What `patch` would change about `state`, field by field, in words: a value
    replaced ("title: (none) → Designer"), or items added ("email: + ana@acme.com")."""
    found: list[FieldChange] = []
    given: Mapping[str, Any] = patch.given()
    for name in ORDER:
        if name not in given:
            continue
        value = given[name]
        label = LABELS.get(name, name.replace("_", " "))
        if isinstance(value, Items):
            for item in value.values:
                found.append(FieldChange(label, None, str(item), f"{label}: + {item}"))
            continue
        if name in ("given_name", "family_name") and "full_name" in given:
            continue  # the name says it
        before = _yearly(state, name) if name in _YEARLY else _text(getattr(state, name, None))
        after = _text(value)
        if before != after:
            text = f"{label}: {before or NONE} → {after or NONE}"
            found.append(FieldChange(label, before, after, text))
    return found


def _yearly(state: PersonState, name: str) -> str | None:
    kind, label = _YEARLY[name]
    for _, stored_kind, stored_label, month, day, year in state.dates:
        if stored_kind == kind and (label is None or stored_label == label):
            return _day(month, day, year)
    return None


def _day(month: int, day: int, year: int | None) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
