"""Keep in touch, ranked by the database.

The rule is the domain's (`domain.agenda.overdue`): a person is due when the days
since their last contact (in the workspace's time zone), or since they became known,
exceed their rhythm (their own, else the tightest default of their types); lateness
weighted by the relationship's importance ranks them. Here the same rule runs as one
query, so the database ranks the whole network and Python reads only the rows it
shows (`limit`). tests/test_keep_in_touch.py holds the two to the same answer on random
networks in several zones.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable
from typing import Any, NamedTuple

from sqlalchemy import Select, case, func, literal, or_, select

from rapport.domain import agenda as rules
from rapport.domain.agenda.keep_in_touch import touch_reason_priority
from rapport.domain.records import OverdueItem
from rapport.services import touch_state
from rapport.services.context import Ctx
from rapport.storage.dates import days_since
from rapport.storage.schema import Organization, Person

CHUNK = 4000  # ids per query: well under SQLite's 32,766 variables


class Due(NamedTuple):
    """One overdue person as the agenda needs them: the item and their boundaries."""

    item: OverdueItem
    not_before: dt.date | None
    max_contact_days: int | None
    preferred_channel: str | None


def ranked(ctx: Ctx, today: dt.date, *, limit: int | None = None) -> list[Due]:
    """Everyone past their rhythm on `today` (or the first `limit`), most overdue
    first, as `domain.agenda.overdue` orders them."""
    return [
        Due(rules.overdue_item(t), t.not_before, t.max_contact_days, t.preferred_channel)
        for t in due(ctx, today, limit=limit)
    ]


def due(ctx: Ctx, today: dt.date, *, limit: int | None = None) -> list[rules.TouchDue]:
    """`ranked` as numbers, without the items' sentences (the agenda writes those
    only for the people it shows)."""
    touch_state.current(ctx)
    u = _query(ctx, today).subquery()
    priority = _priority(u)
    ordered = select(*_columns(u), priority).order_by(
        priority.desc(), u.c.days.desc(), _by_name(ctx, u), u.c.id
    )
    if limit is not None:
        ordered = ordered.limit(limit)
    return list(_read(today, ctx.rows(ordered)).values())


def for_agenda(
    ctx: Ctx, today: dt.date, limit: int, ids: Collection[int]
) -> tuple[list[rules.TouchDue], int]:
    """The open check-ins (not held back by a person's boundaries) a `limit`ed agenda
    needs, and how many there are in all: those of the people `ids` (who have other
    reasons or marked check-ins), and the first `limit` + (how many of those are due)
    of everyone in the agenda's order (`domain.agenda.assemble`: the check-in reason's
    priority, then name, then id), so that whatever the marks and other reasons take out or merge,
    every entry the agenda returns is among them. The rest are counted, not read."""
    touch_state.current(ctx)
    # ranked and counted on the person rows' covering index alone (the people due, not
    # the network); the rows of those read are fetched after, by id
    u = _query(ctx, today, open_only=True, bare=True).subquery()
    priority = _priority(u)
    wanted = sorted(ids)
    chosen: set[int] = set()  # of `ids`, those due
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        chosen.update(ctx.rows(select(u.c.id).where(u.c.id.in_(chunk))).scalars())
    first = limit + len(chosen)
    capped = _least(priority, _const(capped_priority()))  # the agenda's order while capped
    top = ctx.rows(
        select(u.c.id, priority).order_by(capped.desc(), _by_name(ctx, u), u.c.id).limit(first)
    ).all()
    chosen.update(pid for pid, _ in top)
    if len(top) == first and top[-1][1] < capped_priority():
        # the last one read is below the cap, where check-ins of different priorities
        # may share their reason's (rounded) priority and then rank by name: every
        # one sharing the last one's is read too (a handful)
        lowest = lowest_sharing(top[-1][1])
        chosen.update(
            ctx.rows(
                select(u.c.id).where(priority >= lowest, priority < capped_priority())
            ).scalars()
        )
    total = ctx.rows(select(func.count()).select_from(u)).scalar_one()
    whole = _query(ctx, today, open_only=True).subquery()
    columns = (*_columns(whole), _priority(whole))
    found: dict[int, rules.TouchDue] = {}
    wanted = sorted(chosen)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(_read(today, ctx.rows(select(*columns).where(whole.c.id.in_(chunk)))))
    return list(found.values()), total - len(found)


def _priority(u: Any) -> Any:
    """domain.agenda.touch_priority, in integers (ten-thousandths)."""
    least = _least(u.c.days, _const(11) * u.c.cadence)
    return (_const(2000) * u.c.weight * least + u.c.cadence) // (_const(2) * u.c.cadence)


def _columns(u: Any) -> tuple[Any, ...]:
    return (
        u.c.id, u.c.full_name, u.c.organization, u.c.cadence, u.c.days, u.c.contacted,
        u.c.not_before, u.c.max_contact_days, u.c.preferred_channel,
    )  # fmt: skip


def _by_name(ctx: Ctx, u: Any) -> Any:
    by_name: Any = u.c.full_name
    if ctx.session.get_bind().dialect.name == "postgresql":
        by_name = by_name.collate("C")  # code point order, as Python sorts
    return by_name


def _read(today: dt.date, rows: Iterable[Any]) -> dict[int, rules.TouchDue]:
    # the last contact's day is `days` before today whenever there was one (it is
    # the anchor then): one subtraction here instead of a date column to parse
    return {
        pid: rules.TouchDue(
            person_id=pid,
            name=name,
            organization=org,
            cadence_days=cadence,
            days_since=days,
            last_contact_on=today - dt.timedelta(days=days) if contacted else None,
            priority=priority / 10000,
            not_before=not_before,
            max_contact_days=max_days,
            preferred_channel=channel,
        )
        for pid, name, org, cadence, days, contacted, not_before, max_days, channel, priority in (
            rows
        )
    }


@functools.cache
def capped_priority() -> int:
    """The least touch priority (ten-thousandths) whose check-in reason is at its most
    (`touch_reason_priority`: CHECK_IN_MOST): from there, check-ins rank by name."""
    return lowest_sharing(10**9)


@functools.cache
def lowest_sharing(priority: int) -> int:
    """The least touch priority (ten-thousandths) whose check-in reason's priority is
    that of `priority` (the reason's priority grows with it: a bisection)."""
    wanted = touch_reason_priority(priority / 10000)
    low, high = 0, priority  # reason(low) may be below; reason(high) is wanted
    if touch_reason_priority(low / 10000) == wanted:
        return low
    while high - low > 1:
        middle = (low + high) // 2
        if touch_reason_priority(middle / 10000) == wanted:
            high = middle
        else:
            low = middle
    return high


def _least(a: Any, b: Any) -> Any:
    return case((a < b, a), else_=b)


def _const(value: int | str) -> Any:
    """A constant written into the SQL text when it runs (the statement stays cached):
    SQLite evaluates a literal once, a parameter in every row's expression."""
    return literal(value, literal_execute=True)


def _query(
    ctx: Ctx, today: dt.date, *, open_only: bool = False, bare: bool = False
) -> Select[*tuple[Any, ...]]:
    """Everyone due a check-in on `today`, with their rhythm, importance (tenths) and
    days since contact: read through the (workspace, due day) index from what each
    person carries (`services.touch_state` keeps it current), so only the people due
    are read at all. Due means the days since contact exceed the rhythm: the day a
    check-in falls due (anchor + rhythm) is before today. `open_only`: without the
    people 'at most one contact every N days' holds back (`domain.agenda`'s
    `_bounded`; 'not before' holds back everyone's). `bare`: only the columns the
    ranking needs, all in the (workspace, due day) index, which then covers the query."""
    days = days_since(today, Person.touch_due_on.expression) + Person.touch_cadence
    if bare:
        return select(
            Person.id.label("id"),
            Person.full_name.label("full_name"),
            Person.touch_cadence.label("cadence"),
            days.label("days"),
            Person.touch_weight.label("weight"),
        ).where(*_conditions(ctx, today, days, open_only))
    return (
        select(
            Person.id.label("id"),
            Person.full_name.label("full_name"),
            Organization.name.label("organization"),
            Person.touch_cadence.label("cadence"),
            days.label("days"),
            Person.last_contact_at.is_not(None).label("contacted"),
            Person.touch_weight.label("weight"),
            Person.not_before.label("not_before"),
            Person.max_contact_days.label("max_contact_days"),
            Person.preferred_channel.label("preferred_channel"),
        )
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(*_conditions(ctx, today, days, open_only))
    )


def _conditions(ctx: Ctx, today: dt.date, days: Any, open_only: bool) -> list[Any]:
    """Due on `today` (and, `open_only`, not held back), in the workspace."""
    held_back = (
        [
            or_(
                Person.last_contact_at.is_(None),
                Person.max_contact_days.is_(None),
                Person.max_contact_days <= days,
            )
        ]
        if open_only
        else []
    )
    return [
        Person.workspace_id == ctx.workspace_id,
        Person.touch_due_on < today,
        Person.archived_at.is_(None),
        or_(Person.not_before.is_(None), Person.not_before <= today),
        *held_back,
    ]
