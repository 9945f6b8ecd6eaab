""" "Who do I know who…": the pure rules of meaning-based search over people — the
words of a question worth matching, how the keyword and meaning rankings are fused,
and the short reason shown with each person found."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_WORDS = re.compile(r"\w+")
# Reciprocal-rank fusion's constant: 60 is the value of the paper that introduced it
# (Cormack et al., 2009); it keeps one list's first place from drowning the other.
RRF_K = 60
# people whose meaning is this far from the question are not shown on meaning alone
# (all-MiniLM-L6-v2's cosine: unrelated short texts score about 0.0–0.15)
MEANING_FLOOR = 0.2
# nor when far below the closest person: past the few who fit, the rest of a network
# is all alike to the model (0.25–0.35 for anyone in the same city or trade)
MEANING_GAP = 0.15
# The model's cost grows with the text: about 1,300 word pieces a second on one busy
# core here, so a person's text is kept to what tells them apart (about 128 pieces,
# the model's window as services.semantic sets it), most telling fields first.
TEXT_WIDTH = 600
PRIVATE_WIDTH = 160
SNIPPET = 60  # characters of a public field quoted in a reason
REASONS = 2  # fields named in a reason
# the field shown for someone found by meaning alone: the first of these they have
TELLING = ("interests", "role", "met at", "lives in", "past roles", "tags")

# words a "who do I know who…" question is made of that say nothing about anyone
_STOP = """a about an and any anyone are as at be been being but by can could did do does
doing for from had has have having he her him his how i if in into is it its know knows me
my of on or our people person she so some someone somebody than that the their them they
this those to us was we were what when where which who whom whose why will with would you
your i'm who's works work working worked doe"""
STOP_WORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Field:
    """One piece of a person's profile: what it is (`label`, as shown in a reason),
    its text, and whether it is private (notes, how you met, conversations: named in
    a reason by the words matched, never quoted)."""

    label: str
    text: str
    private: bool = False


@dataclass
class Profile:
    """What is known of a person, field by field, for their vector and their reason."""

    person_id: int
    fields: list[Field] = field(default_factory=list)

    def text(self, width: int = TEXT_WIDTH) -> str:
        """The text embedded: every field, most telling first (a private one cut at
        PRIVATE_WIDTH), the whole cut at `width`."""
        parts = [
            _phrase(Field(f.label, f.text[:PRIVATE_WIDTH] if f.private else f.text), [], whole=True)
            for f in self.fields
            if f.text
        ]
        return ". ".join(parts)[:width]


def content_words(terms: Sequence[str]) -> list[str]:
    """The terms of a question that can tell people apart (stop words left out)."""
    return [t for t in terms if t not in STOP_WORDS and len(t) > 1]


def fuse(keyword: Sequence[int], meaning: Sequence[int], first: Sequence[int] = ()) -> list[int]:
    """People ranked by reciprocal-rank fusion of the `keyword` and `meaning`
    rankings (best first each); `first` (exact name matches) stay ahead of all."""
    score: dict[int, float] = {}
    for ranking in (keyword, meaning):
        for rank, pid in enumerate(ranking):
            score[pid] = score.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
    pinned = list(dict.fromkeys(first))
    rest = sorted((p for p in score if p not in pinned), key=lambda p: -score[p])
    return pinned + rest


def reason(
    profile: Profile,
    terms: Sequence[str],
    tokens: Callable[[str], list[str]],
    best_field: Field | None = None,
) -> str:
    """A short phrase saying why this person answers the question: the fields holding
    its words ("interests: climate tech; met at Lisbon Energy Summit"), else (found by
    meaning alone) `best_field` or the first of TELLING they have (their interests,
    else their role…), which says what they are about. A private field is named by
    the words it matched, never quoted."""
    wanted = [t for t in terms if len(t) > 1]
    phrases: list[str] = []
    for f in profile.fields:
        # the words of the field as written, those the question's terms match
        hits = [
            word
            for word in dict.fromkeys(_WORDS.findall(f.text))
            if any(w == t or (len(t) > 3 and w.startswith(t)) for w in tokens(word) for t in wanted)
        ]
        if hits:
            phrases.append(_phrase(f, hits))
        if len(phrases) == REASONS:
            break
    if not phrases:
        # what they care about says most of why a question in other words found them
        public = sorted(
            (f for f in profile.fields if not f.private),
            key=lambda f: TELLING.index(f.label) if f.label in TELLING else len(TELLING),
        )
        shown = best_field if best_field is not None and not best_field.private else None
        shown = shown or next(iter(public), None)
        if shown is not None:
            phrases.append(_phrase(shown, []))
    return "; ".join(phrases)


def _phrase(f: Field, hits: Sequence[str], *, whole: bool = False) -> str:
    if whole:  # the text embedded: every field whole, with its label
        return f"{f.label} {f.text}" if f.label.endswith((" at", " in")) else f"{f.label}: {f.text}"
    if f.private:
        # private labels are plural nouns ("your notes", "your conversations")
        quoted = ", ".join(f"“{h}”" for h in hits[:3])
        return f"{f.label} mention {quoted}"
    text = " ".join(f.text.split())
    if len(text) > SNIPPET:
        text = text[: SNIPPET - 1].rstrip(" ,;") + "…"
    if not f.label:
        return text
    # "met at Lisbon Energy Summit", "lives in Lisbon"; otherwise "interests: climate tech"
    return f"{f.label} {text}" if f.label.endswith((" at", " in")) else f"{f.label}: {text}"
