"""Telling whether two people records are the same person, with a score and reasons."""

from __future__ import annotations

from dataclasses import dataclass

# scores for each kind of evidence; the strongest found wins
SAME_EMAIL = 100
SAME_PHONE = 95
SAME_NAME_SAME_ORG = 92
SAME_NAME = 80
FUZZY_FLOOR = 88  # fuzzy names at this similarity or more (same organization) count


@dataclass(frozen=True)
class MatchFacts:
    """What matching needs to know of one record."""

    person_id: int
    name_key: str  # folded full name
    organization_id: int | None


@dataclass(frozen=True)
class Candidate:
    """Two records that may be one person: `score` 0–100 and why."""

    a: int
    b: int
    score: int
    reasons: tuple[str, ...]


def name_score(a: str, b: str) -> int:
    """How alike two folded names are, 0–100, ignoring word order ('lima ana')."""
    from rapidfuzz import fuzz

    return round(fuzz.token_sort_ratio(a, b))


def combine(evidence: dict[tuple[int, int], list[tuple[int, str]]]) -> list[Candidate]:
    """One candidate per pair, scored by its strongest evidence (each further piece
    adds a little), best first."""
    found = []
    for (a, b), items in evidence.items():
        ordered = sorted(items, reverse=True)
        reasons = tuple(dict.fromkeys(r for _, r in ordered))
        score = min(100, ordered[0][0] + 2 * (len(reasons) - 1))
        found.append(Candidate(min(a, b), max(a, b), score, reasons))
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    return found
