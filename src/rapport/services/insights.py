"""Figures for the Insights page beyond network health: conversations per month and
favours by kind, each one grouped query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from rapport.domain.promise_rates import month_labels
from rapport.services.context import Ctx
from rapport.storage.schema import Exchange, Interaction


@dataclass(frozen=True)
class MonthCount:
    month: str  # "2026-03"
    count: int


@dataclass(frozen=True)
class FavourCounts:
    kind: str
    given: int
    received: int


def month_of(ctx: Ctx, column: Any) -> Any:
    if ctx.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def interactions_by_month(ctx: Ctx, months: int = 12) -> list[MonthCount]:
    """Conversations in each of the last `months` calendar months (UTC months),
    oldest first, empty months included."""
    labels = month_labels(ctx.today, months)
    first = dt.date.fromisoformat(labels[0] + "-01")
    start = dt.datetime.combine(first, dt.time(0), dt.UTC)
    month = month_of(ctx, Interaction.occurred_at)
    counts: dict[str, int] = dict(
        ctx.session.execute(
            select(month, func.count())
            .where(Interaction.workspace_id == ctx.workspace_id, Interaction.occurred_at >= start)
            .group_by(month)
        ).all()
    )
    return [MonthCount(label, int(counts.get(label, 0))) for label in labels]


def favours_by_kind(ctx: Ctx) -> list[FavourCounts]:
    """Help given and received, by kind (introduction, advice…)."""
    found: dict[str, dict[str, int]] = {}
    for kind, direction, count in ctx.session.execute(
        select(Exchange.kind, Exchange.direction, func.count())
        .where(Exchange.workspace_id == ctx.workspace_id)
        .group_by(Exchange.kind, Exchange.direction)
    ):
        found.setdefault(kind, {})[direction] = int(count)
    return [
        FavourCounts(kind, d.get("given", 0), d.get("received", 0))
        for kind, d in sorted(found.items())
    ]
