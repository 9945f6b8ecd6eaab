"""Suggested messages for agenda items, rendered from editable Jinja2 templates.

`values(situation)` is what a template gets. Safe to write into a message, each phrased
to read in its place whatever the user typed (empty when nothing reads):
`first` (their first name), `name`, `me` (the user's name), `event`, `role`,
`favour` (follows "Thank you for": "the introduction to a designer you know",
"lending me a book", "your advice on pricing strategy"), `milestone` (what the day is:
"promotion", "3 years at Initech"), `milestone_phrase` (follows "Congratulations on":
"your promotion to VP", "graduating from MIT"; empty when the label does not read as
one), `promised` (follows "I promised": "to send the slides", "you the deck"),
`promise_subject` ("The slides, as promised"), `their_promise` (follows "checking in
on": "sending me the deck"), `topic` (follows "I enjoyed hearing about", from what the
user noted on meeting them: "building voice agents"), `last_topic` (follows "thinking
back to": "our mentoring session", "our conversation about the pilot in Porto"),
`interests_phrase` ("sailing and jazz"), `goals_phrase` (follows "pick up on"),
`kind` (the milestone's kind), `overdue`, `variant` (0–3, chosen from the person and
the item so the same item always gives the same draft) and `signoff` ("Best,").

As the user typed it, for their own templates: `last` (the last conversation's
summary), `promise` (the promise's text), `interests`, `goals`, and the private ones,
which the built-in templates never put in a message: `note` (what the user noted on
meeting them), `last_notes`, `context` (why the relationship is strained) and `reason`
(the agenda's line, which can quote the note or the strained context). The first line of a rendered template is the subject (in
sentence case); the rest is the body.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, Undefined
from jinja2.sandbox import SandboxedEnvironment

from rapport.domain import phrasing as ph
from rapport.domain.draft_templates import DEFAULT_TEMPLATES as DEFAULT_TEMPLATES
from rapport.domain.draft_templates import SIGNOFFS, VARIANTS
from rapport.errors import Invalid


@dataclass(frozen=True)
class Situation:
    """What a draft knows: the reason's kind, the person, and the item's own facts as
    stored (user text untouched; `values` decides what of it can be written)."""

    kind: str
    first: str
    seed: str  # the person and the item: picks the variant
    name: str = ""
    me: str = ""
    reason: str = ""
    last: str = ""
    last_notes: str = ""  # private
    interests: str = ""
    context: str = ""  # private: why the relationship is strained
    event: str = ""
    met_note: str = ""  # for the user; used only as a topic, when it reads as one
    favour_kind: str = ""
    favour_note: str = ""
    promise: str = ""
    overdue: bool = False
    milestone_kind: str = ""
    milestone: str = ""  # the label, or "3 years at Initech"
    role: str = ""
    goals: str = ""
    meeting: str = ""  # the title of a meeting ahead, as in the calendar
    meeting_when: str = ""  # "tomorrow at 10:00"
    video: bool = False


def pick(seed: str, n: int) -> int:
    """A stable choice in range(n) for `seed` (the same on every run and machine)."""
    return zlib.crc32(seed.encode("utf-8")) % n


@dataclass(frozen=True)
class _Favour:
    alone: str  # "the introduction"
    lead: str  # before a noun phrase: "the introduction to"
    own: frozenset[str]  # words that name the favour itself: "intro"
    after: frozenset[str]  # prepositions that read after `alone`: "the introduction at PyCon"


_FAVOURS: Mapping[str, _Favour] = {
    "introduction": _Favour(
        "the introduction",
        "the introduction to",
        frozenset(ph.words("intro introduction introductions referral")),
        frozenset(ph.words("to at via through on")),
    ),
    "referral": _Favour(
        "the referral",
        "the referral to",
        frozenset(ph.words("referral referrals intro introduction")),
        frozenset(ph.words("to for at")),
    ),
    "advice": _Favour(
        "your advice",
        "your advice on",
        frozenset(ph.words("advice tips guidance input thoughts feedback")),
        frozenset(ph.words("on about over during at for after before")),
    ),
    "resource": _Favour(
        "the resources you shared",
        "sharing",
        frozenset(ph.words("resource resources link links")),
        frozenset(ph.words("on about for")),
    ),
    "favour": _Favour(
        "your help",
        "your help with",
        frozenset(ph.words("help favour favor")),
        frozenset(ph.words("with on for during at after over")),
    ),
    "endorsement": _Favour(
        "the endorsement",
        "your endorsement of",
        frozenset(ph.words("endorsement recommendation reference shout-out")),
        frozenset(ph.words("on for at")),
    ),
}
# determiners that let a noun phrase stand on its own after "Thank you for"
_STANDALONE = frozenset({"your", "this", "that", "these", "those"})
# verbs that say what someone did for the user, so "reviewing my CV" is the favour itself
# ("hiring data engineers" is what the advice was about)
_FAVOUR_VERBS = frozenset(
    ph.words("review proofread read check fix cover vouch host walk pick take look")
)
# who an introduction or a referral is to, when the note does not name them
_PEOPLE = frozenset(
    ph.words(
        """designer engineer developer founder cofounder investor cto ceo cfo coo recruiter
        manager friend colleague contact client partner lawyer accountant candidate person
        people team someone director vp pm journalist editor agent mentor expert researcher
        professor head lead"""
    )
)


def favour_phrase(kind: str, note: str, names: tuple[str, ...] = ()) -> str:
    """What follows "Thank you for": the favour's own noun, with as much of the user's
    note as reads after it ('to a designer she knows' → 'the introduction to a designer
    you know'; 'lent a book' → 'lending me a book')."""
    f = _FAVOURS.get(kind, _FAVOURS["favour"])
    p = ph.phrase(note, names=names)
    if p.form == "none":
        return f.alone
    words = [w.lower().strip(",'") for w in p.words]
    content = words[1:] if words[0] in ph.DETERMINERS else words
    if p.form != "preposition" and content and content[0] in f.own:
        # the note names the favour itself: "the intro to Acme's CFO", "tips on pricing"
        return p.text if content is not words else f"{f.alone.split()[0]} {p.text}"
    if p.form == "preposition":
        return f"{f.alone} {p.text}" if p.head in f.after else f.alone
    if p.form in ("verb", "gerund"):
        base = ph.BASE_OF_GERUND.get(p.head, p.head)
        doer = base in _FAVOUR_VERBS or base in ph.DATIVE or base in ph.TAKES_ME
        if doer or {"me", "my", "us", "our"} & set(words):
            return ph.gerund_phrase(p)
    if words[0] in _STANDALONE:
        return p.text
    if kind in ("introduction", "referral"):
        return f"{f.lead} {p.text}" if _someone(p) else f.alone
    if kind == "resource" and p.head.endswith("ing"):  # "hiring data engineers"
        return f"{f.alone} on {p.text}"
    return f"{f.lead} {p.text}"


def _someone(p: ph.Phrase) -> bool:
    """The phrase names a person or an organisation: 'Carla at Globex', 'Acme's CFO',
    'a designer you know' (not 'Python skills', 'pricing strategy')."""
    words = p.words
    if _PEOPLE & {w.lower().strip(",'") for w in words}:
        return True
    connectors = {"at", "from", "of", "in", "and", "&"}
    return words[0][:1].isupper() and all(w[:1].isupper() or w in connectors for w in words)


# words of a job title: "VP Engineering", "Head of Data" (not "PhD defence", "Globex")
_TITLES = frozenset(
    ph.words(
        """vp head director lead manager cto ceo cfo coo cmo principal senior staff partner
        chief president engineer architect chair professor officer editor vice associate
        counsel fellow founder"""
    )
)


def _proper(p: ph.Phrase) -> bool:
    """Every word capitalised (or a connector): a name or a title, not a common noun."""
    connectors = {"of", "at", "and", "&", "in", "for"}
    return all(w[:1].isupper() or w in connectors for w in p.words)


def milestone_phrase(kind: str, label: str, names: tuple[str, ...] = ()) -> str:
    """What follows "Congratulations on", or '' when the day is not one to congratulate
    in words the label allows (a birthday has its own wording)."""
    if kind == "birthday":
        return ""
    p = ph.phrase(label, names=names)
    titled = p.form == "noun" and bool(_TITLES & {w.lower() for w in p.words})
    if kind == "work-anniversary":  # "3 years at Initech"
        years = p.form == "noun" and p.words[0].isdigit() and " at " in p.text
        return p.text if years else "your work anniversary"
    if kind == "promotion":
        if p.form == "preposition" and p.head in ("to", "at"):
            return f"your promotion {p.text}"
        return f"your promotion to {p.text}" if titled else "your promotion"
    if kind == "new-job":
        if p.form == "preposition" and p.head in ("at", "with"):
            return f"the new job {p.text}"
        if titled:
            return f"your new role as {p.text}"
        return f"the new job at {p.text}" if p.form == "noun" and _proper(p) else "the new job"
    if p.form in ("verb", "gerund"):
        return ph.gerund_phrase(p, add_me=False)
    if p.form == "noun" and p.head in ph.DETERMINERS:
        return p.text
    if p.form == "noun" and not _proper(p):
        return f"your {p.text}"
    return ""


_TOPIC_LEADS = (
    ("working on ", "your work on "),
    ("works on ", "your work on "),
    ("interested in ", ""),
    ("keen on ", ""),
    ("passionate about ", ""),
    ("talked about ", ""),
    ("discussed ", ""),
    ("chatted about ", ""),
    ("into ", ""),
)
# words that make a note about the person rather than a topic to bring up with them
_NOT_TOPICS = frozenset(
    ph.words("""cto ceo cfo coo cmo vp founder cofounder co-founder engineer designer manager head
    director lead recruiter investor pm student professor friend colleague sister brother wife
    husband partner ex former intro introduced via through met from knows works worked job
    laid layoff layoffs fired sick illness divorce pregnant pregnancy burnout health looking
    leaving quitting struggling grieving recovering hunting interviewing me my us our i see
    call email ask remind follow send todo check ping card linkedin""")
)


def topic(note: str, names: tuple[str, ...] = ()) -> str:
    """What follows "I enjoyed hearing about", from what the user noted on meeting
    them ('building voice agents'), or '' when the note is about them, not a topic."""
    text = ph.clean(note)
    prefix = ""
    for lead, replacement in _TOPIC_LEADS:
        if text.lower().startswith(lead):
            text, prefix = text[len(lead) :], replacement
            break
    p = ph.phrase(text, names=names)
    if p.form not in ("noun", "gerund") or len(p.words) > 8:
        return ""
    if any(w.lower().strip(",'") in _NOT_TOPICS for w in p.words) or p.head == "your":
        return ""
    return prefix + p.text


# what a conversation was, when a summary names the meeting rather than its subject
_MEETINGS = frozenset(
    ph.words("""session call coffee lunch dinner breakfast brunch meeting chat sync 1:1 1-1 drinks
    catch-up catchup interview workshop meetup visit walk demo check-in conversation email
    message meal""")
)
_MEETING_WORDS = _MEETINGS | frozenset(
    ph.words("""quick long short first great weekly monthly quarterly mentoring intro video phone team
    follow-up virtual good lovely nice informal zoom""")
)
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|tr)\s*:\s*)+", re.IGNORECASE)
MEETING_TITLE_WORDS = 8  # a longer title is a description, not a name to put in a subject


def meeting_title(title: str) -> str:
    """A meeting's title as a subject can name it ('Weekly sync' from 'FW: Weekly
    sync'), or '' when it cannot be written to them: another script, or too long."""
    text = ph.clean(_REPLY_PREFIX.sub("", title or ""))
    if not text or not ph.latin(text) or len(text.split()) > MEETING_TITLE_WORDS:
        return ""
    return text


_SUMMARY_LEADS = ("discussed ", "talked about ", "chatted about ", "went over ", "spoke about ")


def last_topic(summary: str, names: tuple[str, ...] = ()) -> str:
    """What follows "I was thinking back to", from the last conversation's summary:
    'our mentoring session', 'our conversation about the pilot in Porto', or ''."""
    text = ph.clean(summary)
    low = text.lower()
    if low.startswith(("caught up", "catch up", "catch-up", "catchup")):
        return "our last catch-up"
    for lead in _SUMMARY_LEADS:
        if low.startswith(lead):
            text = text[len(lead) :]
            break
    p = ph.phrase(text, names=names)
    if p.form == "none" or ":" in p.text:
        return ""
    words = p.words
    lead_words = [w.lower() for w in words[:3]]
    if lead_words[0] in _MEETING_WORDS and any(w in _MEETINGS for w in lead_words):
        shown = [w.lower() if w.lower() in _MEETING_WORDS else w for w in words[:3]] + words[3:]
        return f"our last {shown[0]}" if len(words) == 1 else "our " + " ".join(shown)
    if p.form in ("noun", "gerund") and p.head not in ("my", "our", "your", "note", "notes"):
        return f"our conversation about {p.text}"
    return ""


def listed(text: str, names: tuple[str, ...] = (), *, verbs: bool = False) -> str:
    """'sailing, jazz' → 'sailing and jazz'; goals as gerunds ('get promoted' →
    'getting promoted'); items that do not read as a noun phrase are left out."""
    found = [
        ph.gerund_phrase(p, add_me=False) if p.form == "verb" else p.text
        for p in ph.items(text, names=names, verbs=verbs)
    ]
    return ph.join(found)


_DELIVERED = frozenset(
    ph.words("send share forward give pass lend email find get bring prepare draft write")
)


def promise_parts(description: str, names: tuple[str, ...] = ()) -> tuple[str, str]:
    """(what follows "I promised", the subject) for a promise of the user's:
    ('to send the slides', 'The slides, as promised')."""
    text = ph.clean(description)
    for lead in ("to ", "i will ", "i'll ", "will "):
        if text.lower().startswith(lead):
            text = text[len(lead) :]
    p = ph.phrase(text, names=names, verb_first=True)
    if p.form == "gerund":
        p = ph.Phrase(" ".join([ph.BASE_OF_GERUND[p.head], *p.words[1:]]), "verb")
    if p.form == "verb":
        base, rest = p.head, p.words[1:]
        if rest and rest[0].lower() in ("you", "over"):
            rest = rest[1:]
        thing = ph.phrase(" ".join(rest), names=names)
        if base in _DELIVERED and thing.form == "noun" and " to " not in f" {thing.text} ":
            return f"to {p.text}", f"{ph.sentence_case(thing.text)}, as promised"
        return f"to {p.text}", ph.sentence_case(ph.gerund_phrase(p, add_me=False))
    if p.form == "noun":
        return f"you {p.text}", f"{ph.sentence_case(p.text)}, as promised"
    return "", "What I promised"


def their_promise(description: str, names: tuple[str, ...] = ()) -> str:
    """What follows "checking in on" for a promise they made ('sending me the deck'),
    or '' when it does not read there."""
    text = ph.clean(description)
    if text.lower().startswith("to "):
        text = text[3:]
    p = ph.phrase(text, names=names, verb_first=True)
    if p.form in ("verb", "gerund"):
        return ph.gerund_phrase(p, add_me=False)
    return p.text if p.form == "noun" else ""


def values(s: Situation) -> dict[str, Any]:
    """What a template is filled with (see the module's docstring)."""
    names = tuple(n for n in {s.first, *s.name.split()} if n)
    seed = f"{s.kind}:{s.seed}"
    promised, promise_subject = promise_parts(s.promise, names)
    return {
        "first": s.first,
        "name": s.name,
        "me": s.me,
        "reason": s.reason,
        "last": s.last,
        "last_notes": s.last_notes,
        "interests": s.interests,
        "context": s.context,
        "event": ph.clean(s.event),
        "note": s.met_note,
        "favour": favour_phrase(s.favour_kind, s.favour_note, names),
        "promise": s.promise,
        "overdue": s.overdue,
        "kind": s.milestone_kind,
        "milestone": s.milestone or s.milestone_kind.replace("-", " "),
        "milestone_phrase": milestone_phrase(s.milestone_kind, s.milestone, names),
        "role": s.role,
        "goals": s.goals,
        "meeting": meeting_title(s.meeting),
        "meeting_when": s.meeting_when or "soon",
        "video": s.video,
        "promised": promised,
        "promise_subject": promise_subject,
        "their_promise": their_promise(s.promise, names),
        "topic": topic(s.met_note, names),
        "last_topic": last_topic(s.last, names),
        "interests_phrase": listed(s.interests, names),
        "goals_phrase": listed(s.goals, names, verbs=True),
        "variant": pick(seed, VARIANTS),
        "signoff": SIGNOFFS[pick(seed + ":signoff", len(SIGNOFFS))],
    }


_ENV = SandboxedEnvironment(autoescape=False, undefined=Undefined, keep_trailing_newline=False)


def check(source: str, kind: str) -> None:
    """Invalid when a user's template cannot be compiled."""
    try:
        _ENV.from_string(source)
    except TemplateSyntaxError as exc:
        raise Invalid("template", f"{kind}: line {exc.lineno}: {exc.message}") from exc


def render(source: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of a template filled with `values`; the subject in sentence case."""
    try:
        text = _ENV.from_string(source).render(**values)
    except TemplateSyntaxError as exc:
        raise Invalid("template", f"line {exc.lineno}: {exc.message}") from exc
    except Exception as exc:  # a user's template failing at render time: say so, don't crash
        raise Invalid("template", f"cannot render: {exc}") from exc
    subject, _, body = text.strip().partition("\n")
    return ph.sentence_case(subject.strip()), body.strip()


def compose(source: str, s: Situation) -> tuple[str, str]:
    """(subject, body) of `source` for situation `s`."""
    return render(source, values(s))
