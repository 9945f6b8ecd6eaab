"""Telling whether two people records are the same person, with a score and the
reasons in words.

The evidence, strongest first: a shared email or phone; the same name (however it is
spaced, accented or transliterated: '李小龙' and '李 小龙', 'Jörg' and 'Joerg',
'Иван Петров' and 'Ivan Petrov'); a nickname of the same given name with the same
family name ('Kate is short for Katherine'); very similar spellings. The organization
and the addresses then move a name's score: the same organization raises it,
different organizations or different emails and phones lower it, since two people
can share a name but not an inbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from rapport.domain import nicknames
from rapport.domain.names import fold, is_cjk, latin

# the score of each kind of evidence, 0–100; the strongest found counts, and each
# further independent piece adds FURTHER
SAME_EMAIL = 100
SAME_PHONE = 95
SAME_NAME = 84  # folded, spacing or transliteration aside
NICKNAME = 82  # one given name a nickname of the other, same family name
SHARED_NICKNAME = 74  # two nicknames of one name ('Bill', 'Will'): a weaker hint
SIMILAR_OFFSET = 16  # very similar names score their similarity less this
FUZZY_FLOOR = 88  # similarity (0–100) from which two names count as very similar
FURTHER = 2
# what the rest of two records says about a name's evidence
SAME_ORG = 8
OTHER_ORG = -10
OTHER_EMAILS = -8
OTHER_PHONES = -5


class MatchFacts(NamedTuple):
    """What matching needs to know of one record (a tuple: a network has many)."""

    person_id: int
    name: str  # as typed
    organization_id: int | None = None
    organization: str | None = None  # its name, for the reasons
    emails: frozenset[str] = frozenset()  # normalised keys
    phones: frozenset[str] = frozenset()

    @property
    def keys(self) -> NameKeys:
        return name_keys(self.name)


@lru_cache(maxsize=100_000)  # a network repeats names; each is worked out once
def name_keys(name: str) -> NameKeys:
    """The forms of `name` that matching compares."""
    return NameKeys.of(name)


@dataclass(frozen=True)
class NameKeys:
    """A name's forms for comparing: folded, without spaces, in Latin letters, and
    its given and family names in Latin letters."""

    written: str  # as typed, for the reasons
    folded: str
    compact: str
    spellings: frozenset[str]  # in Latin letters, spaced
    spelled: str  # the first of them (or the folded name): one spelling to compare
    latin: frozenset[str]  # the same without spaces
    given: str
    family: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, name: str) -> NameKeys:
        folded = fold(name)
        spellings = latin(name, folded)
        first = min(spellings) if spellings else ""
        cjk = not name.isascii() and is_cjk(folded)
        split = [] if cjk else [s.split() for s in spellings]
        return cls(
            written=" ".join(name.split()),
            folded=folded,
            compact=folded.replace(" ", ""),
            spellings=spellings,
            spelled=first or folded,
            latin=frozenset(s.replace(" ", "") for s in spellings),
            given=next((w[0] for w in split if len(w) > 1 and " ".join(w) == first), ""),
            family=frozenset(w[-1] for w in split if len(w) > 1),
        )

    @cached_property
    def blocks(self) -> frozenset[tuple[str, ...]]:
        """Keys under which records that may be this one are found, so no two records
        are compared unless they share one: the name without spaces in each of its
        spellings, (family name, nickname key of the given name), and (family name,
        initial) for very similar spellings."""
        found: set[tuple[str, ...]] = {("name", s) for s in {self.compact, *self.latin}}
        for family in self.family:
            found.update(("nick", family, k) for k in nicknames.keys(self.given))
            found.add(("similar", family, self.given[:1]))
        return frozenset(found)


class Clue(NamedTuple):
    """One piece of evidence: its score and what it is, in words."""

    score: int
    reasons: tuple[str, ...]


class Candidate(NamedTuple):
    """Two records that may be one person: `score` 0–100 and why."""

    a: int
    b: int
    score: int
    reasons: tuple[str, ...]


def name_score(a: str, b: str) -> int:
    """How alike two folded names are, 0–100, ignoring word order ('lima ana')."""
    from rapidfuzz import fuzz

    return round(fuzz.token_sort_ratio(a, b))


def name_clue(x: NameKeys, y: NameKeys) -> Clue | None:
    """What two names say about being one person, or None: they are unrelated."""
    if x.folded == y.folded:
        return Clue(SAME_NAME, ("same name",))
    if x.compact == y.compact:
        return Clue(SAME_NAME, ("same name written with and without spaces",))
    if x.latin & y.latin:
        first, second = sorted((x.written, y.written))
        return Clue(SAME_NAME, (f"same name spelled two ways ({first} / {second})",))
    family = sorted(x.family & y.family)
    if family and x.given and y.given:
        related = nicknames.relation(x.given, y.given)
        if related:
            score = NICKNAME if nicknames.is_direct(x.given, y.given) else SHARED_NICKNAME
            return Clue(score, (related, f"same family name {family[0].title()}"))
    similarity = max((name_score(a, b) for a in x.spellings for b in y.spellings), default=0)
    if similarity >= FUZZY_FLOOR:
        return Clue(similarity - SIMILAR_OFFSET, (f"very similar names ({similarity}% alike)",))
    return None


def _context(x: MatchFacts, y: MatchFacts) -> Clue:
    """How the rest of two records moves a name's evidence, with the reasons."""
    score, reasons = 0, []
    if x.organization_id is not None and y.organization_id is not None:
        if x.organization_id == y.organization_id:
            score += SAME_ORG
            reasons.append(f"at the same organization ({x.organization or 'one organization'})")
        else:
            names = sorted(n for n in (x.organization, y.organization) if n)
            score += OTHER_ORG
            reasons.append("but at different organizations" + (f" ({', '.join(names)})"
                                                               if names else ""))  # fmt: skip
    if x.emails and y.emails and not x.emails & y.emails:
        score += OTHER_EMAILS
        reasons.append("different emails")
    if x.phones and y.phones and not x.phones & y.phones:
        score += OTHER_PHONES
        reasons.append("different phones")
    return Clue(score, tuple(reasons))


def compare(x: MatchFacts, y: MatchFacts) -> Candidate | None:
    """The evidence that `x` and `y` are one person, scored and explained, or None
    when there is none. Symmetric: the same score and reasons in either order."""
    clues: list[Clue] = []
    if x.emails and y.emails:
        clues.extend(Clue(SAME_EMAIL, (f"same email {a}",)) for a in sorted(x.emails & y.emails))
    if x.phones and y.phones:
        clues.extend(Clue(SAME_PHONE, (f"same phone {n}",)) for n in sorted(x.phones & y.phones))
    named = name_clue(x.keys, y.keys)
    if named is not None:
        context = _context(x, y)
        adjusted = max(0, min(100, named.score + context.score))
        clues.append(Clue(adjusted, named.reasons + context.reasons))
    if not clues:
        return None
    a, b = (x.person_id, y.person_id) if x.person_id < y.person_id else (y.person_id, x.person_id)
    if len(clues) == 1:
        return Candidate(a, b, clues[0].score, clues[0].reasons)
    clues.sort(key=lambda c: (-c.score, c.reasons))
    score = min(100, clues[0].score + FURTHER * (len(clues) - 1))
    return Candidate(a, b, score, tuple(dict.fromkeys(r for c in clues for r in c.reasons)))
