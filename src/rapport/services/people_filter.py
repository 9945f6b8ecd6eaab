"""The people a filter (`domain.people_filter`) chooses: the one rule behind the
People page, its API twin, saved lists and bulk edits on a filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapport.domain.people_filter import HEALTH_BANDS, PeopleFilter
from rapport.domain.records import PersonSummary
from rapport.services import health, people
from rapport.services.context import Ctx

EVERYONE = 1_000_000  # no page: everyone who matches


@dataclass(frozen=True)
class Chosen:
    people: list[PersonSummary]  # the page asked for
    total: int  # how many match in all
    health: dict[int, int]  # the health of `people` (every active person's with a band)


def _matching(ctx: Ctx, f: PeopleFilter, **page: Any) -> tuple[list[PersonSummary], int]:
    """`people.listing` with every criterion of `f` but the health band: the one
    place the filter's fields are passed on, so a filter added to `PeopleFilter` is
    added here once (a copy per caller once forgot the field filter)."""
    return people.listing(
        ctx, type_=f.type, tag=f.tag, organization=f.organization, field=f.field, **page
    )


def choose(
    ctx: Ctx,
    f: PeopleFilter,
    *,
    archived: bool = False,
    sort: str = "name",
    limit: int = EVERYONE,
    offset: int = 0,
) -> Chosen:
    """One page of the people `f` chooses, with their health. Without a health band
    the page is cut in the database and health scored for its rows only; with one,
    every active person is scored (grouped queries) and the band picked."""
    if f.health:
        lo, hi = HEALTH_BANDS[f.health]
        scores = health.scores(ctx)
        matching, _ = _matching(ctx, f, archived=archived, sort=sort, limit=EVERYONE)
        picked = [p for p in matching if lo <= scores.get(p.id, -1) <= hi]
        return Chosen(picked[offset : offset + limit], len(picked), scores)
    found, total = _matching(ctx, f, archived=archived, sort=sort, limit=limit, offset=offset)
    return Chosen(found, total, health.scores(ctx, ids=[p.id for p in found]))


def ids(ctx: Ctx, f: PeopleFilter) -> list[int]:
    """Everyone active `f` chooses, by name (health scored only for a band)."""
    if f.health:
        return [p.id for p in choose(ctx, f).people]
    return [p.id for p in _matching(ctx, f, limit=EVERYONE)[0]]
