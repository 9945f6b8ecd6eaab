"""View-models: what each page shows, built once from the services. A page renders
one of these as HTML and its JSON twin returns it as JSON."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from rapport.domain.agenda import groups
from rapport.domain.agenda.groups import Listed
from rapport.domain.promise_rates import month_labels, tally
from rapport.domain.records import (
    Agenda,
    Brief,
    CommitmentOut,
    EventOut,
    Health,
    InteractionOut,
    MilestoneOut,
    NetworkHealth,
    PersonSummary,
    Profile,
    PromiseRates,
)
from rapport.domain.vocabulary import RelationshipType
from rapport.errors import Invalid
from rapport.services import (
    agenda,
    agenda_facts,
    brief,
    events,
    health,
    insights,
    interactions,
    milestones,
    people,
    profile,
    promise_rates,
    promises,
)
from rapport.services.context import Ctx

# Health bands people filter by (score ranges, inclusive).
HEALTH_BANDS: dict[str, tuple[int, int]] = {
    "at-risk": (0, 39),
    "fading": (40, 59),
    "steady": (60, 79),
    "strong": (80, 100),
}
PER_PAGE = 50


@dataclass(frozen=True)
class TodayView:
    agenda: Agenda
    upcoming: list[MilestoneOut]
    my_promises: list[CommitmentOut]
    recent: list[InteractionOut]
    people: int
    # the agenda as the page lists it: near-identical entries grouped, the first `show`
    listed: list[Listed] = field(default_factory=list)
    listed_people: int = 0  # how many people `listed` holds
    more: bool = False  # whether anything is left after `listed`
    events: list[tuple[int, str, dt.date]] = field(default_factory=list)  # met where?


# entries written out beyond those shown, so a group at the end of a page is whole
GROUP_LOOKAHEAD = 50


def today(ctx: Ctx, *, show: int | None = None) -> TodayView:
    """The agenda with what surrounds it: dates coming up, promises I owe, the
    latest conversations, whether there is anyone yet (for the empty state), and
    the events someone may have just been met at. The agenda is listed grouped
    (`domain.agenda.groups`), its first `show` entries or groups (all without)."""
    built = agenda.build(ctx, limit=None if show is None else show + GROUP_LOOKAHEAD)
    met_at = [
        e.reasons[0].ref_id
        for e in built.entries
        if e.reasons and e.reasons[0].kind == "follow-up" and e.reasons[0].ref_id is not None
    ]
    everything = groups.grouped(built.entries, events.names(ctx, met_at))
    listed, held = groups.page(everything, len(everything) if show is None else show)
    rules = agenda_facts.rules(ctx)
    return TodayView(
        agenda=built,
        upcoming=milestones.upcoming(ctx, within_days=14),
        my_promises=promises.listing(ctx, owner="me", status="open")[:10],
        recent=interactions.recent(ctx, limit=5),
        people=people.count(ctx),
        listed=listed,
        listed_people=held,
        more=held < built.total,
        events=events.recent(ctx, ctx.today - dt.timedelta(days=rules.follow_up_days)),
    )


@dataclass(frozen=True)
class PeopleFilters:
    type: str | None = None
    tag: str | None = None
    organization: str | None = None
    field: str | None = None  # one of the user's own fields and its value: "Stage=Seed"
    health: str | None = None
    archived: bool = False
    sort: str = "name"
    limit: int = PER_PAGE
    offset: int = 0

    def checked(self) -> PeopleFilters:
        if self.health and self.health not in HEALTH_BANDS:
            raise Invalid("health", f"{self.health!r} is not one of: {', '.join(HEALTH_BANDS)}")
        if self.offset < 0:
            raise Invalid("offset", "cannot be negative")
        if not 1 <= self.limit <= 500:
            raise Invalid("limit", "must be between 1 and 500")
        return self


@dataclass(frozen=True)
class PersonRow:
    person: PersonSummary
    health: int | None


@dataclass(frozen=True)
class PeopleView:
    rows: list[PersonRow]
    total: int
    limit: int
    offset: int
    page: int
    pages: int
    filters: PeopleFilters
    types: list[str] = field(default_factory=lambda: [t.value for t in RelationshipType])
    bands: list[str] = field(default_factory=lambda: list(HEALTH_BANDS))


def people_page(ctx: Ctx, filters: PeopleFilters) -> PeopleView:
    """One page of people with their health. Without a health filter, the page is
    cut in the database and health is scored for its rows only; with one, every
    active person is scored (grouped queries) and the band picked."""
    f = filters.checked()
    offset = f.offset
    if f.health:
        lo, hi = HEALTH_BANDS[f.health]
        scores = health.scores(ctx)
        matching, _ = people.listing(
            ctx,
            type_=f.type,
            tag=f.tag,
            organization=f.organization,
            field=f.field,
            archived=f.archived,
            sort=f.sort,
            limit=1_000_000,
        )
        chosen = [p for p in matching if lo <= scores.get(p.id, -1) <= hi]
        total = len(chosen)
        summaries = chosen[offset : offset + f.limit]
    else:
        summaries, total = people.listing(
            ctx,
            type_=f.type,
            tag=f.tag,
            organization=f.organization,
            field=f.field,
            archived=f.archived,
            sort=f.sort,
            limit=f.limit,
            offset=offset,
        )
        scores = health.scores(ctx, ids=[p.id for p in summaries])
    return PeopleView(
        rows=[PersonRow(p, scores.get(p.id)) for p in summaries],
        total=total,
        limit=f.limit,
        offset=offset,
        page=offset // f.limit + 1,
        pages=max(1, math.ceil(total / f.limit)),
        filters=f,
    )


@dataclass(frozen=True)
class PersonView:
    profile: Profile
    health: Health
    brief: Brief
    promise_rates: PromiseRates


def person_page(ctx: Ctx, person_id: int) -> PersonView:
    """The profile, read once; the brief and the promise rates derived from it (its
    health read alone)."""
    found = profile.profile(ctx, person_id)
    the_brief = brief.of_profile(ctx, found)
    resolved = [
        (c.owner, c.status, c.resolved_at.astimezone(dt.UTC).strftime("%Y-%m"), 1)
        for c in found.commitments
        if c.resolved_at is not None
    ]
    rates = tally(resolved, month_labels(ctx.today), person_id=person_id, person=found.person.name)
    return PersonView(profile=found, health=the_brief.health, brief=the_brief, promise_rates=rates)


@dataclass(frozen=True)
class InsightsView:
    network: NetworkHealth
    by_month: list[insights.MonthCount]
    favours: list[insights.FavourCounts]
    promises: PromiseRates  # my kept-rate and others', month by month


def insights_page(ctx: Ctx) -> InsightsView:
    return InsightsView(
        network=health.network(ctx),
        by_month=insights.interactions_by_month(ctx),
        favours=insights.favours_by_kind(ctx),
        promises=promise_rates.rates(ctx),
    )


def events_page(ctx: Ctx) -> list[EventOut]:
    return events.listing(ctx, limit=100)
