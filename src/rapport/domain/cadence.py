"""Keep-in-touch cadence: how often each kind of relationship wants contact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rapport.domain.vocabulary import RelationshipType as T

# Days between contacts a careful person keeps with each kind of relationship.
DEFAULT_CADENCE_DAYS: Mapping[str, int] = {
    T.CLIENT: 30,
    T.PROSPECT: 21,
    T.MENTOR: 45,
    T.MENTEE: 30,
    T.MANAGER: 30,
    T.REPORT: 14,
    T.COLLEAGUE: 60,
    T.PARTNER: 60,
    T.FRIEND: 60,
    T.PEER: 90,
    T.INDUSTRY: 180,
    T.COMPETITOR: 365,
}

# How much a slipping relationship of each kind matters when ranking the agenda.
IMPORTANCE: Mapping[str, float] = {
    T.CLIENT: 1.0,
    T.MENTOR: 0.9,
    T.MENTEE: 0.9,
    T.MANAGER: 0.9,
    T.REPORT: 0.8,
    T.PROSPECT: 0.8,
    T.PARTNER: 0.8,
    T.FRIEND: 0.7,
    T.COLLEAGUE: 0.6,
    T.PEER: 0.6,
    T.INDUSTRY: 0.4,
    T.COMPETITOR: 0.3,
}
DEFAULT_IMPORTANCE = 0.5


def cadence_defaults(overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """The type defaults with a workspace's overrides applied."""
    merged = {str(k): v for k, v in DEFAULT_CADENCE_DAYS.items()}
    for key, days in (overrides or {}).items():
        if key in merged and isinstance(days, int) and days > 0:
            merged[key] = days
    return merged


def effective_cadence(
    override_days: int | None, types: Iterable[str], defaults: Mapping[str, int]
) -> int | None:
    """The person's own cadence if set, else the tightest of their types' defaults,
    else None (no keep-in-touch rhythm asked for)."""
    if override_days:
        return override_days
    days = [defaults[t] for t in types if t in defaults]
    return min(days) if days else None


def importance(types: Iterable[str]) -> float:
    weights = [IMPORTANCE.get(t, DEFAULT_IMPORTANCE) for t in types]
    return max(weights) if weights else DEFAULT_IMPORTANCE


def importance_tenths(types: Iterable[str]) -> int:
    """`importance` in tenths, as the agenda's integer ranking uses it."""
    return round(importance(types) * 10)
