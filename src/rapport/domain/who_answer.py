"""What "who do I know who…" answers: the people found, each with the reason, and
how it answered (by meaning and keywords, or by keywords alone)."""

from __future__ import annotations

from dataclasses import dataclass, field

INSTALL_HINT = "Meaning-based search is one install away: pip install 'rapport[semantic]'"


@dataclass(frozen=True)
class WhoHit:
    person_id: int
    name: str
    detail: str  # title at organisation
    reason: str
    href: str


@dataclass
class WhoAnswer:
    """`mode` is "meaning" (hybrid: meaning and keywords fused) or "keywords" (the
    optional model is not installed). `waiting`: people not yet indexed by meaning
    (new or changed since), found by their keywords only. `notes`: what the person
    asking should know about this answer, in sentences."""

    question: str
    mode: str
    results: list[WhoHit] = field(default_factory=list)
    waiting: int = 0
    notes: list[str] = field(default_factory=list)


def notes_for(mode: str, waiting: int) -> list[str]:
    """The notes of an answer given by `mode` with `waiting` people not yet indexed."""
    if mode == "keywords":
        return [f"{INSTALL_HINT}; these results match your words only."]
    if waiting:
        people = "person is" if waiting == 1 else "people are"
        return [
            f"{waiting:,} {people} not yet indexed by meaning (new or changed recently) "
            "and can only be found by their words for now."
        ]
    return []
