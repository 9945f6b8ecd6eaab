"""A realistic professional network, generated from a seed: the same `Spec` always
gives the same network.

Shape: organizations of very different sizes; about a third of people typed
(clients, peers, industry…), close ties more often than the tail; interactions over
`years` with a Zipf–Mandelbrot skew, so a few dozen close ties hold a large share
and most people have a handful or none; people join the network over time (more
recently than long ago) and a third of them drift away; events with the people met
there; birthdays and anniversaries; promises both ways; favours given and received.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from bench import words
from bench.network import (
    EventRecord,
    FavourRecord,
    InteractionRecord,
    MilestoneRecord,
    Network,
    OrganizationRecord,
    PersonRecord,
    PromiseRecord,
)
from rapport.domain.names import fold

UTC = dt.UTC
OWNER_NAME = "Sam Rivers"
OWNER_EMAIL = "sam@rivers.example"
SKEW_OFFSET = 10  # Zipf–Mandelbrot: weight of rank r is (r + offset) ** -exponent
SKEW_EXPONENT = 1.3
CLOSE_TIES = 50  # the closest ranks met early and never drift away


@dataclass(frozen=True)
class Spec:
    people: int = 50_000
    interactions: int = 2_000_000
    years: int = 10
    today: dt.date = dt.date(2026, 11, 23)
    seed: int = 20261123
    linkedin_rows: int = 30_000
    mbox_messages: int = 10_000
    ics_events: int = 2_000

    @property
    def organizations(self) -> int:
        return max(3, self.people // 15)

    @property
    def events(self) -> int:
        return max(3, self.people // 250)

    @property
    def first_day(self) -> dt.date:
        return self.today - dt.timedelta(days=365 * self.years)

    def rng(self, part: str) -> random.Random:
        """A random stream of its own for each part, so parts don't shift each other."""
        return random.Random(f"{self.seed}:{part}")


SMALL = Spec(people=300, interactions=5_000, linkedin_rows=300, mbox_messages=200, ics_events=50)


@dataclass
class Generated:
    """The network and what the benchmark needs to know about it."""

    spec: Spec
    network: Network
    by_rank: list[int]  # person positions, closest tie first
    org_domains: list[str]
    interactions: list[InteractionRecord] = field(default_factory=list)

    @cached_property
    def cum_weights(self) -> list[float]:
        return list(itertools.accumulate(skew_weights(len(self.by_rank))))

    def pick_people(self, rng: random.Random, k: int) -> list[int]:
        """`k` people drawn with the network's skew (close ties far more often)."""
        return rng.choices(self.by_rank, cum_weights=self.cum_weights, k=k)


def skew_weights(n: int) -> list[float]:
    return [(r + SKEW_OFFSET) ** -SKEW_EXPONENT for r in range(n)]


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while fold(candidate) in taken:
        candidate, n = f"{name} {n}", n + 1
    taken.add(fold(candidate))
    return candidate


def ascii_slug(text: str) -> str:
    return "".join(c for c in fold(text) if c.isascii() and (c.isalnum() or c == ".")) or "x"


def organizations(spec: Spec) -> tuple[list[OrganizationRecord], list[str]]:
    rng = spec.rng("organizations")
    taken: set[str] = set()
    records, domains = [], []
    for _ in range(spec.organizations):
        name = _unique(f"{rng.choice(words.ORG_STEMS)} {rng.choice(words.ORG_SUFFIXES)}", taken)
        domain = ascii_slug(name.replace(" ", "")) + rng.choice([".com", ".io", ".eu", ".co"])
        records.append(OrganizationRecord(name, rng.choice(words.INDUSTRIES), f"https://{domain}"))
        domains.append(domain)
    return records, domains


def events(spec: Spec) -> list[EventRecord]:
    rng = spec.rng("events")
    span = (spec.today - spec.first_day).days
    found = []
    for i in range(spec.events):
        starts = spec.first_day + dt.timedelta(days=rng.randrange(span))
        days = rng.choice([0, 0, 0, 1, 2])
        name = f"{rng.choice(words.EVENT_NAMES)} {starts.year}" + (f" #{i}" if i % 3 else "")
        city = rng.choice(words.CITIES).replace("-", " ")
        found.append(EventRecord(name, starts, starts + dt.timedelta(days=days), city))
    return found


def _types(rng: random.Random, rank: int) -> tuple[str, ...]:
    if rng.random() > (0.95 if rank < 500 else 0.25):
        return ()
    close = ["colleague", "client", "friend", "report", "manager", "mentor", "mentee", "partner"]
    tail = ["industry"] * 30 + ["peer"] * 20 + ["colleague"] * 10 + ["prospect"] * 8
    tail += ["client"] * 5 + ["competitor"] * 6 + ["partner"] * 5 + ["friend"] * 6
    tail += ["mentor", "mentee", "report", "manager"]
    pool = close if rank < 500 else tail
    first = rng.choice(pool)
    return (first, rng.choice(tail)) if rng.random() < 0.15 else (first,)


def people(
    spec: Spec, orgs: Sequence[OrganizationRecord], domains: Sequence[str], evs: list[EventRecord]
) -> tuple[list[PersonRecord], list[int], list[tuple[int, int]]]:
    """People, their positions by closeness, and each one's (first, last) active day
    as offsets from the first day."""
    rng = spec.rng("people")
    span = (spec.today - spec.first_day).days
    by_rank = list(range(spec.people))
    rng.shuffle(by_rank)
    rank_of = {p: r for r, p in enumerate(by_rank)}
    org_weights = list(itertools.accumulate((r + 1) ** -0.9 for r in range(len(orgs))))
    emails_taken: set[str] = set()
    records: list[PersonRecord] = []
    windows: list[tuple[int, int]] = []
    attendees: list[list[int]] = [[] for _ in evs]
    for position in range(spec.people):
        rank = rank_of[position]
        given, family = rng.choice(words.GIVEN_NAMES), rng.choice(words.FAMILY_NAMES)
        org = (
            rng.choices(range(len(orgs)), cum_weights=org_weights)[0]
            if rng.random() < 0.88
            else None
        )
        met_event = None
        if rank < CLOSE_TIES:
            first = rng.randrange(span * 2 // 5)
        else:
            first = int(span * rng.random() ** 0.5)
            if evs and rng.random() < 0.04:
                met_event = rng.randrange(len(evs))
                first = (evs[met_event].starts_on - spec.first_day).days
                attendees[met_event].append(position)
        last = span if rank < CLOSE_TIES or rng.random() < 0.7 else rng.randint(first, span)
        windows.append((first, last))
        local = ascii_slug(f"{given}.{family}")
        domain = domains[org] if org is not None else rng.choice(["gmail.com", "outlook.com"])
        address = f"{local}@{domain}"
        n = 2
        while address in emails_taken:
            address, n = f"{local}{n}@{domain}", n + 1
        emails_taken.add(address)
        emails = [address]
        if rng.random() < 0.1:
            personal = f"{local}.{position}@fastmail.com"
            emails_taken.add(personal)
            emails.append(personal)
        started = spec.first_day + dt.timedelta(days=first)
        records.append(
            PersonRecord(
                full_name=f"{given} {family}",
                given_name=given,
                family_name=family,
                organization=org,
                title=rng.choice(words.TITLES) if rng.random() < 0.8 else None,
                location=rng.choice(words.CITIES).replace("-", " ") if rng.random() < 0.5 else None,
                how_met=(
                    f"Met at {evs[met_event].name}"
                    if met_event is not None
                    else (
                        rng.choice(["Introduced by a friend", "Cold email", "Conference"])
                        if rng.random() < 0.15
                        else None
                    )
                ),
                met_on=started if met_event is not None or rng.random() < 0.6 else None,
                met_event=met_event,
                interests=", ".join(rng.sample(words.TOPICS, 2)) if rng.random() < 0.2 else None,
                notes=None,
                cadence_days=rng.choice([14, 30, 60, 90, 180]) if rng.random() < 0.03 else None,
                types=_types(rng, rank),
                tags=tuple(rng.sample(words.TAGS, rng.randint(1, 3))) if rng.random() < 0.3 else (),
                emails=tuple(emails),
                created_at=dt.datetime.combine(started, dt.time(9, 0), UTC),
            )
        )
    # a few more attendees per event, people met there before or after
    for i, ev in enumerate(evs):
        extra = rng.sample(range(spec.people), min(spec.people, 5 + int(120 * rng.random() ** 3)))
        evs[i] = ev._replace(attendees=tuple(dict.fromkeys(attendees[i] + extra)))
    return records, by_rank, windows


def interactions(spec: Spec, gen: Generated, windows: Sequence[tuple[int, int]]) -> None:
    """`spec.interactions` interactions, oldest first, into `gen.interactions`."""
    rng = spec.rng("interactions")
    names = gen.network.people
    out: list[InteractionRecord] = []
    # the event itself, with half of the people met there
    for position, ev in enumerate(gen.network.events):
        at = dt.datetime.combine(ev.starts_on, dt.time(14, 0), UTC)
        for person in ev.attendees:
            if rng.random() < 0.5 and len(out) < spec.interactions:
                out.append(
                    InteractionRecord(
                        "event", at, (person,), "mutual", None, f"Met at {ev.name}", event=position
                    )
                )
    kinds = ["email", "message", "meeting", "call", "video", "meal", "note"]
    kind_weights = list(itertools.accumulate([46, 21, 12, 9, 8, 3, 1]))
    summaries = {
        k: [t.format(t=topic, T=topic.capitalize()) for t in templates for topic in words.TOPICS]
        for k, templates in words.SUMMARY_TEMPLATES.items()
    }
    notes_pool = [
        template.format(g=g, t=t, u=u, q=q)
        for template in words.NOTE_TEMPLATES
        for g, t, u, q in zip(
            rng.sample(words.GIVEN_NAMES * 3, 300),
            rng.choices(words.TOPICS, k=300),
            rng.choices(words.TOPICS, k=300),
            rng.choices([1, 2, 3, 4], k=300),
            strict=True,
        )
    ]
    directions = ["me", "them", "mutual"]
    tones = [None] * 14 + ["warm", "warm", "neutral", "neutral", "tense"]
    one = [(p,) for p in range(len(names))]
    n = spec.interactions - len(out)
    chosen = gen.pick_people(rng, n)
    extra = iter(gen.pick_people(rng, n // 3 + 10))
    start = dt.datetime.combine(spec.first_day, dt.time(0), UTC)
    day = dt.timedelta(days=1)
    last_moment = dt.datetime.combine(spec.today, dt.time(0), UTC) - dt.timedelta(minutes=1)
    for person, kind in zip(chosen, rng.choices(kinds, cum_weights=kind_weights, k=n), strict=True):
        first, last = windows[person]
        u = rng.random()
        at = start + day * (first + (last - first + 1) * u)
        at = min(at.replace(hour=7 + int(12 * rng.random()), microsecond=0), last_moment)
        who: tuple[int, ...] = one[person]
        r = rng.random()
        if r < 0.16 and kind in ("email", "meeting", "video", "call", "meal"):
            who = tuple(dict.fromkeys((person, *(next(extra) for _ in range(1 + (r < 0.04) * 3)))))
        out.append(
            InteractionRecord(
                kind,
                at,
                who,
                rng.choice(directions),
                None,
                rng.choice(summaries[kind]),
                rng.choice(notes_pool) if rng.random() < 0.25 else None,
                rng.choice(tones),
                rng.choice(words.PROJECTS) if rng.random() < 0.05 else None,
            )
        )
    out.sort(key=lambda i: i.occurred_at)
    gen.interactions = out
    gen.network.interactions = out


def milestones(spec: Spec, count: int) -> list[MilestoneRecord]:
    rng = spec.rng("milestones")
    found = []
    for person in range(count):
        if rng.random() < 0.35:
            year = rng.randint(1955, 2002) if rng.random() < 0.5 else None
            found.append(
                MilestoneRecord(
                    person, "birthday", rng.randint(1, 12), rng.randint(1, 28), year, "yearly", 3
                )
            )
        if rng.random() < 0.1:
            found.append(
                MilestoneRecord(
                    person,
                    "work-anniversary",
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                    rng.randint(2010, 2025),
                    "yearly",
                    3,
                )
            )
        if rng.random() < 0.03:
            kind = rng.choice(["promotion", "new-job"])
            year = spec.today.year - rng.randint(0, 2)
            found.append(
                MilestoneRecord(
                    person, kind, rng.randint(1, 12), rng.randint(1, 28), year, "once", 1
                )
            )
    return found


def promises(spec: Spec, gen: Generated) -> list[PromiseRecord]:
    rng = spec.rng("promises")
    found = []
    for person in gen.pick_people(rng, spec.people // 10):
        due = spec.today + dt.timedelta(days=rng.randint(-700, 60))
        created = dt.datetime.combine(due - dt.timedelta(days=rng.randint(1, 30)), dt.time(10), UTC)
        status, resolved = "open", None
        if due < spec.today:
            status = rng.choices(["kept", "broken", "released", "open"], [80, 10, 5, 5])[0]
            if status != "open":
                resolved = created + dt.timedelta(days=rng.randint(0, 40))
        text = rng.choice(words.PROMISE_TEMPLATES).format(t=rng.choice(words.TOPICS))
        due_on = due if rng.random() < 0.8 else None
        owner = "me" if rng.random() < 0.6 else "them"
        found.append(PromiseRecord(person, owner, text, due_on, status, created, resolved))
    return found


def favours(spec: Spec, gen: Generated) -> list[FavourRecord]:
    rng = spec.rng("favours")
    kinds = ["introduction", "referral", "advice", "resource", "favour", "endorsement"]
    found = []
    for person in gen.pick_people(rng, spec.people // 10):
        on = spec.today - dt.timedelta(days=rng.randint(0, 365 * spec.years - 1))
        direction = "given" if rng.random() < 0.55 else "received"
        thanked = (
            on + dt.timedelta(days=rng.randint(0, 10))
            if direction == "received" and rng.random() < 0.7
            else None
        )
        thanked = min(thanked, spec.today) if thanked else None
        note = f"{rng.choice(kinds)} about {rng.choice(words.TOPICS)}"
        found.append(FavourRecord(person, direction, rng.choice(kinds), on, note, thanked))
    return found


def generate(spec: Spec, *, with_interactions: bool = True) -> Generated:
    """The network of `spec`; without interactions it takes a second at full scale
    (enough to write the import files)."""
    orgs, domains = organizations(spec)
    evs = events(spec)
    persons, by_rank, windows = people(spec, orgs, domains, evs)
    network = Network(organizations=orgs, people=persons, events=evs)
    gen = Generated(spec, network, by_rank, domains)
    if with_interactions:
        interactions(spec, gen, windows)
    network.milestones = milestones(spec, spec.people)
    network.promises = promises(spec, gen)
    network.favours = favours(spec, gen)
    return gen


def scaled(spec: Spec, people: int, interactions: int) -> Spec:
    """`spec` with another size; the import files shrink in proportion."""
    ratio = people / spec.people
    return replace(
        spec,
        people=people,
        interactions=interactions,
        linkedin_rows=max(50, int(spec.linkedin_rows * ratio)),
        mbox_messages=max(50, int(spec.mbox_messages * ratio)),
        ics_events=max(20, int(spec.ics_events * ratio)),
    )
