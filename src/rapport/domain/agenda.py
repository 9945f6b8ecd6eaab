"""The agenda's keep-in-touch rule: who is past their cadence, ranked and explained."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapport.domain.cadence import effective_cadence, importance
from rapport.domain.records import OverdueItem


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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def overdue(
    facts: Iterable[ContactFacts], today: dt.date, defaults: Mapping[str, int]
) -> list[OverdueItem]:
    """People whose last contact is older than their cadence, most overdue first
    (lateness relative to the cadence, weighted by the relationship's importance)."""
    items = []
    for f in facts:
        cadence = effective_cadence(f.cadence_days, f.types, defaults)
        if cadence is None or (f.not_before and f.not_before > today):
            continue
        anchor = f.last_contact_on or f.known_since
        days_since = (today - anchor).days
        if days_since <= cadence:
            continue
        lateness = (days_since - cadence) / cadence
        if f.last_contact_on:
            reason = (
                f"last contact {_plural(days_since, 'day')} ago, against a {cadence}-day rhythm"
            )
        else:
            reason = (
                f"no contact recorded in the {_plural(days_since, 'day')} since you met, "
                f"against a {cadence}-day rhythm"
            )
        items.append(
            OverdueItem(
                person_id=f.person_id,
                person=f.name,
                organization=f.organization,
                cadence_days=cadence,
                days_since=days_since,
                last_contact_on=f.last_contact_on,
                reason=reason,
                priority=round(min(lateness, 10.0) * importance(f.types) + importance(f.types), 4),
            )
        )
    items.sort(key=lambda i: (-i.priority, -i.days_since, i.person, i.person_id))
    return items
