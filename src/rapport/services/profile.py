"""Everything about one person, for their page and `rapport person show`."""

from __future__ import annotations

from rapport.domain.records import Profile
from rapport.services import events, favours, interactions, mentoring, milestones, people, promises
from rapport.services.context import Ctx


def profile(ctx: Ctx, person_id: int, *, interactions_limit: int = 50) -> Profile:
    """Their details, latest conversations, promises, favours, dates, events and
    mentoring: each read once."""
    # held for the whole read: the session keeps rows weakly, and the services
    # below look the person up (to check, to name) through it without a query
    row = people.get(ctx, person_id)
    return Profile(
        person=people.out(ctx, row),
        interactions=interactions.timeline(ctx, person_id, limit=interactions_limit),
        commitments=promises.listing(ctx, person_id=person_id, status=None),
        exchanges=favours.listing(ctx, person_id=person_id),
        balance=favours.balance(ctx, person_id),
        milestones=milestones.for_person(ctx, person_id),
        events=events.for_person(ctx, person_id),
        mentorships=mentoring.mentorships(ctx, person_id=person_id),
        introductions=mentoring.introductions(ctx, person_id=person_id),
        feedback=mentoring.feedback(ctx, person_id=person_id),
        interaction_count=interactions.count_for(ctx, person_id),
    )
