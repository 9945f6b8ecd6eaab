"""Relationship health: a 0–100 score from five components, always explained.

recency (against the person's rhythm), consistency (months in touch over the last
year), reciprocity (who initiates; favours both ways), reliability (my promises
kept) and tone (warm vs tense conversations, and whether the tie is strained).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from rapport.domain.cadence import effective_cadence
from rapport.domain.records import Health, HealthComponent
from rapport.domain.relative_time import plural

WEIGHTS = {
    "recency": 0.40,
    "consistency": 0.20,
    "reciprocity": 0.15,
    "reliability": 0.15,
    "tone": 0.10,
}
NO_RHYTHM_DAYS = 90  # the yardstick for people without a rhythm of their own


@dataclass(slots=True)
class HealthFacts:
    person_id: int
    name: str
    types: tuple[str, ...]
    cadence_days: int | None
    last_contact_on: dt.date | None
    known_since: dt.date
    months_in_touch: int  # of the last 12
    initiated_by_me: int  # last 12 months
    initiated_by_them: int
    given: int
    received: int
    kept: int
    broken: int
    overdue: int  # my open promises past due
    warm: int
    tense: int
    strained: bool


# --- the numbers (shared by the explained score and the fast `value`) ------------------


def _days_since(f: HealthFacts, today: dt.date) -> int:
    return max((today - (f.last_contact_on or f.known_since)).days, 0)


def _recency_score(days: int, cadence: int) -> float:
    return 1.0 if days <= cadence else max(0.0, 1.0 - (days - cadence) / (2 * cadence))


def _expected_months(cadence: int) -> int:
    return min(12, max(1, round(365 / cadence)))


def _reciprocity_score(f: HealthFacts) -> float:
    parts: list[float] = []
    started = f.initiated_by_me + f.initiated_by_them
    if started:
        parts.append(1.0 - abs(f.initiated_by_me / started - 0.5) * 2)
    exchanged = f.given + f.received
    if exchanged:
        parts.append(1.0 - abs(f.given - f.received) / exchanged)
    return sum(parts) / len(parts) if parts else 0.6


def _reliability_score(f: HealthFacts) -> float:
    total = f.kept + f.broken + f.overdue
    return f.kept / total if total else 1.0


def _tone_score(f: HealthFacts) -> float:
    rated = f.warm + f.tense
    score = 0.5 + 0.5 * (f.warm - f.tense) / rated if rated else 0.7
    return min(score, 0.2) if f.strained else score


def value(f: HealthFacts, today: dt.date, defaults: Mapping[str, int]) -> int:
    """The score alone, without the explanation (`score(...).value`, faster: for
    scoring a whole network)."""
    cadence = effective_cadence(f.cadence_days, f.types, defaults) or NO_RHYTHM_DAYS
    parts = (
        (round(_recency_score(_days_since(f, today), cadence), 4), WEIGHTS["recency"]),
        (round(min(1.0, f.months_in_touch / _expected_months(cadence)), 4), WEIGHTS["consistency"]),
        (round(_reciprocity_score(f), 4), WEIGHTS["reciprocity"]),
        (round(_reliability_score(f), 4), WEIGHTS["reliability"]),
        (round(_tone_score(f), 4), WEIGHTS["tone"]),
    )
    return max(0, min(100, round(100 * sum(s * w for s, w in parts))))


# --- the explained components -----------------------------------------------------------


def _recency(f: HealthFacts, today: dt.date, cadence: int, has_rhythm: bool) -> HealthComponent:
    days = _days_since(f, today)
    score = _recency_score(days, cadence)
    rhythm = (
        f"a {cadence}-day rhythm" if has_rhythm else f"a {cadence}-day yardstick (no rhythm set)"
    )
    if f.last_contact_on:
        text = f"last contact {plural(days, 'day')} ago against {rhythm}"
    else:
        text = f"no contact recorded in the {plural(days, 'day')} since you met"
    return HealthComponent("recency", round(score, 4), WEIGHTS["recency"], text)


def _consistency(f: HealthFacts, cadence: int) -> HealthComponent:
    expected = _expected_months(cadence)
    score = min(1.0, f.months_in_touch / expected)
    text = f"in touch in {f.months_in_touch} of the last 12 months (about {expected} expected)"
    return HealthComponent("consistency", round(score, 4), WEIGHTS["consistency"], text)


def _reciprocity(f: HealthFacts) -> HealthComponent:
    words: list[str] = []
    started = f.initiated_by_me + f.initiated_by_them
    if started:
        if started == 1:
            who = "you" if f.initiated_by_me else "they"
            words.append(f"{who} initiated the only exchange this year")
        else:
            words.append(f"you initiated {f.initiated_by_me} of the last {started} exchanges")
    if f.given + f.received:
        words.append(f"favours: gave {f.given}, received {f.received}")
    score = _reciprocity_score(f)
    text = "; ".join(words) if words else "no record yet of who reaches out or of favours"
    return HealthComponent("reciprocity", round(score, 4), WEIGHTS["reciprocity"], text)


def _reliability(f: HealthFacts) -> HealthComponent:
    total = f.kept + f.broken + f.overdue
    if not total:
        return HealthComponent(
            "reliability", 1.0, WEIGHTS["reliability"], "no promises of yours due"
        )
    score = _reliability_score(f)
    text = f"kept {f.kept} of {plural(total, 'promise')}"
    if f.overdue:
        text += f"; {f.overdue} overdue"
    return HealthComponent("reliability", round(score, 4), WEIGHTS["reliability"], text)


def _tone(f: HealthFacts) -> HealthComponent:
    rated = f.warm + f.tense
    score = _tone_score(f)
    text = (
        f"{f.warm} warm and {f.tense} tense conversations this year"
        if rated
        else "tone not recorded"
    )
    if f.strained:
        text = "marked strained; " + text
    return HealthComponent("tone", round(score, 4), WEIGHTS["tone"], text)


def score(f: HealthFacts, today: dt.date, defaults: Mapping[str, int]) -> Health:
    """The person's health on `today`, with its components and a plain explanation."""
    rhythm = effective_cadence(f.cadence_days, f.types, defaults)
    cadence = rhythm or NO_RHYTHM_DAYS
    components = [
        _recency(f, today, cadence, rhythm is not None),
        _consistency(f, cadence),
        _reciprocity(f),
        _reliability(f),
        _tone(f),
    ]
    value = round(100 * sum(c.score * c.weight for c in components))
    value = max(0, min(100, value))
    weakest = sorted(components, key=lambda c: (c.score, -c.weight))[:2]
    concerns = [c.explanation for c in weakest if c.score < 0.75]
    if concerns:
        explanation = f"{value}/100: " + "; ".join(concerns)
    else:
        explanation = f"{value}/100: healthy; {components[0].explanation}"
    return Health(f.person_id, f.name, value, components, explanation)


BUCKETS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


def distribution(values: list[int]) -> dict[str, int]:
    """How many scores fall in each band of twenty."""
    return {f"{lo}-{hi}": sum(1 for v in values if lo <= v <= hi) for lo, hi in BUCKETS}
