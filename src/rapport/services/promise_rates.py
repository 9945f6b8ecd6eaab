"""Promise rates both ways: how many of my promises I kept, and of theirs they kept,
for one person or the whole network, in all and month by month (one grouped query)."""

from __future__ import annotations

from sqlalchemy import func, select

from rapport.domain.promise_rates import MONTHS, RESOLVED, month_labels, tally
from rapport.domain.records import PromiseRates
from rapport.services.context import Ctx
from rapport.services.insights import month_of
from rapport.services.people import get as get_person
from rapport.storage.schema import Commitment


def rates(ctx: Ctx, person_id: int | None = None, *, months: int = MONTHS) -> PromiseRates:
    """My kept-rate and theirs (with one person, or everyone): in all, and for each of
    the last `months` calendar months (UTC, as Insights counts conversations) by the
    month each promise was resolved, oldest first, empty months included."""
    name = get_person(ctx, person_id).full_name if person_id is not None else None
    month = month_of(ctx, Commitment.resolved_at)
    query = (
        select(Commitment.owner, Commitment.status, month, func.count())
        .where(
            Commitment.workspace_id == ctx.workspace_id,
            Commitment.status.in_(RESOLVED),
            Commitment.resolved_at.is_not(None),
        )
        .group_by(Commitment.owner, Commitment.status, month)
    )
    if person_id is not None:
        query = query.where(Commitment.person_id == person_id)
    counted = [(o, s, m, int(n)) for o, s, m, n in ctx.session.execute(query)]
    return tally(counted, month_labels(ctx.today, months), person_id=person_id, person=name)
