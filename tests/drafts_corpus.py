"""Situations a draft is written for, generated from realistic user text (every kind ×
verbs, noun phrases, lowercase, trailing punctuation, CJK, long text), and the rules
a sendable draft keeps."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from rapport.domain import phrasing
from rapport.domain.drafts import Situation
from rapport.domain.vocabulary import ExchangeKind, MilestoneKind

LONG = (
    "she spent almost an hour on the phone walking me through how their team "
    "ran the pricing experiment last spring"
)
CJK = "介绍了一位设计师"

FAVOUR_NOTES = (
    "",
    "to a designer she knows",
    "lent a book",
    "pricing strategy over lunch.",
    "the intro to Acme's CFO",
    "introduced me to Carla at Globex",
    "helped with my visa application",
    "reviewing my CV",
    "review my CV",
    "CV review",
    "Lent me 'Thinking in Systems'!",
    "gave great feedback on my talk",
    "for the board role",
    "on LinkedIn",
    "her notes on the Q3 plan",
    "his team's hiring playbook",
    "tips on negotiating",
    "help with the move",
    "a book",
    "your advice on fundraising",
    "Python skills",
    "hiring data engineers",
    "sent over the deck",
    "vouched",
    "covered",
    "intro to Bruno; he runs Initech",
    "to Bruno, he runs Initech",
    "they introduced me to their CTO",
    "Ana helped me a lot",
    "fixed my bike",
    "works at Stripe",
    CJK,
    LONG,
    "   spaced   out   note  ",
    "the the book",
    "See notes. Very kind",
)

EVENTS = ("PyCon", "", "東京 Python Meetup")
MET_NOTES = (
    "",
    "building voice agents",
    "building AI agents…",
    "Rust in production",
    "working on climate tech",
    "interested in open-source funding",
    "CTO at Initech, she is hiring",
    "she's looking for a new job",
    "friend of Carla",
    "met through Bruno",
    "hiring data engineers",
    "loves sailing",
    "wants intro to Ana",
    "pricing strategy.",
    "Knows everyone at Globex",
    "design systems at scale",
    "the future of local-first software",
    CJK,
    LONG,
    "see card",
)

MILESTONE_LABELS = (
    "",
    "PhD defence",
    "book launch",
    "graduated from MIT",
    "to VP Engineering",
    "VP Engineering",
    "Head of Data at Globex",
    "Globex",
    "at Globex",
    "10 years of Rapport",
    "her wedding",
    "the marathon",
    "big promotion!",
    CJK,
    LONG,
)

MY_PROMISES = (
    "send the slides",
    "Share two data-engineer CVs",
    "to send you the recording",
    "intro you to Carla",
    "introduce her to Bruno",
    "review your deck",
    "the slides",
    "sending the notes from the offsite",
    "call Bruno about pricing",
    "I'll dig up the benchmark numbers",
    "book launch tickets",
    "2 CVs",
    "look into the visa question.",
    "check with legal whether they can share it",
    CJK,
    LONG,
    "send the deck to Ana",
    "follow up on the pilot",
)

THEIR_PROMISES = (
    "send me the deck",
    "intro me to their CFO",
    "introduce me to Carla",
    "share the recording",
    "the budget numbers",
    "to review my proposal",
    "sent the contract",
    "look at my draft.",
    CJK,
    LONG,
    "Ana will call me",
)

SUMMARIES = (
    "",
    "Mentoring session",
    "Caught up",
    "Coffee at Dishoom",
    "the pilot in Porto",
    "Discussed Q3 roadmap",
    "Lunch",
    "Call about pricing",
    "Intro call with Ana",
    "pricing",
    "Quick sync re hiring",
    "Note",
    "Re: Q3 plans",
    "Meeting.",
    "hiring plans for 2027",
    CJK,
    LONG,
    "talked about her promotion",
    "my job search",
)
INTERESTS = ("", "sailing, jazz", "loves sailing; running marathons", CJK, "she likes climbing")

GOALS = (
    "",
    "public speaking",
    "get promoted to staff, public speaking",
    "Become a better manager.",
    "delegate more",
    "her career plan",
    "hiring; pricing",
    CJK,
    LONG,
    "stakeholder management",
)

ROLES = ("VP Engineering at Globex", "Head of Data", "Globex", "", "データ責任者 at 楽天")

# private text: the user's own, never written into a message
PRIVATE_LAST_NOTES = "budget frozen until Q2, keep it quiet"
STRAINED = (
    "",
    "she felt I took credit for the Q3 launch",
    "missed her deadline twice",
    "The reorg. He blames me.",
    CJK,
)
FEEDBACK_ACTIONS = (
    "stop interrupting in design reviews",
    "be on time for 1:1s",
    "share credit for the launch",
    CJK,
    LONG,
)

# meeting titles as calendars hold them
MEETINGS = ("Project kickoff", "Ana / Sam 1:1", "FW: Weekly sync", "", "Lunch", CJK, LONG)
MEETING_WHEN = ("tomorrow at 10:00", "today at 15:30")

PEOPLE = (("Ana", "Ana Lima"), ("Bruno", "Bruno Souza"), ("Mei", "Mei Tanaka"))


def situations() -> Iterator[Situation]:
    """Every kind × the user text it takes (the person and the seed vary with it)."""
    people = itertools.cycle(PEOPLE)
    n = itertools.count()

    def base(kind: str, **fields: object) -> Situation:
        first, name = next(people)
        return Situation(
            kind=kind,
            first=first,
            name=name,
            me="Sam Reed",
            seed=f"{next(n)}:{kind}",
            last_notes=PRIVATE_LAST_NOTES,
            **fields,  # type: ignore[arg-type]
        )

    for kind in ExchangeKind:
        for note in FAVOUR_NOTES:
            yield base("thanks", favour_kind=kind.value, favour_note=note)
    for event, note in itertools.product(EVENTS, MET_NOTES):
        yield base("follow-up", event=event, met_note=note)
    for mkind in MilestoneKind:
        for label in MILESTONE_LABELS:
            yield base("milestone", milestone_kind=mkind.value, milestone=label)
    yield base("milestone", milestone_kind="work-anniversary", milestone="3 years at Initech")
    yield base("milestone", milestone_kind="work-anniversary", milestone="1 year")
    for promise, overdue in itertools.product(MY_PROMISES, (False, True)):
        yield base("promise", promise=promise, overdue=overdue)
    for promise in THEIR_PROMISES:
        yield base("nudge", promise=promise)
    for summary, interests in itertools.product(SUMMARIES, INTERESTS):
        yield base("keep-in-touch", last=summary, interests=interests)
    for goals in GOALS:
        yield base("mentoring", goals=goals)
    for role in ROLES:
        yield base("role-change", role=role)
    for context in STRAINED:
        yield base("strained", context=context)
    for action in FEEDBACK_ACTIONS:
        yield base("feedback", promise=action)
    for meeting, when, summary in itertools.product(MEETINGS, MEETING_WHEN, SUMMARIES[:6]):
        yield base("prepare", meeting=meeting, meeting_when=when, last=summary,
                   video=meeting == "Lunch")  # fmt: skip


# --- the rules -----------------------------------------------------------------------

_PREPOSITION_AFTER_FOR = re.compile(
    r"\bfor (" + "|".join(sorted(phrasing.PREPOSITIONS - {"over"})) + r")\b", re.I
)
_PAST_AFTER_FOR = re.compile(
    r"\bfor (" + "|".join(sorted(set(phrasing.BASE_OF_PAST) - {"read", "set", "put"})) + r")\b",
    re.I,
)
_DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.I)
_EMPTY_SLOT = re.compile(  # "help with." ends a sentence; "about ." lost its topic
    r"(?<!help )\b(to|for|on|about|with|at|of)\s*[.,!?;:—]|"
    r"\b(the|a|an|and|your|our|my)\s*[.,!?;:—]|\s[.,!?;:]|"
    r"  |\(\s*\)|\{|\}|\bNone\b|\s\Z",
    re.I,
)
_LOWER_AFTER_STOP = re.compile(r"[.!?]\s+[a-z]")
_THIRD_PERSON = re.compile(r"\b(she|he|her|him|his|hers|they|their|them)\b", re.I)
_NON_LATIN = re.compile(r"[^\x00-\u024f\u2010-\u206f]")


def _private(s: Situation) -> list[str]:
    """The user's private text in `s`: never in the message."""
    private = [s.last_notes, s.context]
    if s.kind == "feedback":
        private.append(s.promise)
    return [p for p in private if p.strip()]


def problems(s: Situation, subject: str, body: str) -> list[str]:
    """What makes the draft of `s` unsendable, by rule; [] when it reads."""
    found: list[str] = []
    text = f"{subject}\n{body}"
    for name, pattern in (
        ("'for' + preposition", _PREPOSITION_AFTER_FOR),
        ("'for' + past tense", _PAST_AFTER_FOR),
        ("doubled word", _DOUBLED),
        ("empty placeholder", _EMPTY_SLOT),
        ("lowercase after a full stop", _LOWER_AFTER_STOP),
        ("third person about the reader", _THIRD_PERSON),
    ):
        for line in text.splitlines():
            hit = pattern.search(line)
            if hit:
                found.append(f"{name}: {hit.group(0)!r} in {line!r}")
    for private in _private(s):
        if private.lower() in text.lower():
            found.append(f"private text quoted: {private!r}")
    allowed = f"{s.first}{s.name}{s.me}{s.event}{s.role}"
    for ch in _NON_LATIN.findall(text):
        if ch not in allowed:
            found.append(f"user text in another script: {ch!r}")
            break
    if not subject or subject[0].islower() or len(subject) > 80:
        found.append(f"subject: {subject!r}")
    if not body.startswith(f"Hi {s.first},\n\n") or not body.endswith(f"\n{s.me}"):
        found.append("greeting or sign-off missing")
    return found
