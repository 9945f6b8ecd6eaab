"""Relationship health for one person or the whole network, aggregated in SQL; the
user's corrections of it (a person's points with a reason, the components' weights)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any, TypeAlias

from sqlalchemy import Select, case, func, select

from rapport.domain.cadence import cadence_defaults
from rapport.domain.health import (
    HealthFacts,
    checked_adjustment,
    distribution,
    score,
    value,
    weights_from,
)
from rapport.domain.records import Health, NetworkHealth
from rapport.errors import NotFound
from rapport.services.context import Ctx
from rapport.services.cycle_collection import fewer_collections
from rapport.storage.dates import local_date
from rapport.storage.schema import (
    Commitment,
    Exchange,
    InteractionParticipant,
    Organization,
    Person,
    PersonType,
)

DRIFT_DAYS = 90
NO_ACTIVITY = (None, None, 0, 0, 0, 0, 0)  # a person without conversations in the year
NO_PROMISES = (0, 0, 0, 0, 0)
WEIGHTS_SETTING = "health_weights"  # the workspace setting holding the components' weights
# id, name, own cadence, last contact's day, met on, added on, strained, strained since,
# the user's correction and its reason
PeopleQuery: TypeAlias = Select[
    int,
    str,
    int | None,
    dt.date,
    dt.date | None,
    dt.date,
    bool,
    dt.date | None,
    int | None,
    str | None,
]


def _utc(day: dt.date, ctx: Ctx) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), ctx.tz).astimezone(dt.UTC)


def _facts(
    ctx: Ctx, as_of: dt.date, person_ids: Sequence[int] | None, *, archived: bool = False
) -> list[HealthFacts]:
    """Health facts of active people (or `person_ids`) as they stood at the end of
    `as_of`, from a handful of grouped queries (never one per person)."""
    # 50,000 rows and facts alive at once: cycle collections found nothing (-15%)
    with fewer_collections():
        return _gather(ctx, as_of, person_ids, archived=archived)


def _gather(
    ctx: Ctx, as_of: dt.date, person_ids: Sequence[int] | None, *, archived: bool
) -> list[HealthFacts]:
    """The people, then each aggregate of theirs (one grouped query each), joined
    into one HealthFacts per person."""
    people_query = _people_query(ctx, person_ids, archived=archived)
    people = ctx.rows(people_query).all()
    if not people:
        return []
    year_ago = as_of - dt.timedelta(days=365)
    activity = _activity(ctx, as_of, person_ids, people_query)
    favours = _favours(ctx, as_of, person_ids)
    promises = _promises(ctx, as_of, person_ids)
    types = _types(ctx, person_ids)
    facts = []
    current = as_of >= ctx.today
    for pid, name, cadence, last, met_on, created, strained, since, points, why in people:
        known = met_on or created
        row = activity.get(pid)
        if known > as_of:
            if row is None and person_ids is None:
                continue  # not yet known on that day (people asked for by id are scored)
            known = as_of  # added later, with earlier conversations imported or backdated
        _, year_last, me, them, warm, tense, in_touch = row or NO_ACTIVITY
        last_contact = last if current else year_last
        given, received = favours.get(pid, (0, 0))
        kept, broken, overdue, their_kept, their_broken = promises.get(pid, NO_PROMISES)
        facts.append(
            HealthFacts(  # positional, in the field order: 50,000 of them
                pid,
                name,
                tuple(types[pid]),
                cadence,
                last_contact,
                known if current or last_contact else min(known, year_ago),
                in_touch or 0,
                me or 0,
                them or 0,
                given,
                received,
                kept,
                broken,
                overdue,
                warm or 0,
                tense or 0,
                bool(strained),
                since,
                points or 0,
                why,
                their_kept,
                their_broken,
            )
        )
    return facts


def _people_query(ctx: Ctx, person_ids: Sequence[int] | None, *, archived: bool) -> PeopleQuery:
    # days in the workspace's zone, worked out by the database: 50,000 people's
    # moments converted in Python cost a third of a second
    query = select(
        Person.id,
        Person.full_name,
        Person.cadence_days,
        local_date(Person.last_contact_at, ctx.tz),
        Person.met_on,
        local_date(Person.created_at, ctx.tz),
        Person.strained,
        Person.strained_since,
        Person.health_adjustment,
        Person.health_adjustment_reason,
    ).where(Person.workspace_id == ctx.workspace_id)
    if not archived:
        query = query.where(Person.archived_at.is_(None))
    if person_ids is not None:
        query = query.where(Person.id.in_(person_ids))
    return query


def _activity(
    ctx: Ctx,
    as_of: dt.date,
    person_ids: Sequence[int] | None,
    people_query: PeopleQuery,
) -> dict[int, Any]:
    """Each person's conversations in the year to `as_of`: the last one's day, how many
    were mine, theirs, warm, tense, and in how many of the twelve months."""
    year_ago = as_of - dt.timedelta(days=365)
    months = [_utc(year_ago + dt.timedelta(days=round((k + 1) * 365 / 12)), ctx) for k in range(12)]
    p = InteractionParticipant
    # the participant rows alone, person by person through the (person, time) index,
    # which covers them: they carry their interaction's direction and tone (one
    # person's year 25 → 2 ms for a close tie; everyone's 0.6 → 0.3 s at 2M)
    who: Any = (
        p.person_id.in_(person_ids)
        if person_ids is not None
        else p.person_id.in_(people_query.with_only_columns(Person.id))
    )
    # the month of the year each conversation falls in (None for the last day), so
    # that months in touch is one count of distinct values, not twelve aggregates
    month = case(*[(p.occurred_at < hi, k) for k, hi in enumerate(months)])
    end = _utc(as_of + dt.timedelta(days=1), ctx)
    query = (
        select(
            p.person_id,
            local_date(func.max(p.occurred_at), ctx.tz),
            func.count().filter(p.direction == "me"),
            func.count().filter(p.direction == "them"),
            func.count().filter(p.tone == "warm"),
            func.count().filter(p.tone == "tense"),
            func.count(month.distinct()),
        )
        .where(who, p.occurred_at >= _utc(year_ago, ctx), p.occurred_at < end)
        .group_by(p.person_id)
    )
    return {row[0]: row for row in ctx.rows(query)}


def _favours(
    ctx: Ctx, as_of: dt.date, person_ids: Sequence[int] | None
) -> dict[int, tuple[int, int]]:
    """(given, received) favours by person, up to `as_of`."""
    query = (
        select(
            Exchange.person_id,
            func.sum(case((Exchange.direction == "given", 1), else_=0)),
            func.sum(case((Exchange.direction == "received", 1), else_=0)),
        )
        .where(Exchange.workspace_id == ctx.workspace_id, Exchange.occurred_on <= as_of)
        .group_by(Exchange.person_id)
    )
    if person_ids is not None:  # one person's page: not the whole workspace's ledger
        query = query.where(Exchange.person_id.in_(person_ids))
    return {pid: (int(given or 0), int(received or 0)) for pid, given, received in ctx.rows(query)}


def _promises(
    ctx: Ctx, as_of: dt.date, person_ids: Sequence[int] | None
) -> dict[int, tuple[int, int, int, int, int]]:
    """(kept, broken, overdue) of my promises and (kept, broken) of theirs to me, by
    person, as they stood at `as_of`."""
    end = _utc(as_of + dt.timedelta(days=1), ctx)

    def resolved(owner: str, status: str) -> Any:
        return func.sum(
            case(
                (
                    (Commitment.owner == owner)
                    & (Commitment.status == status)
                    & (Commitment.resolved_at < end),
                    1,
                ),
                else_=0,
            )
        )

    overdue = func.sum(
        case(
            (
                (Commitment.owner == "me")
                & (Commitment.status == "open")
                & (Commitment.due_on < as_of),
                1,
            ),
            else_=0,
        )
    )
    query = (
        select(
            Commitment.person_id,
            resolved("me", "kept"),
            resolved("me", "broken"),
            overdue,
            resolved("them", "kept"),
            resolved("them", "broken"),
        )
        .where(Commitment.workspace_id == ctx.workspace_id)
        .group_by(Commitment.person_id)
    )
    if person_ids is not None:
        query = query.where(Commitment.person_id.in_(person_ids))
    return {
        pid: (int(kept or 0), int(broken or 0), int(late or 0), int(tk or 0), int(tb or 0))
        for pid, kept, broken, late, tk, tb in ctx.rows(query)
    }


def _types(ctx: Ctx, person_ids: Sequence[int] | None) -> dict[int, list[str]]:
    types: dict[int, list[str]] = defaultdict(list)
    query = select(PersonType.person_id, PersonType.type).where(
        PersonType.workspace_id == ctx.workspace_id
    )
    if person_ids is not None:
        query = query.where(PersonType.person_id.in_(person_ids))
    for pid, type_ in ctx.rows(query):
        types[pid].append(type_)
    return types


def person_health(ctx: Ctx, person_id: int, day: dt.date | None = None) -> Health:
    """One person's health with its components and explanation."""
    today = day or ctx.today
    facts = _facts(ctx, today, [person_id], archived=True)
    if not facts:  # no such person in this workspace
        raise NotFound(f"no person with id {person_id}")
    defaults = cadence_defaults(ctx.settings.get("cadence"))
    return score(facts[0], today, defaults, weights(ctx))


def scores(
    ctx: Ctx, day: dt.date | None = None, ids: Sequence[int] | None = None
) -> dict[int, int]:
    """Health scores (0-100) by person id: of every active person, or of the people
    `ids` (archived ones included). The numbers alone, without the explanations
    `person_health` writes: a people list filtered by health band needs 50,000
    numbers, not 50,000 sentences."""
    if ids is not None and not ids:
        return {}
    today = day or ctx.today
    defaults = cadence_defaults(ctx.settings.get("cadence"))
    chosen = list(ids) if ids is not None else None
    facts = _facts(ctx, today, chosen, archived=chosen is not None)
    shares = weights(ctx)
    return {f.person_id: value(f, today, defaults, shares) for f in facts}


def network(ctx: Ctx, day: dt.date | None = None, *, drifting: int = 10) -> NetworkHealth:
    """Network-level figures: score distribution and average (people with no contact
    yet apart), people drifting (largest fall over the last 90 days), composition by
    relationship type and industry, favours balance."""
    today = day or ctx.today
    defaults = cadence_defaults(ctx.settings.get("cadence"))
    shares = weights(ctx)
    # the numbers for everyone; the explained score only for the few shown as drifting.
    # A correction stands for the whole record (what Rapport cannot see was so then
    # too): both sides carry it, so a fall is the record's, capped within 0–100
    facts = {f.person_id: f for f in _facts(ctx, today, None)}
    now = {pid: value(f, today, defaults, shares) for pid, f in facts.items()}
    then = today - dt.timedelta(days=DRIFT_DAYS)
    before = {f.person_id: value(f, then, defaults, shares) for f in _facts(ctx, then, None)}
    fallen = sorted(
        (pid for pid, v in now.items() if pid in before and before[pid] - v >= 10),
        key=lambda pid: (now[pid] - before[pid], facts[pid].name),
    )
    falls = [score(facts[pid], today, defaults, shares) for pid in fallen[:drifting]]
    by_type = Counter(
        dict(
            ctx.session.execute(
                select(PersonType.type, func.count())
                .join(Person, Person.id == PersonType.person_id)
                .where(PersonType.workspace_id == ctx.workspace_id, Person.archived_at.is_(None))
                .group_by(PersonType.type)
            ).all()
        )
    )
    by_industry: Counter[str] = Counter()
    for industry, count in ctx.session.execute(
        select(Organization.industry, func.count())
        .select_from(Person)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.workspace_id == ctx.workspace_id, Person.archived_at.is_(None))
        .group_by(Organization.industry)
    ):
        by_industry[industry or "unknown"] += count
    given, received = ctx.session.execute(
        select(
            func.sum(case((Exchange.direction == "given", 1), else_=0)),
            func.sum(case((Exchange.direction == "received", 1), else_=0)),
        ).where(Exchange.workspace_id == ctx.workspace_id)
    ).one()
    # people never in touch are counted apart, and left out of the average: their low
    # score is a label, not a measure of a tie (unless the user vouched for the tie
    # with a correction: then it is their number)
    in_touch = [
        v
        for pid, v in now.items()
        if facts[pid].last_contact_on is not None or facts[pid].adjustment
    ]
    return NetworkHealth(
        day=today,
        people=len(now),
        distribution=distribution(in_touch, len(now) - len(in_touch)),
        average=round(sum(in_touch) / len(in_touch), 1) if in_touch else 0.0,
        drifting=falls[:drifting],
        composition_by_type=dict(by_type.most_common()),
        composition_by_industry=dict(by_industry.most_common()),
        given=int(given or 0),
        received=int(received or 0),
    )


def weights(ctx: Ctx) -> dict[str, float]:
    """The components' weights in use: the workspace's, or the defaults."""
    return weights_from(ctx.settings.get(WEIGHTS_SETTING))


def adjust(ctx: Ctx, person_id: int, points: object, reason: str | None) -> Health:
    """Correct the person's score by `points` (±100; 0 clears the correction) for
    `reason`; their health, corrected, is returned. Undone with `rapport undo`."""
    person = _person(ctx, person_id)
    points, reason = checked_adjustment(points, reason)
    if not points:
        return clear_adjustment(ctx, person_id)
    person.health_adjustment, person.health_adjustment_reason = points, reason
    ctx.journal(
        "health adjust",
        f"Health of {person.full_name} {person.health_adjustment:+d}: "
        f"{person.health_adjustment_reason}",
    )
    ctx.session.flush()
    return person_health(ctx, person_id)


def clear_adjustment(ctx: Ctx, person_id: int) -> Health:
    """Remove the person's correction: their score is the record's again."""
    person = _person(ctx, person_id)
    if person.health_adjustment is not None:
        person.health_adjustment = person.health_adjustment_reason = None
        ctx.journal("health clear", f"Health of {person.full_name} as recorded again")
        ctx.session.flush()
    return person_health(ctx, person_id)


def _person(ctx: Ctx, person_id: int) -> Person:
    person = ctx.session.get(Person, person_id)
    if person is None or person.workspace_id != ctx.workspace_id:
        raise NotFound(f"no person with id {person_id}")
    return person
