"""English given names and their nicknames (Kate and Katherine, Bob and Robert, Bill
and William), from the hand-curated list of the `nicknames` package (Apache-2.0,
shipped as data inside the package: nothing is downloaded)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nicknames import NickNamer


@cache
def _namer() -> NickNamer:
    from nicknames import NickNamer  # reads its list on first use, not at start-up

    return NickNamer()


@cache
def _table() -> dict[str, frozenset[str]]:
    """Each name and the names it is a nickname of or has as nickname (both ways)."""
    related: dict[str, set[str]] = {}
    for full, nicks in _namer().nickname_lookup.items():
        for nick in nicks:
            if nick != full:
                related.setdefault(full, set()).add(nick)
                related.setdefault(nick, set()).add(full)
    return {name: frozenset(others) for name, others in related.items()}


@cache
def _canonicals() -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in _namer().canonical_lookup.items()}


def keys(given: str) -> frozenset[str]:
    """Names under which `given` (folded, Latin) is filed: itself and every name it is a
    nickname of. Two given names that share a key are one name, a nickname of the
    other, or two nicknames of the same name."""
    return frozenset({given, *_canonicals().get(given, ())})


def relation(a: str, b: str) -> str | None:
    """How two folded given names are the same name, in words ('Kate is short for
    Katherine', 'Bill and Will are both short for William'); None when they are not
    related. The same answer whichever order they come in."""
    if not a or not b or a == b:
        return None
    if b in _table().get(a, ()):
        short, full = sorted((a, b), key=lambda n: (len(n), n))
        return f"{short.title()} is short for {full.title()}"
    shared = _canonicals().get(a, frozenset()) & _canonicals().get(b, frozenset())
    if shared:
        first, second = sorted((a, b))
        return f"{first.title()} and {second.title()} are both short for {min(shared).title()}"
    return None


def is_direct(a: str, b: str) -> bool:
    """Whether one of the two names is a nickname of the other."""
    return b in _table().get(a, ())
