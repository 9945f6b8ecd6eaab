"""View-models: what each page shows, built once from the services. A page renders
one of these as HTML and its JSON twin returns it as JSON."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from rapport.domain.agenda import groups
from rapport.domain.agenda.groups import Listed
from rapport.domain.people_filter import HEALTH_BANDS, PeopleFilter
from rapport.domain.people_filter import of as people_filter_of
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
from rapport.errors import Invalid, NotFound
from rapport.services import (
    agenda,
    agenda_facts,
    brief,
    events,
    health,
    insights,
    interactions,
    lists,
    milestones,
    people,
    people_filter,
    profile,
    promise_rates,
    promises,
)
from rapport.services.context import Ctx

PER_PAGE = 50


@dataclass(frozen=True)
class TodayView:
    agenda: Agenda
    upcoming: list[MilestoneOut]  # the first UPCOMING_SHOWN
    my_promises: list[CommitmentOut]
    recent: list[InteractionOut]
    people: int
    # the agenda as the page lists it: near-identical entries grouped, the first `show`
    listed: list[Listed] = field(default_factory=list)
    listed_people: int = 0  # how many people `listed` holds
    more: bool = False  # whether anything is left after `listed`
    events: list[tuple[int, str, dt.date]] = field(default_factory=list)  # met where?
    lists: list[tuple[int, str]] = field(default_factory=list)  # to show one list's agenda
    list_id: int | None = None  # the list whose people alone the agenda shows
    upcoming_total: int = 0  # how many dates come up in the fortnight, shown or not


UPCOMING_DAYS = 14  # the dates coming up, on the Today page
UPCOMING_SHOWN = 10  # … the soonest of them; the rest counted

# entries written out beyond those shown, so a group at the end of a page is whole
GROUP_LOOKAHEAD = 50


def today(ctx: Ctx, *, show: int | None = None, list_id: int | None = None) -> TodayView:
    """The agenda with what surrounds it: dates coming up, promises I owe, the
    latest conversations, whether there is anyone yet (for the empty state), and
    the events someone may have just been met at. The agenda is listed grouped
    (`domain.agenda.groups`), its first `show` entries or groups (all without);
    only the people on the list `list_id` when given."""
    who = None
    if list_id is not None:
        try:
            who = lists.people_of(ctx, list_id)
        except NotFound:  # a link to a list since deleted: everyone's agenda
            list_id = None
    built = agenda.build(ctx, limit=None if show is None else show + GROUP_LOOKAHEAD, people=who)
    met_at = [
        e.reasons[0].ref_id
        for e in built.entries
        if e.reasons and e.reasons[0].kind == "follow-up" and e.reasons[0].ref_id is not None
    ]
    everything = groups.grouped(built.entries, events.names(ctx, met_at))
    listed, held = groups.page(everything, len(everything) if show is None else show)
    rules = agenda_facts.rules(ctx)
    upcoming, upcoming_total = milestones.upcoming_first(ctx, UPCOMING_DAYS, UPCOMING_SHOWN)
    return TodayView(
        agenda=built,
        upcoming=upcoming,
        upcoming_total=upcoming_total,
        my_promises=promises.listing(ctx, owner="me", status="open", limit=10),
        recent=interactions.recent(ctx, limit=5),
        people=people.count(ctx),
        listed=listed,
        listed_people=held,
        more=held < built.total,
        events=events.recent(ctx, ctx.today - dt.timedelta(days=rules.follow_up_days)),
        lists=lists.names(ctx),
        list_id=list_id,
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

    def criteria(self) -> PeopleFilter:
        """Who these filters choose, without the page's sorting and paging."""
        return people_filter_of({
            "type": self.type, "tag": self.tag,
            "organization": self.organization, "health": self.health, "field": self.field,
        })  # fmt: skip

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
    """One page of people with their health (`services.people_filter.choose`)."""
    f = filters.checked()
    offset = f.offset
    found = people_filter.choose(
        ctx, f.criteria(), archived=f.archived, sort=f.sort, limit=f.limit, offset=offset
    )
    return PeopleView(
        rows=[PersonRow(p, found.health.get(p.id)) for p in found.people],
        total=found.total,
        limit=f.limit,
        offset=offset,
        page=offset // f.limit + 1,
        pages=max(1, math.ceil(found.total / f.limit)),
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
