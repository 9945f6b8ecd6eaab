"""Keep in touch: who is past their rhythm, how overdue, and the check-in's reason.

`overdue` is the rule; services/keep_in_touch.py runs the same rule as one query so
the database ranks a whole network (tests/test_keep_in_touch.py holds the two to
the same answer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from rapport.domain.agenda.facts import ContactFacts, TouchDue
from rapport.domain.agenda.priorities import CHECK_IN, CHECK_IN_MOST, CHECK_IN_SCALE
from rapport.domain.cadence import effective_cadence, importance_tenths
from rapport.domain.records import AgendaReason, OverdueItem
from rapport.domain.relative_time import plural


def touch_priority(days_since: int, cadence: int, weight_tenths: int) -> float:
    """How overdue a check-in is: min(lateness, 10) × importance + importance, where
    lateness is (days since − rhythm) / rhythm, to four decimals. Computed in integers
    (rounding half up) so that the database, which ranks the whole network with the
    same formula (services/keep_in_touch.py), agrees to the last digit."""
    scaled = 2000 * weight_tenths * min(days_since, 11 * cadence)
    return ((scaled + cadence) // (2 * cadence)) / 10000


def overdue_reason(days_since: int, cadence: int, contacted: bool) -> str:
    if contacted:
        return f"last contact {plural(days_since, 'day')} ago, against a {cadence}-day rhythm"
    return (
        f"no contact recorded in the {plural(days_since, 'day')} since you met, "
        f"against a {cadence}-day rhythm"
    )


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
        items.append(
            OverdueItem(
                person_id=f.person_id,
                person=f.name,
                organization=f.organization,
                cadence_days=cadence,
                days_since=days_since,
                last_contact_on=f.last_contact_on,
                reason=overdue_reason(days_since, cadence, f.last_contact_on is not None),
                priority=touch_priority(days_since, cadence, importance_tenths(f.types)),
            )
        )
    items.sort(key=lambda i: (-i.priority, -i.days_since, i.person, i.person_id))
    return items


def overdue_item(due: TouchDue) -> OverdueItem:
    """`due` as `overdue` lists it."""
    return OverdueItem(
        person_id=due.person_id,
        person=due.name,
        organization=due.organization,
        cadence_days=due.cadence_days,
        days_since=due.days_since,
        last_contact_on=due.last_contact_on,
        reason=overdue_reason(due.days_since, due.cadence_days, due.last_contact_on is not None),
        priority=due.priority,
    )


def touch_key(person_id: int, days_since: int, cadence_days: int, today: dt.date) -> str:
    """The check-in's key: the person and the day it fell due (a new cycle, a new key)."""
    due_on = today - dt.timedelta(days=days_since - cadence_days)
    return f"touch:{person_id}:{due_on.isoformat()}"


def touch_reason_priority(priority: float) -> float:
    """CHECK_IN when just due, up to CHECK_IN_MOST far overdue (weighted by
    importance): below a specific promise, thanks or milestone."""
    return round(min(CHECK_IN + priority / CHECK_IN_SCALE, CHECK_IN_MOST), 4)


def _touch_reason(
    person_id: int, days_since: int, cadence: int, text: str, priority: float, today: dt.date
) -> AgendaReason:
    return AgendaReason(
        kind="keep-in-touch",
        key=touch_key(person_id, days_since, cadence, today),
        text=text,
        action="Send a short check-in: no ask, just interest in how they are",
        priority=touch_reason_priority(priority),
        dismiss_until=today + dt.timedelta(days=cadence),  # one more rhythm period
    )


def keep_in_touch_reasons(
    items: Iterable[OverdueItem], today: dt.date
) -> list[tuple[int, AgendaReason]]:
    return [
        (
            item.person_id,
            _touch_reason(
                item.person_id, item.days_since, item.cadence_days, item.reason, item.priority,
                today,
            ),
        )
        for item in items
    ]  # fmt: skip


def touch_due_reason(due: TouchDue, today: dt.date) -> AgendaReason:
    """The keep-in-touch reason of `due`, as `keep_in_touch_reasons` writes it."""
    text = overdue_reason(due.days_since, due.cadence_days, due.last_contact_on is not None)
    return _touch_reason(due.person_id, due.days_since, due.cadence_days, text, due.priority, today)
