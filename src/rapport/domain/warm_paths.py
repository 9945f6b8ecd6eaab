"""Warm introduction paths: who can introduce the user to someone, and why.

The graph is what Rapport already knows: who introduced whom, who took part in the
same conversations, who was met at the same event, who worked at the same
organisation at the same time. Each such tie between two people is a `Link` with a
strength between 0 and 1 and the sentence that justifies it. The user's own tie to
a person is their health score.

A path is the user, then one or two people they know, then the person they want to
reach. Its strength is the product of its hops' strengths, so a path through
someone the user knows well (94) who sat in three meetings with the target beats one
through a near-stranger who was at the same conference. For each first person the
best continuation is kept, and the paths are ranked by strength: "whom to ask" is a
question about the first hop.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# the strength of a tie of each kind, before what is known of it adds or takes away
INTRODUCED = 0.85  # one introduced the other to someone, or to the user
INTRODUCED_TO_EACH_OTHER = 0.6
CONVERSATIONS_BASE = 0.35  # in one conversation together; more add up to the cap
CONVERSATIONS_CAP = 0.9
OLD_CONVERSATIONS = 0.6  # the last one more than two years ago: the tie has cooled
COLLEAGUES_NOW = 0.45
COLLEAGUES_BEFORE = 0.35
SAME_EVENT = 0.25
LARGE_GROUP = 12  # a conversation with more people than this ties nobody together
OLD_DAYS = 730

# stand-ins for the two names in a link's reason (control characters: never in a name)
A, B = "\x00a", "\x00b"

STRONG, GOOD = 70, 40  # the user's own tie, in health points, in words


@dataclass(frozen=True)
class Link:
    """A tie between two people (`a`, `b`, in no order) and the words that justify
    it; `kind` is introduced, conversations, colleagues or event."""

    a: int
    b: int
    kind: str
    strength: float
    reason: str  # A and B (the `A`, `B` constants) stand for their names, either order
    context: str = ""  # for a message to one of them: "you were both at Acme"
    a_name: str = ""
    b_name: str = ""

    def other(self, person_id: int) -> int:
        return self.b if person_id == self.a else self.a

    def told_from(self, person_id: int) -> str:
        """The reason with `person_id`'s name first: "Ana and Jane …" on the way from
        Ana to Jane, "Jane and Ana …" the other way."""
        first, second = (
            (self.a_name, self.b_name) if person_id == self.a else (self.b_name, self.a_name)
        )
        return self.reason.replace(A, first).replace(B, second)


@dataclass(frozen=True)
class Hop:
    """One step of a path: to `person_id`, and why."""

    person_id: int
    name: str
    reason: str
    strength: float
    context: str = ""


@dataclass(frozen=True)
class WarmPath:
    """The user's way to `target`: `hops` start at the first person to ask (or the
    target, when the user knows them directly) and end at the target."""

    target_id: int
    target: str
    strength: float  # 0–1: the product of the hops
    hops: list[Hop]

    @property
    def direct(self) -> bool:
        return len(self.hops) == 1

    @property
    def first(self) -> Hop:
        return self.hops[0]


def tie_words(score: int) -> str:
    """The user's own tie to someone, as the path explains it: 'strong (94)'."""
    word = "strong" if score >= STRONG else "good" if score >= GOOD else "weak"
    return f"{word} ({score})"


def conversations_strength(count: int, last: dt.date, today: dt.date) -> float:
    """More conversations together, a stronger tie, up to a cap; older ones count less."""
    value = min(CONVERSATIONS_CAP, CONVERSATIONS_BASE + 0.15 * math.log2(count))
    return value * (OLD_CONVERSATIONS if (today - last).days > OLD_DAYS else 1.0)


def overlap(
    first: tuple[dt.date | None, dt.date | None], second: tuple[dt.date | None, dt.date | None]
) -> bool:
    """Whether two stretches at one place (start, end; None when unknown or ongoing)
    can have met. An unknown start could be any time before its end."""
    (a_start, a_end), (b_start, b_end) = first, second
    if a_end is not None and b_start is not None and a_end < b_start:
        return False
    return not (b_end is not None and a_start is not None and b_end < a_start)


def together_years(
    first: tuple[dt.date | None, dt.date | None], second: tuple[dt.date | None, dt.date | None]
) -> str:
    """When two overlapping stretches met, as ' (2019–2021)' or ' (2020)': from the
    later known start to the earlier known end ('' when no start or no end is known)."""
    starts = [d for d in (first[0], second[0]) if d is not None]
    ends = [d for d in (first[1], second[1]) if d is not None]
    if not starts or not ends:
        return ""
    start, end = max(starts).year, min(ends).year
    return f" ({start})" if start == end else f" ({start}–{end})"


def best_paths(
    targets: Mapping[int, str],
    links: Iterable[Link],
    my_ties: Mapping[int, int],
    names: Mapping[int, str],
    *,
    limit: int = 5,
) -> list[WarmPath]:
    """The strongest paths from the user to any of `targets` (id → name): direct
    ties first when strong, then through one or two people. `my_ties` holds the
    user's health with each person they know (0–100); `names` everyone's name.
    One path per first person, the best; ties broken by name so the order is stable."""
    by_person: dict[int, list[Link]] = {}
    for link in links:
        if link.a == link.b:
            continue
        by_person.setdefault(link.a, []).append(link)
        by_person.setdefault(link.b, []).append(link)

    # the best way from each person to a target: one link, or two through someone
    known_well = {i for i, score in my_ties.items() if score >= GOOD}
    one: dict[int, tuple[float, Link]] = {}
    for target in targets:
        if target in known_well:  # asked directly: no go-between
            continue
        for link in by_person.get(target, ()):
            other = link.other(target)
            if other in targets:
                continue
            if other not in one or link.strength > one[other][0]:
                one[other] = (link.strength, link)
    two: dict[int, tuple[float, Link, Link]] = {}
    for middle, (strength, onward) in one.items():
        for link in by_person.get(middle, ()):
            other = link.other(middle)
            if other in targets or other == middle:
                continue
            value = link.strength * strength
            if other not in two or value > two[other][0]:
                two[other] = (value, link, onward)

    # nor someone in the middle of a path: the user asks them directly (that path is
    # listed on its own)
    two = {k: v for k, v in two.items() if v[1].other(k) not in known_well}
    paths: list[WarmPath] = []
    for target, name in targets.items():
        score = my_ties.get(target, 0)
        if score > 0:
            reason = f"you know them yourself: {tie_words(score)}"
            paths.append(
                WarmPath(target, name, score / 100, [Hop(target, name, reason, score / 100)])
            )
    for first in set(one) | set(two):
        score = my_ties.get(first, 0)
        if score <= 0:
            continue
        mine = score / 100
        me_hop = Hop(first, names.get(first, "?"), f"you: {tie_words(score)}", mine)
        options: list[tuple[float, list[Link]]] = []
        if first in one:
            options.append((one[first][0], [one[first][1]]))
        if first in two:
            options.append((two[first][0], [two[first][1], two[first][2]]))
        value, chain = max(options, key=lambda o: (o[0], -len(o[1])))
        hops = [me_hop]
        at = first
        for link in chain:
            reason = link.told_from(at)
            at = link.other(at)
            hops.append(Hop(at, names.get(at, "?"), reason, link.strength, link.context))
        target = hops[-1].person_id
        paths.append(WarmPath(target, targets[target], mine * value, hops))
    paths.sort(key=lambda p: (-p.strength, len(p.hops), p.first.name, p.target))
    return paths[:limit]


def reach(targets: Mapping[int, str], links: Iterable[Link]) -> dict[int, float]:
    """The strongest chain of one or two links from each person to any of `targets`,
    before the user's own ties: no path that starts with a person is stronger than
    their reach (`best_paths` multiplies it by the user's tie, at most 1, and only
    leaves chains out)."""
    by_person: dict[int, list[Link]] = {}
    for link in links:
        if link.a != link.b:
            by_person.setdefault(link.a, []).append(link)
            by_person.setdefault(link.b, []).append(link)
    one: dict[int, float] = {}
    for target in targets:
        for link in by_person.get(target, ()):
            other = link.other(target)
            if other not in targets:
                one[other] = max(one.get(other, 0.0), link.strength)
    best = dict(one)
    for middle, strength in one.items():
        for link in by_person.get(middle, ()):
            other = link.other(middle)
            if other not in targets and other != middle:
                best[other] = max(best.get(other, 0.0), link.strength * strength)
    return best


def neighbours(person_id: int, links: Iterable[Link], names: Mapping[int, str]) -> list[Hop]:
    """Who is tied to `person_id`, strongest first, with the reason (the strongest
    link per person): "Who knows them"."""
    best: dict[int, Link] = {}
    for link in links:
        if person_id not in (link.a, link.b) or link.a == link.b:
            continue
        other = link.other(person_id)
        if other not in best or link.strength > best[other].strength:
            best[other] = link
    hops = [
        Hop(o, names.get(o, "?"), link.told_from(o), link.strength, link.context)
        for o, link in best.items()
    ]
    hops.sort(key=lambda h: (-h.strength, h.name))
    return hops


def introduction_request(
    path: WarmPath, *, me: str, target_detail: str, about: str = ""
) -> tuple[str, str]:
    """(subject, body) of a message asking the first person of `path` for an
    introduction: how the user believes they know the target, the purpose when given,
    an easy way out, and an offer to write the note they can forward."""
    if path.direct:
        raise ValueError("a direct tie needs no introduction")
    first = path.hops[0].name.split()[0]
    target = path.target + (f" ({target_detail})" if target_detail else "")
    if len(path.hops) == 2:
        context = path.hops[1].context
        why = f"I believe {context}." if context else "I believe you know each other."
    else:
        why = f"I believe you know {path.hops[1].name}, who knows them."
    purpose = f" I'd like to {about.strip().rstrip('.')}." if about.strip() else ""
    lines = [
        f"Hi {first},",
        "",
        f"I hope you're well. Would you be open to introducing me to {target}? {why}{purpose}",
        "",
        "If it helps, I can write a short note you could forward, so it takes you a minute. "
        "And if now isn't a good moment, or you'd rather not, no problem at all.",
        "",
        "Thank you,",
    ]
    if me:
        lines.append(me.split()[0])
    return f"An introduction to {path.target}?", "\n".join(lines)
