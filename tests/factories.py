"""Test data made by plain functions, with realistic defaults and overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rapport.domain.agenda import ContactFacts, overdue
from rapport.domain.cadence import cadence_defaults
from rapport.domain.records import InteractionOut, OverdueItem, PersonOut
from rapport.services import interactions, people
from rapport.services.context import Ctx


def make_person(ctx: Ctx, name: str = "Ana Lima", **fields: Any) -> PersonOut:
    """A person as the test says, even one whose email or phone another person has
    (tests of merging and matching need such records; the door is tested by adding)."""
    return people.add(ctx, {"full_name": name, **fields}, force=True)


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


def overdue_by_the_rule(ctx: Ctx, today: dt.date) -> list[OverdueItem]:
    """Keep-in-touch as the domain's rule (`domain.agenda.overdue`) lists it when given
    every person of the workspace, with no help from the database: the reference
    `services.touch` is held to."""
    everyone = [people.show(ctx, s.id) for s in people.listing(ctx, limit=10_000)[0]]
    facts = [
        ContactFacts(
            person_id=p.id,
            name=p.name,
            organization=p.organization,
            types=tuple(p.types),
            cadence_days=p.cadence_days,
            last_contact_on=p.last_contact_at.astimezone(ctx.tz).date()
            if p.last_contact_at
            else None,
            known_since=p.met_on or p.created_at.astimezone(ctx.tz).date(),
            not_before=p.not_before,
        )
        for p in everyone
    ]
    return overdue(facts, today, cadence_defaults(ctx.settings.get("cadence")))


def migrated_back_to(engine: Any, revision: str) -> None:
    """Run the migrations' downgrades until `revision`: the database as a Rapport of
    that revision left it (schema, and the revision recorded), for first-open tests."""
    from alembic import command

    from rapport.storage import migrate

    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
