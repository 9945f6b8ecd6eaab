"""Who can introduce the user to someone (`rapport path`), and who knows a person.

The ties are read around the people asked about: conversations shared (in groups of
up to `LARGE_GROUP`) from the ties kept for them (`storage.person_ties`, kept
current by `services.ties`: no interaction is read here), and, from their own small
indexed tables, the introductions recorded, events attended together and stretches
at one organisation that overlap (role history, and the organisation they are at
now). Two levels are read: the target's ties, then the ties of their strongest
`EXPANDED` ties, so a path can run through two people. The user's own tie to each
first person is their health score, worked out only for the people who can change
the answer. `domain.warm_paths` ranks; this module only gathers.

At 50,000 people and 2,000,000 interactions a path takes 133 ms (median of 15
random people; 311 ms at most, 287 ms for the closest tie): `python -m bench.paths`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, union_all
from sqlalchemy.orm import aliased

from rapport.domain import warm_paths
from rapport.domain.dates import day_range
from rapport.domain.health import NO_CONTACT_CAP
from rapport.domain.relative_time import plural
from rapport.domain.warm_paths import A, B, Hop, Link, WarmPath
from rapport.errors import Conflict, NotFound
from rapport.services import health, organizations
from rapport.services.context import Ctx
from rapport.storage.person_ties import PersonTie
from rapport.storage.schema import (
    Event,
    EventAttendee,
    Introduction,
    Organization,
    Person,
    Role,
    User,
)

EXPANDED = 25  # the target's strongest ties whose own ties are read too
MAX_TARGETS = 200  # people at one organisation a path is looked for
PEERS = 60  # colleagues read per organisation: the ones last in touch with the user
CHUNK = 900  # ids per IN (…): well under either backend's limit on parameters
SCORED = 100  # people whose health is scored at a time, the most promising first
KEPT = 60  # a person's strongest ties kept: weaker ones make no path worth asking for
CONVERSATION_YEARS = 5  # conversations shared longer ago tie no one together


@dataclass(frozen=True)
class Paths:
    """The best warm paths to `target` (a person, or everyone known at an
    organisation), and who is tied to them (a person's page: "Who knows them")."""

    target: str
    paths: list[WarmPath]
    known_by: list[Hop]


@dataclass(frozen=True)
class IntroductionDraft:
    to_person_id: int
    to: str
    subject: str
    body: str


def to_person(ctx: Ctx, person_id: int, *, limit: int = 5) -> Paths:
    """The warm paths to one person and the people tied to them."""
    person = _active(ctx, person_id)
    links = _links_around(ctx, {person.id})
    ranked = _rank(ctx, {person.id: person.full_name}, links, limit)
    names = _names(ctx, {i for link in links for i in (link.a, link.b)})
    known = warm_paths.neighbours(person.id, links, names)
    return Paths(person.full_name, ranked, known[: limit * 2])


def to_organization(ctx: Ctx, ref: str, *, limit: int = 5) -> Paths:
    """The warm paths to anyone the user knows of at an organisation now."""
    org = organizations.find(ctx, ref)
    current_role = select(Role.person_id).where(
        Role.workspace_id == ctx.workspace_id,
        Role.organization_id == org.id,
        Role.ended_on.is_(None),
    )
    rows = ctx.session.execute(
        select(Person.id, Person.full_name)
        .where(
            Person.workspace_id == ctx.workspace_id,
            Person.archived_at.is_(None),
            or_(Person.organization_id == org.id, Person.id.in_(current_role)),
        )
        .order_by(Person.id)
        .limit(MAX_TARGETS)
    ).all()
    targets = {r.id: r.full_name for r in rows}
    if not targets:
        return Paths(org.name, [], [])
    links = _links_around(ctx, set(targets))
    return Paths(org.name, _rank(ctx, targets, links, limit), [])


def introduction(ctx: Ctx, person_id: int, *, about: str = "") -> IntroductionDraft:
    """A message asking the first person of the best warm path to introduce the user
    to `person_id`. Contradicts when there is no one to ask, or the user knows them."""
    found = to_person(ctx, person_id, limit=10)
    through = [p for p in found.paths if not p.direct]
    if not through:
        raise Conflict(
            f"no one Rapport knows of can introduce you to {found.target} yet: record an "
            "introduction, a conversation or an event you were at with them first"
        )
    best = through[0]
    me = ctx.session.scalar(
        select(User.display_name).where(
            User.workspace_id == ctx.workspace_id, User.is_owner.is_(True)
        )
    )
    target = ctx.session.get(Person, person_id)
    assert target is not None
    detail = " at ".join(x for x in (target.title, _org_name(ctx, target.organization_id)) if x)
    subject, body = warm_paths.introduction_request(
        best, me=me or "", target_detail=detail, about=about
    )
    return IntroductionDraft(best.first.person_id, best.first.name, subject, body)


def _active(ctx: Ctx, person_id: int) -> Person:
    person = ctx.session.get(Person, person_id)
    if person is None or person.workspace_id != ctx.workspace_id:
        raise NotFound(f"no person with id {person_id}")
    return person


def _org_name(ctx: Ctx, org_id: int | None) -> str | None:
    if org_id is None:
        return None
    return ctx.session.scalar(select(Organization.name).where(Organization.id == org_id))


def _rank(ctx: Ctx, targets: dict[int, str], links: list[Link], limit: int) -> list[WarmPath]:
    """The best paths, with the user's health scored for as few people as give the
    same answer: the targets and the people tied to them (whether the user knows them
    well decides the paths through them), then the others by the best path they could
    start (their `reach`: the user's tie is at most 1), a batch at a time, until the
    paths found are stronger than any the people left could start."""
    people = set(targets) | {i for link in links for i in (link.a, link.b)}
    names = _names(ctx, people)
    near = set(targets) | {
        link.other(t) for link in links for t in (link.a, link.b) if t in targets
    }
    reach = warm_paths.reach(targets, links)
    scores = _scores(ctx, sorted(near & set(names)))
    rest = sorted(
        (i for i in names if i not in scores and reach.get(i, 0) > 0),
        key=lambda i: (-reach[i], i),
    )
    while True:
        # a person never contacted (at most NO_CONTACT_CAP) is no one to ask a favour of
        ties = {i: s for i, s in scores.items() if s > NO_CONTACT_CAP}
        found = warm_paths.best_paths(targets, links, ties, names, limit=limit)
        if not rest or (len(found) >= limit and found[-1].strength > reach[rest[0]]):
            return found
        scores.update(_scores(ctx, rest[:SCORED]))
        rest = rest[SCORED:]


def _scores(ctx: Ctx, ids: Sequence[int]) -> dict[int, int]:
    scores: dict[int, int] = {}
    for start in range(0, len(ids), CHUNK):
        scores.update(health.scores(ctx, ids=ids[start : start + CHUNK]))
    return scores


def _names(ctx: Ctx, ids: Iterable[int]) -> dict[int, str]:
    """Names of the active people among `ids`: archived people are no path."""
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = ctx.session.execute(
            select(Person.id, Person.full_name).where(
                Person.workspace_id == ctx.workspace_id,
                Person.archived_at.is_(None),
                Person.id.in_(chunk),
            )
        )
        found.update((person_id, name) for person_id, name in rows)
    return found


def _links_around(ctx: Ctx, targets: set[int]) -> list[Link]:
    """The ties of `targets`, then of the strongest of those tied to them."""
    names = _Names(ctx)
    first = _strongest(_links_of(ctx, targets, names), targets)
    strongest: dict[int, float] = defaultdict(float)
    for link in first:
        for end in (link.a, link.b):
            if end not in targets:
                strongest[end] = max(strongest[end], link.strength)
    ranked = sorted(strongest, key=lambda i: (-strongest[i], i))[:EXPANDED]
    chosen = set(ranked)
    return first + _strongest(_links_of(ctx, chosen, names), chosen)


def _strongest(links: list[Link], ids: set[int]) -> list[Link]:
    """Each of `ids`' `KEPT` strongest links (a close tie sat in meetings with
    thousands: the paths worth asking for go through the strongest few)."""
    by_person: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        for end in (link.a, link.b):
            if end in ids:
                by_person[end].append(link)
    kept: dict[int, Link] = {}
    for own in by_person.values():
        own.sort(key=lambda link: -link.strength)
        for link in own[:KEPT]:
            kept[id(link)] = link
    return list(kept.values())


def _links_of(ctx: Ctx, ids: set[int], names: _Names) -> list[Link]:
    if not ids:
        return []
    chosen = sorted(ids)
    return (
        _introductions(ctx, chosen, names)
        + _conversations(ctx, chosen, names)
        + _events(ctx, chosen, names)
        + _colleagues(ctx, chosen, names)
    )


class _Names:
    """Names read on demand for the reasons (one query per batch of unknown ids)."""

    def __init__(self, ctx: Ctx) -> None:
        self._ctx = ctx
        self._known: dict[int, str] = {}

    def load(self, ids: Iterable[int]) -> None:
        missing = {i for i in ids if i not in self._known}
        if not missing:
            return
        wanted = sorted(missing)
        for start in range(0, len(wanted), CHUNK):
            rows = self._ctx.session.execute(
                select(Person.id, Person.full_name, Person.given_name, Person.nickname).where(
                    Person.workspace_id == self._ctx.workspace_id,
                    Person.id.in_(wanted[start : start + CHUNK]),
                )
            ).all()
            for r in rows:
                self._known[r.id] = r.nickname or r.given_name or r.full_name.split()[0]

    def __getitem__(self, person_id: int) -> str:
        return self._known.get(person_id, "someone")


def _introductions(ctx: Ctx, ids: Sequence[int], names: _Names) -> list[Link]:
    ws = Introduction.workspace_id == ctx.workspace_id
    rows = ctx.session.execute(
        select(
            Introduction.introducer_id,
            Introduction.person_id,
            Introduction.to_person_id,
            Introduction.occurred_on,
        ).where(
            ws,
            or_(
                Introduction.introducer_id.in_(ids),
                Introduction.person_id.in_(ids),
                Introduction.to_person_id.in_(ids),
            ),
        )
    ).all()
    introduced_by = ctx.session.execute(
        select(Person.id, Person.introduced_by_id).where(
            Person.workspace_id == ctx.workspace_id,
            Person.introduced_by_id.is_not(None),
            or_(Person.id.in_(ids), Person.introduced_by_id.in_(ids)),
        )
    ).all()
    names.load(
        [i for r in rows for i in (r.introducer_id, r.person_id, r.to_person_id) if i]
        + [i for r in introduced_by for i in (r.id, r.introduced_by_id)]
    )
    links: list[Link] = []
    for r in rows:
        when = r.occurred_on.strftime("%b %Y")
        if r.introducer_id is not None:
            whom = f"{names[r.to_person_id]}" if r.to_person_id else "you"
            reason = f"{names[r.introducer_id]} introduced {names[r.person_id]} to {whom} ({when})"
            links.append(
                Link(r.introducer_id, r.person_id, "introduced", warm_paths.INTRODUCED, reason)
            )
            if r.to_person_id is not None:
                links.append(
                    Link(
                        r.introducer_id, r.to_person_id, "introduced", warm_paths.INTRODUCED, reason
                    )
                )
        if r.to_person_id is not None:
            by = f"by {names[r.introducer_id]}" if r.introducer_id else "by you"
            reason = (
                f"{names[r.person_id]} and {names[r.to_person_id]} were introduced {by} ({when})"
            )
            links.append(
                Link(
                    r.person_id,
                    r.to_person_id,
                    "introduced",
                    warm_paths.INTRODUCED_TO_EACH_OTHER,
                    reason,
                )
            )
    for person_id, introducer_id in introduced_by:
        assert introducer_id is not None
        reason = f"{names[introducer_id]} introduced you to {names[person_id]}"
        links.append(Link(introducer_id, person_id, "introduced", warm_paths.INTRODUCED, reason))
    return links


def _conversations(ctx: Ctx, ids: Sequence[int], names: _Names) -> list[Link]:
    """Each of `ids`' strongest conversation ties, read from the ties kept
    (`storage.person_ties`): the `KEPT` most shared among recent ties and among
    cooled ones (over two years), so the `KEPT` strongest are among them, from either
    end of the pair, in one indexed query per person. A tie counts every conversation
    the two shared; it ties them while the latest is under `CONVERSATION_YEARS` old."""
    t = PersonTie  # by person (each is in one workspace), through their own indexes
    since = dt.datetime.combine(
        ctx.today - dt.timedelta(days=365 * CONVERSATION_YEARS), dt.time(), tzinfo=dt.UTC
    )
    cooled = dt.datetime.combine(
        ctx.today - dt.timedelta(days=warm_paths.OLD_DAYS), dt.time(), tzinfo=ctx.tz
    )
    columns = (t.person_id, t.other_id, t.conversations, t.last_conversation_at)
    long_ago = ctx.today - dt.timedelta(days=warm_paths.OLD_DAYS + 1)
    rows: dict[tuple[int, int], tuple[int, dt.datetime]] = {}
    # one statement, run for each person (built once: building it is half the cost)
    parts = [
        select(*columns)
        .where(end == bindparam("person"), *when)
        .order_by(t.conversations.desc())
        .limit(KEPT)
        .subquery()
        for end in (t.person_id, t.other_id)
        for when in (
            (t.last_conversation_at >= cooled,),
            (t.last_conversation_at >= since, t.last_conversation_at < cooled),
        )
    ]
    query = union_all(*(select(part) for part in parts))
    for person_id in ids:
        own: list[tuple[float, int, int, int, dt.datetime]] = []
        for a, b, n, last in ctx.session.execute(query, {"person": person_id}):
            if isinstance(last, str):  # SQLite's raw text through a union
                last = dt.datetime.fromisoformat(last)
            moment = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
            # ranked before any date is worked out in the user's zone (the reasons
            # of the few kept need it; thousands of conversions cost 0.1 s)
            day = long_ago if moment < cooled else ctx.today
            strength = warm_paths.conversations_strength(n, day, ctx.today)
            own.append((strength, n, a, b, moment))
        own.sort(key=lambda row: (-row[0], -row[1], row[2], row[3]))
        for _, n, a, b, moment in own[:KEPT]:
            rows[a, b] = (n, moment)
    names.load([i for pair in rows for i in pair])
    links = []
    for (a, b), (n, moment) in rows.items():
        last = moment.astimezone(ctx.tz).date()
        strength = warm_paths.conversations_strength(n, last, ctx.today)
        together = plural(n, "conversation")
        reason = (
            f"{A} and {B} were both in {together} of yours, "
            f"the last on {last.strftime('%-d %b %Y')}"
        )
        links.append(Link(a, b, "conversations", strength, reason, "", names[a], names[b]))
    return links


def _events(ctx: Ctx, ids: Sequence[int], names: _Names) -> list[Link]:
    mine, theirs = aliased(EventAttendee), aliased(EventAttendee)
    rows = ctx.session.execute(
        select(
            mine.person_id.label("a"),
            theirs.person_id.label("b"),
            Event.name,
            Event.starts_on,
            Event.ends_on,
        )
        .join(theirs, and_(theirs.event_id == mine.event_id, theirs.person_id != mine.person_id))
        .join(Event, Event.id == mine.event_id)
        .where(mine.workspace_id == ctx.workspace_id, mine.person_id.in_(ids))
    ).all()
    names.load([i for r in rows for i in (r.a, r.b)])
    return [
        Link(
            r.a,
            r.b,
            "event",
            warm_paths.SAME_EVENT,
            f"{A} and {B} were both at {r.name} ({day_range(r.starts_on, r.ends_on)})",
            f"you were both at {r.name}",
            names[r.a],
            names[r.b],
        )
        for r in rows
    ]


def _colleagues(ctx: Ctx, ids: Sequence[int], names: _Names) -> list[Link]:
    """Ties of `ids` to the people at the same organisation at the same time (role
    history) or now (where each works today). At a large organisation, only the
    `PEERS` people there the user was last in touch with are read: all such ties are
    as strong, and a person's strongest `KEPT` are all a path uses, so those the user
    can ask are the ones worth keeping (and an organisation of thousands would
    otherwise be thousands of rows per person)."""
    ws = ctx.workspace_id
    mine = ctx.session.execute(
        select(Role.person_id, Role.organization_id, Role.started_on, Role.ended_on).where(
            Role.workspace_id == ws, Role.person_id.in_(ids)
        )
    ).all()
    current = ctx.session.execute(
        select(Person.id, Person.organization_id).where(
            Person.workspace_id == ws,
            Person.id.in_(ids),
            Person.organization_id.is_not(None),
        )
    ).all()
    orgs = sorted(
        {r.organization_id for r in mine if r.organization_id is not None}
        | {c.organization_id for c in current}
    )
    if not orgs:
        return []
    org_names = dict(
        ctx.session.execute(
            select(Organization.id, Organization.name).where(Organization.id.in_(orgs))
        ).all()
    )
    last_in_touch = (Person.last_contact_at.desc().nulls_last(), Person.id)
    stretches = (
        select(
            Role.person_id,
            Role.organization_id,
            Role.started_on,
            Role.ended_on,
            func.row_number()
            .over(partition_by=Role.organization_id, order_by=last_in_touch)
            .label("rank"),
        )
        .join(Person, Person.id == Role.person_id)
        .where(
            Role.workspace_id == ws, Role.organization_id.in_(orgs), Person.archived_at.is_(None)
        )
        .subquery()
    )
    theirs = ctx.session.execute(select(stretches).where(stretches.c.rank <= PEERS)).all()
    now_at = sorted({c.organization_id for c in current})
    there = (
        select(
            Person.id,
            Person.organization_id,
            func.row_number()
            .over(partition_by=Person.organization_id, order_by=last_in_touch)
            .label("rank"),
        )
        .where(
            Person.workspace_id == ws,
            Person.organization_id.in_(now_at),
            Person.archived_at.is_(None),
        )
        .subquery()
    )
    peers = ctx.session.execute(
        select(there.c.id, there.c.organization_id).where(there.c.rank <= PEERS)
    ).all()
    names.load(
        [r.person_id for r in mine]
        + [r.person_id for r in theirs]
        + [c.id for c in current]
        + [p.id for p in peers]
    )
    best: dict[tuple[int, int], Link] = {}

    def keep(a: int, b: int, strength: float, reason: str, context: str) -> None:
        if (a, b) not in best or strength > best[a, b].strength:
            best[a, b] = Link(a, b, "colleagues", strength, reason, context, names[a], names[b])

    by_org: dict[int, list[Any]] = defaultdict(list)
    for r in theirs:
        by_org[r.organization_id].append(r)
    for m in mine:
        name = org_names.get(m.organization_id, "")
        for r in by_org.get(m.organization_id, ()):
            if r.person_id == m.person_id:
                continue
            stretch = (m.started_on, m.ended_on)
            if not warm_paths.overlap(stretch, (r.started_on, r.ended_on)):
                continue
            if m.ended_on is None and r.ended_on is None:
                now = f"{A} and {B} are both at {name}"
                keep(m.person_id, r.person_id, warm_paths.COLLEAGUES_NOW, now,
                     f"you both work at {name}")  # fmt: skip
                continue
            years = warm_paths.together_years(stretch, (r.started_on, r.ended_on))
            reason = f"{A} and {B} were both at {name}{years}"
            keep(m.person_id, r.person_id, warm_paths.COLLEAGUES_BEFORE, reason,
                 f"you were both at {name}")  # fmt: skip
    peers_at: dict[int, list[int]] = defaultdict(list)
    for person_id, org_id in peers:
        peers_at[org_id].append(person_id)
    for c in current:
        name = org_names.get(c.organization_id, "")
        for other in peers_at.get(c.organization_id, ()):
            if other != c.id:
                now = f"{A} and {B} are both at {name}"
                keep(c.id, other, warm_paths.COLLEAGUES_NOW, now, f"you both work at {name}")
    return list(best.values())
