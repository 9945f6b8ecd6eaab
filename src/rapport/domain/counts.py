"""Counts said in words: "1 meeting moved", "3 meetings moved", "nothing new"."""

from __future__ import annotations

from collections.abc import Mapping

# the plural nouns the counters use, and their singular
_SINGULAR = {
    "messages": "message",
    "interactions": "interaction",
    "conversations": "conversation",
    "meetings": "meeting",
    "events": "event",
    "attendees": "attendee",
    "correspondents": "correspondent",
    "people": "person",
    "records": "record",
    "rows": "row",
}


def counted(n: int, phrase: str) -> str:
    """`n` and `phrase` (given in the plural, e.g. "upcoming meetings"), its noun in
    the singular when `n` is 1: '1 upcoming meeting', '1,204 messages'."""
    words = phrase.replace("_", " ").split(" ")
    if n == 1:
        for i, word in enumerate(words):
            if word in _SINGULAR:
                words[i] = _SINGULAR[word]
                break
    return f"{n:,} {' '.join(words)}"


def said(counts: Mapping[str, int], nothing: str = "nothing new") -> str:
    """The non-zero counts in words, in their order: '2 messages, 1 interaction'."""
    shown = [counted(n, what) for what, n in counts.items() if n]
    return ", ".join(shown) if shown else nothing
