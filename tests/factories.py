"""Test data made by plain functions, with realistic defaults and overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rapport.domain.records import InteractionOut, PersonOut
from rapport.services import interactions, people
from rapport.services.context import Ctx


def make_person(ctx: Ctx, name: str = "Ana Lima", **fields: Any) -> PersonOut:
    return people.add(ctx, {"full_name": name, **fields})


def make_interaction(
    ctx: Ctx,
    people_ids: list[int],
    *,
    on: dt.date | None = None,
    at: dt.datetime | None = None,
    kind: str = "meeting",
    summary: str = "Caught up",
    **fields: Any,
) -> InteractionOut:
    day = on or ctx.today
    return interactions.log(
        ctx,
        interactions.InteractionIn(
            kind=kind,
            occurred_at=at or dt.datetime.combine(day, dt.time(12, 0), tzinfo=ctx.tz),
            participant_ids=people_ids,
            summary=summary,
            **fields,
        ),
    )
