"""Near-identical agenda entries told once.

Eight people met at the same summit, none followed up yet, are eight entries saying
the same thing: on a phone that is a screen and a half of scrolling. Read together
they are one entry, "Follow up with 8 people you met at Lisbon Product Summit", with
the people inside, each still answered on their own by the references of their
reasons (`f12-3`), never the group's.

Entries join a group when their first reason (the one that ranks them and names
their badge) is of the same kind and about the same thing:

    kind        what they share
    follow-up   the event they were met at (not "met recently": no event to share)
    prepare     the same meetings (their reason's line is the same)

Every other kind is about one person (their promise, their birthday) and stays alone.
The listing is the same for every interface that wants it; numbering and references
come from the agenda and are not touched here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from rapport.domain.records import AgendaEntry

# fewer than this many near-identical entries read fine one by one
GROUP_AT_LEAST: Final = 3


@dataclass(frozen=True)
class AgendaGroup:
    """Entries whose first reasons are of one kind and about one thing, in their
    agenda order; the group stands where its first entry ranks."""

    kind: str  # the kind of reason they share: "follow-up", "prepare"
    source: str  # what it is about: "event:12", "meeting:<the reason's line>"
    title: str  # "Follow up with 8 people you met at Lisbon Product Summit"
    entries: tuple[AgendaEntry, ...]

    @property
    def people(self) -> list[str]:
        return [e.person for e in self.entries]

    @property
    def action(self) -> str:
        return self.entries[0].reasons[0].action


Listed = AgendaEntry | AgendaGroup


def source_of(entry: AgendaEntry) -> str | None:
    """What `entry`'s first reason is about when others may share it; None when it
    is about this person alone."""
    if not entry.reasons:
        return None
    top = entry.reasons[0]
    if top.kind == "follow-up" and top.ref_id is not None:
        return f"event:{top.ref_id}"
    if top.kind == "prepare":
        return f"meeting:{top.text}"
    return None


def _title(kind: str, entries: Sequence[AgendaEntry], events: Mapping[int, str]) -> str:
    count = len(entries)
    top = entries[0].reasons[0]
    if kind == "follow-up":
        event = events.get(top.ref_id or 0) or "the same event"
        return f"Follow up with {count} people you met at {event}"
    return f"Prepare to meet {count} people {top.text.removeprefix('you meet ')}"


def grouped(
    entries: Sequence[AgendaEntry],
    events: Mapping[int, str] | None = None,
    *,
    at_least: int = GROUP_AT_LEAST,
) -> list[Listed]:
    """`entries` in their order, those sharing a kind and a source (`source_of`)
    gathered into one `AgendaGroup` when there are `at_least` of them, standing where
    the first of them ranks. `events` names the events by id, for the titles. Every
    entry appears exactly once, alone or in one group."""
    by_source: dict[str, list[AgendaEntry]] = {}
    for entry in entries:
        source = source_of(entry)
        if source is not None:
            by_source.setdefault(source, []).append(entry)
    listed: list[Listed] = []
    placed: set[str] = set()
    for entry in entries:
        source = source_of(entry)
        members = by_source.get(source, []) if source is not None else []
        if source is None or len(members) < at_least:
            listed.append(entry)
            continue
        if source in placed:
            continue
        placed.add(source)
        kind = entry.reasons[0].kind
        listed.append(
            AgendaGroup(
                kind=kind,
                source=source,
                title=_title(kind, members, events or {}),
                entries=tuple(members),
            )
        )
    return listed


def page(listed: Sequence[Listed], count: int) -> tuple[list[Listed], int]:
    """The first `count` of `listed` (a group counts as one) and how many people
    they hold."""
    shown = list(listed[:count])
    return shown, sum(len(x.entries) if isinstance(x, AgendaGroup) else 1 for x in shown)
