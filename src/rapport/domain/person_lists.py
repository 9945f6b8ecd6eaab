"""A person's lists (emails, phones, links, relationship types, tags) after a
change: which rows to add and which to remove, matched by the keys the lists are
deduplicated by. Part of `person_patch.plan`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapport.domain.names import email_key, fold
from rapport.domain.person_fields import (
    clean_emails,
    clean_phones,
    clean_tags,
    clean_types,
    clean_urls,
)
from rapport.domain.phones import phone_key
from rapport.domain.vocabulary import RelationshipType, parse_choice
from rapport.errors import Invalid

if TYPE_CHECKING:
    from rapport.domain.person_patch import PersonState


@dataclass(frozen=True)
class Items:
    """A change to one of a person's lists. `replace`: the list becomes `values`
    (what a user's edit means); else `values` are added to it, after `remove` is
    taken out (what an import or a bulk tag means)."""

    values: Sequence[str] = ()
    replace: bool = True
    remove: Sequence[str] = ()

    @classmethod
    def add(cls, values: Sequence[str], remove: Sequence[str] = ()) -> Items:
        return cls(tuple(values), replace=False, remove=tuple(remove))


@dataclass
class Rows:
    """Rows of one list to write: `clear` deletes all the person's rows first."""

    add: list[Any] = field(default_factory=list)
    remove: list[Any] = field(default_factory=list)  # the keys of rows to delete
    clear: bool = False

    def __bool__(self) -> bool:
        return bool(self.add or self.remove or self.clear)


@dataclass
class ListPlan:
    emails: Rows = field(default_factory=Rows)  # add (key, address, is_primary)
    primary: str | None = None  # the key of the stored email to make the only primary
    phones: Rows = field(default_factory=Rows)  # add (key, number)
    urls: Rows = field(default_factory=Rows)  # add (url, kind)
    types: Rows = field(default_factory=Rows)  # add type
    tags: Rows = field(default_factory=Rows)  # add name, remove tag ids

    def any(self) -> bool:
        return bool(
            self.emails or self.primary or self.phones or self.urls or self.types or self.tags
        )


def plan_lists(state: PersonState, given: Mapping[str, Any], region: str | None) -> ListPlan:
    """The rows to write for the list changes `given` (field name -> Items)."""
    found = ListPlan()
    if "emails" in given:
        found.emails, found.primary = _emails(state, _items(given, "emails"))
    if "phones" in given:
        found.phones = _phones(state, _items(given, "phones"), region)
    if "urls" in given:
        found.urls = _urls(state, _items(given, "urls"))
    if "types" in given:
        found.types = _types(state, _items(given, "types"))
    if "tags" in given:
        found.tags = _tags(state, _items(given, "tags"))
    return found


def _items(given: Mapping[str, Any], name: str) -> Items:
    """The change to list `name`; Invalid for anything that is not a list of values
    (None included: an empty list clears)."""
    change = given[name]
    if not isinstance(change, Items):
        change = Items(change)
    for values in (change.values, change.remove):
        if values is None:
            raise Invalid(name, "must be a list (an empty one clears it), not null")
        if isinstance(values, str | bytes) or not isinstance(values, Sequence):
            raise Invalid(name, f"must be a list, not {type(values).__name__}")
    return change


def _rewrite(stored: Iterable[Any], new: list[Any], same: bool) -> Rows:
    """A replaced list: nothing when it is the same, else all of it written again
    (the order given is the order kept)."""
    return Rows() if same else Rows(add=new, clear=bool(list(stored)))


def _emails(state: PersonState, change: Items) -> tuple[Rows, str | None]:
    new = clean_emails(change.values)
    if change.replace:
        same = list(new.items()) == state.emails and state.primaries == min(len(new), 1)
        rewritten = [(k, a, n == 0) for n, (k, a) in enumerate(new.items())]
        return _rewrite(state.emails, rewritten, same), None
    dropped = {email_key(r) for r in change.remove if isinstance(r, str)} - set(new)
    kept = [(k, a) for k, a in state.emails if k not in dropped]
    have = {k for k, _ in kept}
    added = [(k, a) for k, a in new.items() if k not in have]
    rows = Rows(
        add=[(k, a, not kept and n == 0) for n, (k, a) in enumerate(added)],
        remove=[k for k, _ in state.emails if k in dropped],
    )
    primary = None
    if kept and (state.primaries != 1 or kept[0] != state.emails[0]):
        primary = kept[0][0]  # exactly one primary: the first address kept
    return rows, primary


def _phone_keys(numbers: Iterable[Any], region: str | None) -> set[str]:
    keys = set()
    for number in numbers:
        if isinstance(number, str):
            try:
                keys.add(phone_key(number, region))
            except Invalid:
                keys.add(number.strip())
    return keys


def _phones(state: PersonState, change: Items, region: str | None) -> Rows:
    new = list(clean_phones(change.values, region).items())
    if change.replace:
        return _rewrite(state.phones, new, new == state.phones)
    dropped = _phone_keys(change.remove, region) - {k for k, _ in new}
    kept = [(k, n) for k, n in state.phones if k not in dropped and n not in dropped]
    keys, numbers = {k for k, _ in kept}, {n for _, n in kept}
    return Rows(
        add=[(k, n) for k, n in new if k not in keys and n not in numbers],
        remove=[k for k, n in state.phones if (k, n) not in kept],
    )


def _urls(state: PersonState, change: Items) -> Rows:
    new = clean_urls(change.values)
    if change.replace:
        return _rewrite(state.urls, new, [u for u, _ in new] == state.urls)
    given = {u for u, _ in new}
    dropped = {u for u, _ in _lenient(clean_urls, change.remove)} - given
    kept = [u for u in state.urls if u not in dropped]
    return Rows(
        add=[(u, kind) for u, kind in new if u not in kept],
        remove=[u for u in state.urls if u in dropped],
    )


def _types(state: PersonState, change: Items) -> Rows:
    new = clean_types(change.values)
    if change.replace:
        dropped = set(state.types) - set(new)
    else:
        dropped = set()
        for name in change.remove:
            try:
                dropped.add(parse_choice(RelationshipType, str(name), "type").value)
            except Invalid:
                continue  # not a type: nobody has it
        dropped -= set(new)
    return Rows(
        add=[t for t in new if t not in state.types],
        remove=[t for t in state.types if t in dropped],
    )


def _tags(state: PersonState, change: Items) -> Rows:
    new = clean_tags(change.values)
    stored = {fold(name): tid for tid, name in state.tags}
    if change.replace:
        dropped = set(stored) - set(new)
    else:
        named = (r.strip().lstrip("#") for r in change.remove if isinstance(r, str))
        dropped = {fold(r) for r in named} - set(new)
    return Rows(
        add=[name for key, name in new.items() if key not in stored],
        remove=[stored[key] for key in stored if key in dropped],
    )


def _lenient(clean: Any, values: Iterable[Any]) -> list[Any]:
    """`clean` of each value that passes it (what to remove needs no checking)."""
    found: list[Any] = []
    for value in values:
        try:
            found.extend(clean([value]))
        except Invalid:
            continue
    return found
