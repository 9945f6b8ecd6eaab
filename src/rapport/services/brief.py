"""The prep brief: what to know before meeting someone (`rapport brief`, the API's
brief, a person's page), derived from their profile by `domain.brief`."""

from __future__ import annotations

from rapport.domain import brief as rules
from rapport.domain.records import Brief, Profile
from rapport.services import health, profile, upcoming
from rapport.services.context import Ctx


def brief(ctx: Ctx, person_id: int) -> Brief:
    """The brief on one person: their profile (the latest conversations only) read
    once, their health scored, the rest derived."""
    found = profile.profile(ctx, person_id, interactions_limit=rules.RECENT_CONVERSATIONS)
    return of_profile(ctx, found)


def of_profile(ctx: Ctx, found: Profile) -> Brief:
    """The brief from a profile already read (a person's page has one): only the
    health and the next meetings are read."""
    person_id = found.person.id
    return rules.build(
        found,
        health.person_health(ctx, person_id),
        ctx.today,
        upcoming.for_person(ctx, person_id, rules.MEETINGS_AHEAD),
    )
