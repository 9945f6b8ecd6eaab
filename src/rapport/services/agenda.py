"""Today's agenda. For now: people overdue against their keep-in-touch rhythm."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import or_, select

from rapport.domain.agenda import ContactFacts, overdue
from rapport.domain.cadence import cadence_defaults
from rapport.domain.records import OverdueItem
from rapport.services.context import Ctx
from rapport.storage.schema import Organization, Person, PersonType


def keep_in_touch(ctx: Ctx, day: dt.date | None = None) -> list[OverdueItem]:
    """People past their cadence on `day` (default today), most overdue first.

    The database returns only people who could be due: active, with a cadence of
    their own or a relationship type, whose last contact is older than the
    shortest cadence anyone can have; the exact rule runs in the domain."""
    today = day or ctx.today
    defaults = cadence_defaults(ctx.settings.get("cadence"))
    shortest = min(defaults.values())
    horizon = dt.datetime.combine(today - dt.timedelta(days=shortest), dt.time(23, 59, 59), dt.UTC)
    typed = select(PersonType.person_id).where(PersonType.workspace_id == ctx.workspace_id)
    query = (
        select(
            Person.id,
            Person.full_name,
            Organization.name,
            Person.cadence_days,
            Person.last_contact_at,
            Person.met_on,
            Person.created_at,
            Person.not_before,
        )
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(
            Person.workspace_id == ctx.workspace_id,
            Person.archived_at.is_(None),
            or_(Person.cadence_days.is_not(None), Person.id.in_(typed)),
            or_(
                Person.cadence_days.is_not(None),
                Person.last_contact_at.is_(None),
                Person.last_contact_at < horizon,
            ),
        )
    )
    rows = ctx.session.execute(query).all()
    types: dict[int, list[str]] = defaultdict(list)
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for pid, type_ in ctx.session.execute(
            select(PersonType.person_id, PersonType.type).where(PersonType.person_id.in_(chunk))
        ):
            types[pid].append(type_)
    facts = [
        ContactFacts(
            person_id=pid,
            name=name,
            organization=org,
            types=tuple(types[pid]),
            cadence_days=cadence,
            last_contact_on=last.astimezone(ctx.tz).date() if last else None,
            known_since=met_on or created.astimezone(ctx.tz).date(),
            not_before=not_before,
        )
        for pid, name, org, cadence, last, met_on, created, not_before in rows
    ]
    return overdue(facts, today, defaults)
