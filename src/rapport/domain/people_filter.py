"""Which people a filter chooses: the People page's and `rapport person list`'s
filters as one value, stored as JSON by a saved list (`services.lists`).

A filter is the fields it sets. Stored, it is the JSON object of those fields and
nothing else, so a filter added here (a new field with its default None) is saved,
shown and applied by every list without a change to lists."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from rapport.errors import Invalid

# Health bands people filter by (score ranges, inclusive).
HEALTH_BANDS: dict[str, tuple[int, int]] = {
    "at-risk": (0, 39),
    "fading": (40, 59),
    "steady": (60, 79),
    "strong": (80, 100),
}
MAX_VALUE = 300  # the longest filter value any interface takes


@dataclass(frozen=True)
class PeopleFilter:
    type: str | None = None  # a relationship type
    tag: str | None = None  # a tag, with or without '#'
    organization: str | None = None  # the start of an organisation's name
    health: str | None = None  # a band of HEALTH_BANDS
    field: str | None = None  # one of the user's own fields and its value: "Stage=Seed"

    def as_json(self) -> dict[str, str]:
        """The fields set, and only those."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @property
    def empty(self) -> bool:
        return not self.as_json()

    def words(self) -> str:
        """The filter as a person reads it: 'type client, tag #investor'."""
        shown = {
            "tag": lambda v: "#" + v.lstrip("#"),
            "organization": lambda v: v + "…",
            "field": lambda v: v.replace(":", "=", 1) if "=" not in v else v,
        }
        return ", ".join(f"{k} {shown.get(k, lambda v: v)(v)}" for k, v in self.as_json().items())


FIELDS = tuple(f.name for f in fields(PeopleFilter))


def of(values: dict[str, Any]) -> PeopleFilter:
    """The filter `values` describe (blank values unset); Invalid for a field no
    filter has, a value that is not text, or a health band that does not exist."""
    chosen: dict[str, str] = {}
    for key, value in values.items():
        if key not in FIELDS:
            raise Invalid("filter", f"{key!r} is not a filter; filters are: {', '.join(FIELDS)}")
        if value is None:
            continue
        if not isinstance(value, str):
            raise Invalid(key, "must be text")
        if len(value) > MAX_VALUE:
            raise Invalid(key, f"is too long (at most {MAX_VALUE} characters)")
        if value.strip():
            chosen[key] = value.strip()
    if chosen.get("health") and chosen["health"] not in HEALTH_BANDS:
        raise Invalid("health", f"{chosen['health']!r} is not one of: {', '.join(HEALTH_BANDS)}")
    return PeopleFilter(**chosen)


def stored(values: dict[str, Any] | None) -> PeopleFilter:
    """The filter a list stored; a field since removed from filters is left out
    rather than refused, so an old list still opens."""
    return of({k: v for k, v in (values or {}).items() if k in FIELDS})
