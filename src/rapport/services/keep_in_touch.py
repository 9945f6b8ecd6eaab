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
from typing import Any, NamedTuple

from sqlalchemy import CompoundSelect, Select, case, func, literal, or_, select, union_all

from rapport.domain import agenda as rules
from rapport.domain.cadence import DEFAULT_IMPORTANCE, IMPORTANCE, cadence_defaults
from rapport.domain.records import OverdueItem
from rapport.services.context import Ctx
from rapport.storage.dates import days_since, local_date, shifted
from rapport.storage.schema import Organization, Person, PersonType


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
    query = _query(ctx, today)
    u = query.subquery()
    # domain.agenda.touch_priority, in integers
    least = _least(u.c.days, _const(11) * u.c.cadence)
    priority = (_const(2000) * u.c.weight * least + u.c.cadence) // (_const(2) * u.c.cadence)
    by_name: Any = u.c.full_name
    if ctx.session.get_bind().dialect.name == "postgresql":
        by_name = by_name.collate("C")  # code point order, as Python sorts
    ordered = (
        select(
            u.c.id,
            u.c.full_name,
            u.c.organization,
            u.c.cadence,
            u.c.days,
            u.c.contacted,
            u.c.not_before,
            u.c.max_contact_days,
            u.c.preferred_channel,
            priority,
        )
        .where(u.c.days > u.c.cadence)
        .order_by(priority.desc(), u.c.days.desc(), by_name, u.c.id)
    )
    if limit is not None:
        ordered = ordered.limit(limit)
    rows = ctx.rows(ordered)
    # the last contact's day is `days` before today whenever there was one (it is
    # the anchor then): one subtraction here instead of a date column to parse
    return [
        rules.TouchDue(
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
    ]


def _least(a: Any, b: Any) -> Any:
    return case((a < b, a), else_=b)


def _const(value: int | str) -> Any:
    """A constant written into the SQL text when it runs (the statement stays cached):
    SQLite evaluates a literal once, a parameter in every row's expression."""
    return literal(value, literal_execute=True)


def _by_type(values: dict[str, int], default: int | None = None) -> Any:
    """CASE over a person_type row's type: `values[type]`, else `default`."""
    whens = [(PersonType.type == _const(t), _const(v)) for t, v in values.items()]
    return case(*whens, else_=_const(default) if default is not None else None)


def _query(ctx: Ctx, today: dt.date) -> CompoundSelect[Any]:
    """Candidates with their rhythm, importance (tenths) and days since contact.

    Two shapes, each with a cheap plan: people with types (driven by the grouped
    types), and people with only a rhythm of their own (one pass over people). Each
    first drops, by a plain comparison of stored moments, everyone whose anchor is
    within their rhythm with a day to spare (a local day is at most a day behind its
    UTC date); the exact local-day arithmetic then runs on the rest only."""
    defaults = cadence_defaults(ctx.settings.get("cadence"))
    tenths = {str(t): round(w * 10) for t, w in IMPORTANCE.items()}
    default_tenths = round(DEFAULT_IMPORTANCE * 10)
    typed = (
        select(
            PersonType.person_id.label("person_id"),
            func.min(_by_type(defaults)).label("days"),
            func.max(_by_type(tenths, default_tenths)).label("weight"),
        )
        .where(PersonType.workspace_id == ctx.workspace_id)
        .group_by(PersonType.person_id)
        .subquery()
    )
    last_day = local_date(Person.last_contact_at, ctx.tz)
    anchor_day = func.coalesce(last_day, Person.met_on, local_date(Person.created_at, ctx.tz))
    stored_anchor = func.coalesce(Person.last_contact_at, Person.met_on, Person.created_at)
    active = (
        Person.workspace_id == ctx.workspace_id,
        Person.archived_at.is_(None),
        or_(Person.not_before.is_(None), Person.not_before <= today),
    )

    def shape(cadence: Any, weight: Any) -> Select[Any]:
        return select(
            Person.id.label("id"),
            Person.full_name.label("full_name"),
            Organization.name.label("organization"),
            cadence.label("cadence"),
            days_since(today, anchor_day).label("days"),
            Person.last_contact_at.is_not(None).label("contacted"),
            weight.label("weight"),
            Person.not_before.label("not_before"),
            Person.max_contact_days.label("max_contact_days"),
            Person.preferred_channel.label("preferred_channel"),
        ).outerjoin(Organization, Organization.id == Person.organization_id)

    cadence = func.coalesce(Person.cadence_days, typed.c.days)
    with_types = (
        shape(cadence, typed.c.weight)
        .join(typed, typed.c.person_id == Person.id)
        .where(*active, cadence.is_not(None), stored_anchor < shifted(today, 1 - cadence))
    )
    has_types = select(PersonType.person_id).where(PersonType.person_id == Person.id).exists()
    own_only = shape(Person.cadence_days, _const(default_tenths)).where(
        *active,
        Person.cadence_days.is_not(None),
        ~has_types,
        stored_anchor < shifted(today, 1 - Person.cadence_days),
    )
    return union_all(with_types, own_only)
