"""What a user types to name an agenda reason, and what it names.

Every reason has a short reference derived from its key, stable for as long as the
reason is on the agenda (`p12` is promise 12 however the list is ranked):

    key                               reference
    touch:<person>:<due day>          t<person>          a check-in
    followup:<person>:met             f<person>          met, no event
    followup:<person>:<event>         f<person>-<event>  met at an event
    promise:<id> feedback:<id>        p<id>              a promise (mine, theirs, a
    nudge:<id>                                           feedback action: one id space)
    thanks:<favour>                   th<favour>
    milestone:<id>:<day>              m<id>
    anniversary:<role>:<day>          a<role>            a work anniversary from the roles
    role:<role>                       r<role>
    strained:<person>:<since>         s<person>
    mentoring:<mentorship>:<due day>  g<mentorship>      (g for guidance)
    prepare:<person>:<meeting day>    b<person>          a meeting today or tomorrow
                                                         (b for brief)

A number names an entry of the listing the user last saw (`Listing`), not today's
ranking, so answering #1 does not change what #2 means."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from rapport.domain.text import whole_number

_PREFIX: Final = {
    "touch": "t",
    "followup": "f",
    "promise": "p",
    "feedback": "p",
    "nudge": "p",
    "thanks": "th",
    "milestone": "m",
    "anniversary": "a",
    "role": "r",
    "strained": "s",
    "mentoring": "g",
    "prepare": "b",
}
_REFERENCE = re.compile(r"^(th|[tfpmarsgb])(\d+)(?:-(\d+))?$", re.ASCII)


def short_ref(key: str) -> str:
    """The reference of the reason `key` ('promise:12' → 'p12'); the key itself for
    a kind this table does not know."""
    kind, _, rest = key.partition(":")
    prefix = _PREFIX.get(kind)
    parts = rest.split(":")
    if prefix is None or not parts[0].isdigit():
        return key
    if kind == "followup" and len(parts) > 1 and parts[1].isdigit():
        return f"f{parts[0]}-{parts[1]}"
    return f"{prefix}{parts[0]}"


class Typed(NamedTuple):
    """What a user typed to name agenda reasons, read once: exactly one is set."""

    ref: str | None = None  # one reason's reference ('p12') or key ('promise:12')
    position: int | None = None  # an entry of the listing last shown ('3')
    person: str | None = None  # a person: '#12', a name or a prefix of one


def read(text: str) -> Typed:
    """`text` read as an agenda reference. Numbers are written with the digits 0-9
    (`domain.text.whole_number`, the rule ids follow too); anything else digit-like is
    Invalid."""
    raw = text.strip()
    if ":" in raw:
        return Typed(ref=raw)
    if _REFERENCE.match(raw.lower()):
        return Typed(ref=raw.lower())
    number = whole_number(raw.removeprefix("#"), "ref")
    if number is not None and not raw.startswith("#"):
        return Typed(position=number)
    return Typed(person=raw)


@dataclass(frozen=True)
class Shown:
    """One entry of a listing as the user saw it."""

    person_id: int
    person: str
    keys: tuple[str, ...]  # its reasons, in the order shown


@dataclass(frozen=True)
class Listing:
    """The agenda as last shown on one interface: what its numbers mean."""

    day: str  # ISO date
    entries: tuple[Shown, ...]

    @property
    def digest(self) -> str:
        return digest(self.day, [e.keys for e in self.entries])


def digest(day: str, keys: Sequence[Sequence[str]]) -> str:
    """A short fingerprint of a listing: the day and every entry's reason keys, in order."""
    text = day + "\n" + "\n".join(" ".join(k) for k in keys)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
