"""Finding people recorded twice: the same email or phone (normalised), the same
name, or alike names (rapidfuzz) at the same organization, each pair scored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import func, select

from rapport.domain import matching
from rapport.domain.records import PersonSummary
from rapport.errors import Invalid
from rapport.services import people
from rapport.services.context import Ctx
from rapport.storage.schema import Person, PersonEmail, PersonPhone

MAX_GROUP = 50  # a key shared by more people than this is not evidence (a shared inbox)

Evidence = dict[tuple[int, int], list[tuple[int, str]]]


@dataclass(frozen=True)
class DuplicatePair:
    score: int
    reasons: list[str]
    a: PersonSummary
    b: PersonSummary


def _shared(ctx: Ctx, column: object, model: type, label: str, score: int, ev: Evidence) -> None:
    key = getattr(model, column.key)  # type: ignore[attr-defined]
    pid = model.person_id  # type: ignore[attr-defined]
    shared = (
        select(key)
        .where(model.workspace_id == ctx.workspace_id)  # type: ignore[attr-defined]
        .group_by(key)
        .having(func.count(func.distinct(pid)) > 1)
    )
    groups: dict[str, set[int]] = defaultdict(set)
    for value, person_id in ctx.session.execute(
        select(key, pid).where(
            model.workspace_id == ctx.workspace_id,  # type: ignore[attr-defined]
            key.in_(shared),
        )
    ):
        groups[value].add(person_id)
    for value, ids in groups.items():
        if len(ids) <= MAX_GROUP:
            for a, b in combinations(sorted(ids), 2):
                ev[(a, b)].append((score, f"same {label} {value}"))


def _names(ctx: Ctx, ev: Evidence) -> None:
    rows = ctx.session.execute(
        select(Person.id, Person.name_key, Person.organization_id).where(
            Person.workspace_id == ctx.workspace_id
        )
    ).all()
    facts = [matching.MatchFacts(pid, key, org) for pid, key, org in rows]
    by_name: dict[str, list[matching.MatchFacts]] = defaultdict(list)
    blocks: dict[tuple[int, str], list[matching.MatchFacts]] = defaultdict(list)
    for f in facts:
        by_name[f.name_key].append(f)
        if f.organization_id is not None and f.name_key:
            blocks[(f.organization_id, f.name_key.split()[-1][:1])].append(f)
    for group in by_name.values():
        if 1 < len(group) <= MAX_GROUP:
            for x, y in combinations(group, 2):
                same_org = x.organization_id is not None and x.organization_id == y.organization_id
                ev[_pair(x, y)].append(
                    (matching.SAME_NAME_SAME_ORG, "same name at the same organization")
                    if same_org
                    else (matching.SAME_NAME, "same name")
                )
    for block in blocks.values():
        if len(block) > 1:
            _fuzzy(block, ev)


def _fuzzy(block: list[matching.MatchFacts], ev: Evidence) -> None:
    from rapidfuzz import fuzz, process

    names = [f.name_key for f in block]
    for i, name in enumerate(names[:-1]):
        later = names[i + 1 :]
        for other, similarity, j in process.extract(
            name, later, scorer=fuzz.token_sort_ratio, score_cutoff=matching.FUZZY_FLOOR,
            limit=None,
        ):  # fmt: skip
            if other != name:
                score = int(similarity)
                ev[_pair(block[i], block[i + 1 + j])].append(
                    (score - 8, f"similar names ({score}%) at the same organization")
                )


def _pair(x: matching.MatchFacts, y: matching.MatchFacts) -> tuple[int, int]:
    return (min(x.person_id, y.person_id), max(x.person_id, y.person_id))


def candidates(ctx: Ctx, *, min_score: int = 80, limit: int = 200) -> list[DuplicatePair]:
    """Pairs of people that may be one, best first, scored 0–100 with the reasons."""
    if not 0 <= min_score <= 100:
        raise Invalid("min_score", "must be between 0 and 100")
    ev: Evidence = defaultdict(list)
    _shared(ctx, PersonEmail.address_key, PersonEmail, "email", matching.SAME_EMAIL, ev)
    _shared(ctx, PersonPhone.number_key, PersonPhone, "phone", matching.SAME_PHONE, ev)
    _names(ctx, ev)
    found = [c for c in matching.combine(ev) if c.score >= min_score][:limit]
    summaries = {s.id: s for s in people.summaries(ctx, _ids(found))}
    return [
        DuplicatePair(c.score, list(c.reasons), summaries[c.a], summaries[c.b])
        for c in found
        if c.a in summaries and c.b in summaries
    ]


def _ids(found: Iterable[matching.Candidate]) -> list[int]:
    return list(dict.fromkeys(i for c in found for i in (c.a, c.b)))
