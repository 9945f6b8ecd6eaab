"""Relationship health: a 0–100 score from what is known about a tie, always explained.

Five components: recency (against the person's rhythm), consistency (months in touch
over the last year), reciprocity (who initiates; favours both ways), reliability
(promises kept both ways: mine, and theirs to me) and tone (warm vs tense
conversations, and whether the tie is strained).

The user may weight the components differently (Settings) and correct one person's
score by a number of points with a reason, for what Rapport cannot see ("we speak
weekly on Signal"): the correction is added after the caps, the sum kept within 0–100,
and the explanation says it.

Only what is recorded counts. A component with nothing behind it (no promises due, no
tone rated, nobody known to have reached out) carries no weight: the others share it,
so an empty record adds no credit. Caps then keep the number honest where an average
would flatter: a person never contacted, a strained tie before a repair step, a tie
left alone for two rhythms or more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapport.domain.agenda.facts import StrainedFacts
from rapport.domain.agenda.sources import repaired
from rapport.domain.cadence import effective_cadence
from rapport.domain.records import Health, HealthComponent
from rapport.domain.relative_time import plural
from rapport.errors import Contradicts, Invalid

WEIGHTS = {
    "recency": 0.40,
    "consistency": 0.20,
    "reciprocity": 0.15,
    "reliability": 0.15,
    "tone": 0.10,
}
COMPONENTS = tuple(WEIGHTS)
# a weight is a share: 0.4, 40 and 40% alike (above 1 or with "%": a percentage),
# then all are scaled to add up to one
MAX_WEIGHT = 100.0
ADJUSTMENT_LIMIT = 100  # points a person's score can be moved up or down
REASON_LENGTH = 500
NO_RHYTHM_DAYS = 90  # the yardstick for people without a rhythm of their own
STRAINED_TONE = 0.2  # the most a strained tie's tone scores, however warm the talks

# The most a score can be while its condition holds, whatever else is known. Recency
# always counts, so anyone in touch within their rhythm scores at least
# 100 × recency's weight (40) before the caps, and at least the strained cap (30) after
# them: "no contact yet" (10) stays below everyone recently in touch.
NO_CONTACT_CAP = 10
STRAINED_CAP = 30  # strained, and no contact logged since it was marked
STILL_STRAINED_CAP = 59  # a repair step taken, the mark not yet cleared: not healthy
OUT_OF_TOUCH_CAPS = ((4, 39), (2, 59))  # (rhythms without contact, cap), longest first
NO_CONTACT_NOTE = f"no contact yet: at most {NO_CONTACT_CAP} until a conversation is logged"
STRAINED_NOTE = f"strained, no repair step yet: at most {STRAINED_CAP} until one is taken"
STILL_STRAINED_NOTE = f"still marked strained: at most {STILL_STRAINED_CAP} until it is cleared"


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
    strained_since: dt.date | None = None  # the day it was marked strained
    adjustment: int = 0  # points the user added (or took away), with their reason
    adjustment_reason: str | None = None
    their_kept: int = 0  # their promises to me, kept and broken
    their_broken: int = 0


Weights = Mapping[str, float]


def weights_from(stored: Any) -> dict[str, float]:
    """The components' weights as used: the stored setting (a share each, already
    checked) or the defaults, scaled to add up to one."""
    if not isinstance(stored, Mapping) or not stored:
        return dict(WEIGHTS)
    given = {
        name: float(stored.get(name, WEIGHTS[name]))
        if isinstance(stored.get(name, WEIGHTS[name]), int | float)
        else WEIGHTS[name]
        for name in COMPONENTS
    }
    total = sum(given.values())
    if given["recency"] <= 0 or total <= 0:
        return dict(WEIGHTS)
    return {name: round(w / total, 4) for name, w in given.items()}


def checked_weights(current: Weights, given: Mapping[str, object]) -> dict[str, float]:
    """`current` with the weights `given` (by component name) changed, checked and
    scaled to add up to one; Invalid names the field (`weights.tone`) of a bad one."""
    weights = dict(current)
    for name, raw in given.items():
        field = f"weights.{name}"
        if name not in WEIGHTS:
            raise Invalid(field, f"{name!r} is not a part of health: {', '.join(COMPONENTS)}")
        percent = isinstance(raw, str) and raw.strip().endswith("%")
        number: float
        if isinstance(raw, bool):
            raise Invalid(field, "must be a number, like 0.4 or 40%")
        if isinstance(raw, int | float):
            number = float(raw)
        elif isinstance(raw, str):
            try:
                number = float(raw.strip().removesuffix("%"))
            except ValueError:
                raise Invalid(field, f"{raw!r} is not a number (like 0.4 or 40%)") from None
        else:
            raise Invalid(field, "must be a number, like 0.4 or 40%")
        if not 0 <= number <= MAX_WEIGHT or number != number:
            raise Invalid(field, f"must be from 0 to {MAX_WEIGHT:g}%")
        weights[name] = number / 100 if percent or number > 1 else number
    if weights["recency"] <= 0:
        # well-formed (a number from 0 to 100%), but not a weighting health can use
        raise Contradicts("weights.recency", "must be more than 0: every tie has a last contact")
    total = sum(weights.values())
    return {name: round(weights[name] / total, 4) for name in COMPONENTS}


def checked_adjustment(points: object, reason: str | None) -> tuple[int, str]:
    """A correction of a person's score: whole points within ±100 (0: none) and a
    reason."""
    if isinstance(points, bool) or not isinstance(points, int):
        try:
            points = int(str(points).strip().lstrip("+"))
        except ValueError:
            raise Invalid("adjust", f"{points!r} is not a whole number of points") from None
    if not -ADJUSTMENT_LIMIT <= points <= ADJUSTMENT_LIMIT:
        raise Invalid("adjust", f"must be from -{ADJUSTMENT_LIMIT} to +{ADJUSTMENT_LIMIT} points")
    said = " ".join((reason or "").split())
    if not said:
        raise Invalid("reason", "say why, e.g. “we speak weekly on Signal”")
    if len(said) > REASON_LENGTH:
        raise Invalid("reason", f"at most {REASON_LENGTH} characters")
    return points, said


def _adjusted(measured: int, f: HealthFacts) -> int:
    return max(0, min(100, measured + f.adjustment))


def adjustment_note(f: HealthFacts, measured: int) -> str:
    """The correction in words: "+15 you added: weekly on Signal (measured 60)"."""
    why = f.adjustment_reason or "no reason given"
    return f"{f.adjustment:+d} you added: {why} (measured {measured})"


# --- the numbers (shared by the explained score and the fast `value`) ------------------
# A component's score is None when nothing about it is recorded: it does not count.


def _days_since(f: HealthFacts, today: dt.date) -> int:
    return max((today - (f.last_contact_on or f.known_since)).days, 0)


def _recency_score(f: HealthFacts, days: int, cadence: int) -> float:
    if f.last_contact_on is None:
        return 0.0  # never in touch: no credit for the days since you met
    return 1.0 if days <= cadence else max(0.0, 1.0 - (days - cadence) / (2 * cadence))


def _expected_months(cadence: int) -> int:
    return min(12, max(1, round(365 / cadence)))


def _consistency_score(f: HealthFacts, cadence: int) -> float:
    return min(1.0, f.months_in_touch / _expected_months(cadence))


def _reciprocity_score(f: HealthFacts) -> float | None:
    parts: list[float] = []
    started = f.initiated_by_me + f.initiated_by_them
    if started:
        parts.append(1.0 - abs(f.initiated_by_me / started - 0.5) * 2)
    exchanged = f.given + f.received
    if exchanged:
        parts.append(1.0 - abs(f.given - f.received) / exchanged)
    return sum(parts) / len(parts) if parts else None


def _reliability_score(f: HealthFacts) -> float | None:
    """Promises kept both ways: my rate (overdue ones count against me) and theirs,
    averaged over the sides that have any."""
    rates: list[float] = []
    mine = f.kept + f.broken + f.overdue
    if mine:
        rates.append(f.kept / mine)
    theirs = f.their_kept + f.their_broken
    if theirs:
        rates.append(f.their_kept / theirs)
    return sum(rates) / len(rates) if rates else None


def _tone_score(f: HealthFacts) -> float | None:
    rated = f.warm + f.tense
    if not rated:
        return STRAINED_TONE if f.strained else None
    score = 0.5 + 0.5 * (f.warm - f.tense) / rated
    return min(score, STRAINED_TONE) if f.strained else score


def _scores(f: HealthFacts, days: int, cadence: int) -> tuple[float | None, ...]:
    """Each component's score, in the order of WEIGHTS."""
    return (
        _recency_score(f, days, cadence),
        _consistency_score(f, cadence),
        _reciprocity_score(f),
        _reliability_score(f),
        _tone_score(f),
    )


def _weighted(scores: Iterable[float | None], weights: Weights) -> int:
    """0–100: the weighted mean of the components that count."""
    total = weighted = 0.0
    for s, w in zip(scores, (weights[n] for n in COMPONENTS), strict=True):
        if s is not None:
            total += w
            weighted += s * w
    return round(100 * weighted / total)  # recency always counts (weight > 0): total > 0


# (the cap, its note, whether the note is always said: the tie's state is, how long
# it waited only when that lowers the number; recency's own words say the rest)
Cap = tuple[int, str, bool]


def _caps(f: HealthFacts, days: int, cadence: int) -> list[Cap]:
    """The caps that hold for this tie, each with what it is and what lifts it."""
    caps: list[Cap] = []
    if f.last_contact_on is None:
        caps.append((NO_CONTACT_CAP, NO_CONTACT_NOTE, True))
    else:
        for rhythms, cap in OUT_OF_TOUCH_CAPS:
            if days > rhythms * cadence:
                caps.append((cap, f"out of touch for over {rhythms} rhythms: at most {cap}", False))
                break
    if f.strained:
        # a repair step is what the agenda asks for: a contact logged since the mark
        if repaired(StrainedFacts(f.person_id, f.strained_since, None, f.last_contact_on)):
            caps.append((STILL_STRAINED_CAP, STILL_STRAINED_NOTE, True))
        else:
            caps.append((STRAINED_CAP, STRAINED_NOTE, True))
    return caps


def _capped(uncapped: int, caps: list[Cap]) -> int:
    return min(uncapped, *(cap for cap, _, _ in caps)) if caps else uncapped


def value(
    f: HealthFacts, today: dt.date, defaults: Mapping[str, int], weights: Weights = WEIGHTS
) -> int:
    """The score alone, without the explanation (`score(...).value`, faster: for
    scoring a whole network)."""
    cadence = effective_cadence(f.cadence_days, f.types, defaults) or NO_RHYTHM_DAYS
    days = _days_since(f, today)
    measured = _capped(_weighted(_scores(f, days, cadence), weights), _caps(f, days, cadence))
    return _adjusted(measured, f) if f.adjustment else measured


# --- the explained components -----------------------------------------------------------

NOT_COUNTED = ": not counted"
WEIGHED_OUT = ": weighted 0 in Settings"


def _recency(f: HealthFacts, days: int, cadence: int, has_rhythm: bool) -> str:
    rhythm = (
        f"a {cadence}-day rhythm" if has_rhythm else f"a {cadence}-day yardstick (no rhythm set)"
    )
    if f.last_contact_on:
        return f"last contact {plural(days, 'day')} ago against {rhythm}"
    return f"no contact recorded in the {plural(days, 'day')} since you met"


def _consistency(f: HealthFacts, cadence: int) -> str:
    expected = _expected_months(cadence)
    return f"in touch in {f.months_in_touch} of the last 12 months (about {expected} expected)"


def _reciprocity(f: HealthFacts) -> str:
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
    return "; ".join(words) if words else "no record yet of who reaches out or of favours"


def _reliability(f: HealthFacts) -> str:
    words: list[str] = []
    total = f.kept + f.broken + f.overdue
    if total:
        words.append(f"you kept {f.kept} of {plural(total, 'promise')}")
        if f.overdue:
            words.append(f"{f.overdue} overdue")
    theirs = f.their_kept + f.their_broken
    if theirs:
        words.append(
            f"they kept {f.their_kept} of {theirs if total else plural(theirs, 'promise')}"
        )
    return "; ".join(words) if words else "no promises due either way"


def _tone(f: HealthFacts) -> str:
    rated = f.warm + f.tense
    text = (
        f"{f.warm} warm and {f.tense} tense conversations this year"
        if rated
        else "tone not recorded"
    )
    return "marked strained; " + text if f.strained else text


def _components(
    scores: tuple[float | None, ...], texts: tuple[str, ...], weights: Weights
) -> list[HealthComponent]:
    """The components with their share of the score: what counts shares the weight
    of what does not (a component weighted 0 in Settings does not count either)."""
    shares = [weights[name] for name in COMPONENTS]
    counted = sum(w for s, w in zip(scores, shares, strict=True) if s is not None)
    return [
        HealthComponent(name, round(s, 4), round(w / counted, 4), text)
        if s is not None and w
        else HealthComponent(name, 0.0, 0.0, text + (NOT_COUNTED if s is None else WEIGHED_OUT))
        for name, w, s, text in zip(COMPONENTS, shares, scores, texts, strict=True)
    ]


def score(
    f: HealthFacts, today: dt.date, defaults: Mapping[str, int], weights: Weights = WEIGHTS
) -> Health:
    """The person's health on `today`, with its components and a plain explanation
    whose number is the score, which names what holds it down and says the user's
    correction, if any."""
    rhythm = effective_cadence(f.cadence_days, f.types, defaults)
    cadence = rhythm or NO_RHYTHM_DAYS
    days = _days_since(f, today)
    scores = _scores(f, days, cadence)
    uncapped = _weighted(scores, weights)
    caps = _caps(f, days, cadence)
    measured = _capped(uncapped, caps)
    value = _adjusted(measured, f) if f.adjustment else measured
    texts = (
        _recency(f, days, cadence, rhythm is not None),
        _consistency(f, cadence),
        _reciprocity(f),
        _reliability(f),
        _tone(f),
    )
    components = _components(scores, texts, weights)
    never = f.last_contact_on is None
    notes = [note for cap, note, always in caps if always or cap < uncapped]
    counted = [c for c in components if c.weight]
    if never:  # its note says it: no recency or consistency to speak of
        counted = [c for c in counted if c.name not in ("recency", "consistency")]
    weakest = sorted(counted, key=lambda c: (c.score, -c.weight))[:2]
    concerns = [c.explanation for c in weakest if c.score < 0.75]
    said = notes + concerns if notes or concerns else ["healthy", texts[0]]
    if f.adjustment:  # first: it is why the number is not what the record alone says
        said.insert(0, adjustment_note(f, measured))
    explanation = f"{value}/100: " + "; ".join(said)
    return Health(
        f.person_id,
        f.name,
        value,
        components,
        explanation,
        measured=measured,
        adjustment=f.adjustment,
        adjustment_reason=f.adjustment_reason,
    )


BUCKETS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))
NO_CONTACT_BAND = "no contact yet"


def distribution(values: Iterable[int], no_contact: int = 0) -> dict[str, int]:
    """How many people have no contact yet, then how many of the others' scores fall in
    each band of twenty (`values`: the scores of people in touch at least once)."""
    counts = [0] * len(BUCKETS)
    for v in values:
        counts[min(v // 20, len(BUCKETS) - 1)] += 1
    bands = {f"{lo}-{hi}": n for (lo, hi), n in zip(BUCKETS, counts, strict=True)}
    return {NO_CONTACT_BAND: no_contact} | bands
