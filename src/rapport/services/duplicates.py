"""Finding people recorded twice: records that share an email or phone, or whose
names are the same or close (`domain.matching` says how close, and why). Records are
compared only within blocks (the same email, phone, name without spaces, Latin
spelling, or family name with a nickname key of the given name), never all pairs."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import func, or_, select

from rapport.domain import matching
from rapport.domain.names import fold
from rapport.domain.person_patch import Changes, PersonState, as_patch, plan
from rapport.domain.records import PersonSummary, SimilarPerson
from rapport.errors import Invalid
from rapport.services import people
from rapport.services.context import Ctx
from rapport.services.person_writer import chunks, find_organizations
from rapport.storage.schema import Organization, Person, PersonEmail, PersonPhone

MAX_GROUP = 50  # a key shared by more people than this is not evidence (a shared inbox)
DOOR_FLOOR = 70  # a close name scoring less is not worth a question when adding someone
MAX_SIMILAR_BLOCK = 400  # a family name and initial this common is compared as a name only


@dataclass(frozen=True)
class DuplicatePair:
    score: int
    reasons: list[str]
    a: PersonSummary
    b: PersonSummary


def _shared_keys(ctx: Ctx, model: type[PersonEmail] | type[PersonPhone]) -> set[tuple[int, int]]:
    """Pairs of people with an email (or phone) in common."""
    key = model.address_key if model is PersonEmail else model.number_key  # type: ignore[union-attr]
    mine = model.workspace_id == ctx.workspace_id
    shared = (
        select(key).where(mine).group_by(key).having(func.count(func.distinct(model.person_id)) > 1)
    )
    groups: dict[str, set[int]] = defaultdict(set)
    for value, person_id in ctx.session.execute(
        select(key, model.person_id).where(mine, key.in_(shared))
    ):
        groups[value].add(person_id)
    return {
        pair
        for ids in groups.values()
        if len(ids) <= MAX_GROUP
        for pair in combinations(sorted(ids), 2)
    }


def facts(ctx: Ctx, ids: Sequence[int] | None = None) -> dict[int, matching.MatchFacts]:
    """What matching knows of each person (everyone in the workspace when `ids` is None)."""
    ws = ctx.workspace_id
    rows: list[tuple[int, str, int | None, str | None]] = []
    emails: dict[int, set[str]] = defaultdict(set)
    phones: dict[int, set[str]] = defaultdict(set)
    for some in [None] if ids is None else chunks(list(ids)):
        people_q = (
            select(Person.id, Person.full_name, Person.organization_id, Organization.name)
            .outerjoin(Organization, Organization.id == Person.organization_id)
            .where(Person.workspace_id == ws)
        )
        email_q = select(PersonEmail.person_id, PersonEmail.address_key).where(
            PersonEmail.workspace_id == ws
        )
        phone_q = select(PersonPhone.person_id, PersonPhone.number_key).where(
            PersonPhone.workspace_id == ws
        )
        if some is not None:
            people_q = people_q.where(Person.id.in_(some))
            email_q = email_q.where(PersonEmail.person_id.in_(some))
            phone_q = phone_q.where(PersonPhone.person_id.in_(some))
        rows.extend(ctx.session.execute(people_q).all())
        for pid, key in ctx.session.execute(email_q):
            emails[pid].add(key)
        for pid, key in ctx.session.execute(phone_q):
            phones[pid].add(key)
    return {
        pid: matching.MatchFacts(
            pid, name, org_id, org, frozenset(emails.get(pid, ())), frozenset(phones.get(pid, ()))
        )
        for pid, name, org_id, org in rows
    }


def _name_pairs(records: Iterable[matching.MatchFacts]) -> set[tuple[int, int]]:
    """Pairs of people whose names share a block; in the 'very similar' blocks, only
    the pairs whose spellings a fast similarity finds close enough."""
    blocks: dict[tuple[str, ...], list[tuple[int, matching.NameKeys]]] = defaultdict(list)
    for record in records:
        keys = record.keys
        entry = (record.person_id, keys)
        for block in keys.blocks:
            blocks[block].append(entry)
        if record.organization_id is not None and keys.family:
            # a family name misspelt at one organization ('Lima', 'Limma')
            org = str(record.organization_id)
            blocks[("org", org, min(keys.family)[:1], keys.given[:1])].append(entry)
    pairs: set[tuple[int, int]] = set()
    for block, group in blocks.items():
        if len(group) < 2:
            continue
        if block[0] in ("similar", "org"):
            if len(group) <= MAX_SIMILAR_BLOCK:
                pairs.update(_similar(group))
        elif len(group) <= MAX_GROUP:
            pairs.update(_pair(x, y) for (x, _), (y, _) in combinations(group, 2))
    return pairs


def _similar(group: list[tuple[int, matching.NameKeys]]) -> Iterable[tuple[int, int]]:
    """Pairs of the group whose names are very similar: each two distinct spellings
    compared once (a block repeats names), by rapidfuzz's C scorer directly (a call
    of `process.extract` per name costs more than the comparisons it makes)."""
    from rapidfuzz import fuzz

    by_name: dict[str, list[int]] = defaultdict(list)
    for pid, keys in group:
        by_name[keys.spelled].append(pid)
    names = list(by_name)
    ratio, floor = fuzz.token_sort_ratio, matching.FUZZY_FLOOR
    for i, name in enumerate(names):
        for other in names[i + 1 :]:
            if ratio(name, other, score_cutoff=floor):
                yield from (_pair(a, b) for a in by_name[name] for b in by_name[other])


def _pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))


def candidates(ctx: Ctx, *, min_score: int = 80, limit: int = 200) -> list[DuplicatePair]:
    """Pairs of people that may be one, best first, scored 0–100 with the reasons."""
    if not 0 <= min_score <= 100:
        raise Invalid("min_score", "must be between 0 and 100")
    with _without_cycle_collection():
        return _candidates(ctx, min_score, limit)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The finder builds a few hundred thousand small tuples that hold no reference
    cycles (freed by their counts as usual); the cyclic collector, walking them again
    at every threshold, took as long as the finding itself at 50,000 people."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _candidates(ctx: Ctx, min_score: int, limit: int) -> list[DuplicatePair]:
    everyone = facts(ctx)
    pairs = _shared_keys(ctx, PersonEmail) | _shared_keys(ctx, PersonPhone)
    pairs |= _name_pairs(everyone.values())
    found = [
        c
        for a, b in pairs
        if a in everyone and b in everyone
        if (c := matching.compare(everyone[a], everyone[b])) is not None and c.score >= min_score
    ]
    return _best(ctx, found, limit)


def similar_to(ctx: Ctx, changes: Changes, *, limit: int = 5) -> list[SimilarPerson]:
    """People already recorded whose names are close to the person `changes` would
    add (the same name however spaced or spelled, a nickname with the same family
    name, a very similar spelling), closest first, each with its score and reasons."""
    patch = as_patch(changes)
    planned = plan(PersonState(), patch, today=ctx.today,
                   phone_region=ctx.settings.get("phone_region"))  # fmt: skip
    name = str(planned.values["full_name"])
    keys = matching.name_keys(name)
    ids = _near_name_ids(ctx, keys)
    stored = facts(ctx, ids)
    org = planned.organization if isinstance(planned.organization, str) else None
    org_id = find_organizations(ctx, [fold(org)]).get(fold(org)) if org else None
    new = matching.MatchFacts(
        0, name, org_id, org,
        frozenset(k for k, _, _ in planned.lists.emails.add),
        frozenset(k for k, _ in planned.lists.phones.add),
    )  # fmt: skip
    found = [
        c
        for other in stored.values()
        if matching.name_clue(keys, other.keys) is not None
        if (c := matching.compare(new, other)) is not None and c.score >= DOOR_FLOOR
    ]
    found.sort(key=lambda c: (-c.score, c.b))
    found = found[:limit]
    summaries = {s.id: s for s in people.summaries(ctx, [c.b for c in found])}
    return [SimilarPerson(summaries[c.b], c.score, list(c.reasons)) for c in found]


def _near_name_ids(ctx: Ctx, keys: matching.NameKeys) -> list[int]:
    """People whose names may be close to `keys`: the same name without spaces in
    any spelling, or the same family name (the index answers; at most a block)."""
    spellings = {keys.compact, *keys.latin}
    families = {keys.folded.split()[-1], *keys.family} if keys.folded else set()
    near = or_(
        func.replace(Person.name_key, " ", "").in_(spellings),
        *(Person.name_key.endswith(" " + f, autoescape=True) for f in families if f),
    )
    return list(
        ctx.session.scalars(
            select(Person.id)
            .where(Person.workspace_id == ctx.workspace_id, near)
            .order_by(Person.id)
            .limit(MAX_SIMILAR_BLOCK)
        )
    )


def candidates_for(
    ctx: Ctx, person_id: int, *, min_score: int = 60, limit: int = 20
) -> list[DuplicatePair]:
    """The people who may be the same as `person_id`, best first, by the finder's
    rule, looking only at those sharing an email or phone or a close name (so a
    person's page does not score the whole network)."""
    mine = facts(ctx, [person_id]).get(person_id)
    if mine is None:
        return []
    ids = set(_near_name_ids(ctx, mine.keys))
    for model in (PersonEmail, PersonPhone):
        key = model.address_key if model is PersonEmail else model.number_key  # type: ignore[union-attr]
        ws = model.workspace_id == ctx.workspace_id
        own = select(key).where(ws, model.person_id == person_id)
        ids.update(
            ctx.session.scalars(
                select(model.person_id).where(ws, key.in_(own)).limit(MAX_SIMILAR_BLOCK)
            )
        )
    ids.discard(person_id)
    others = facts(ctx, sorted(ids))
    found = [
        c
        for other in others.values()
        if (c := matching.compare(mine, other)) is not None and c.score >= min_score
    ]
    return _best(ctx, found, limit)


def _best(ctx: Ctx, found: list[matching.Candidate], limit: int) -> list[DuplicatePair]:
    """The `limit` best candidates, best first, with both people summarised."""
    found = sorted(found, key=lambda c: (-c.score, c.a, c.b))[:limit]
    summaries = {s.id: s for s in people.summaries(ctx, _ids(found))}
    return [
        DuplicatePair(c.score, list(c.reasons), summaries[c.a], summaries[c.b])
        for c in found
        if c.a in summaries and c.b in summaries
    ]


def _ids(found: Iterable[matching.Candidate]) -> list[int]:
    return list(dict.fromkeys(i for c in found for i in (c.a, c.b)))
