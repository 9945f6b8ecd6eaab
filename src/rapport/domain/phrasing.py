"""Fitting what the user typed into a sentence written to someone else.

A note on a favour, a promise, a goal or a meeting is free text: "lent a book", "to a
designer she knows", "pricing strategy over lunch", "介绍了一位设计师". `phrase` says
what shape it has (a noun phrase, a verb phrase, a gerund, a prepositional phrase) so a
draft can give each shape its own lead-in; text that fits no shape (a sentence, a long
note, another script, a pronoun about someone the sentence cannot place) is left out,
never forced into a sentence it would break.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

MAX_WORDS = 10  # longer text is a note to self, not a phrase


def words(text: str) -> list[str]:
    """The words of a vocabulary written as one string."""
    return text.split()


PREPOSITIONS = frozenset(
    words("to with on about for at from over during after before in into around via through")
)
DETERMINERS = frozenset(
    words("the a an your this that these those some two three four five several our my")
)

# base form → gerund, for the verbs people use when noting a favour, a promise, a goal
_IRREGULAR_GERUNDS = {
    "get": "getting",
    "put": "putting",
    "run": "running",
    "set": "setting",
    "plan": "planning",
    "ship": "shipping",
    "dig": "digging",
    "stop": "stopping",
    "chat": "chatting",
    "drop": "dropping",
    "swap": "swapping",
    "map": "mapping",
    "jot": "jotting",
    "sit": "sitting",
    "refer": "referring",
    "see": "seeing",
    "win": "winning",
    "lie": "lying",
}
_PAST = {
    "lent": "lend",
    "gave": "give",
    "sent": "send",
    "taught": "teach",
    "bought": "buy",
    "made": "make",
    "took": "take",
    "wrote": "write",
    "showed": "show",
    "shown": "show",
    "told": "tell",
    "found": "find",
    "got": "get",
    "brought": "bring",
    "paid": "pay",
    "spent": "spend",
    "built": "build",
    "ran": "run",
    "did": "do",
    "proofread": "proofread",
    "read": "read",
    "put": "put",
    "set": "set",
    "let": "let",
    "met": "meet",
    "thought": "think",
    "won": "win",
}
VERBS = frozenset(
    words("""lend give send teach buy make take write show tell find get bring pay spend build run
    do proofread read put set let meet think introduce intro help connect refer recommend
    review share check look offer pass hand forward loan invite host cover vouch mentor coach
    support back endorse include walk pick explain answer call email text ping draft prepare
    update fix book schedule follow organise organize arrange reply return plan finish deliver
    submit post publish confirm order ship sign research explore summarise summarize sketch
    compile collect gather reach catch dig speak present learn improve practise practice
    become grow delegate hire move launch lead start try write rewrite edit design test
    document buy cook open say ask visit suggest teach translate mentor drive host sponsor
    nominate feature mention quote cite cover fund invest hold keep save graduate
    complete defend retire win""")
)
# verbs whose favour reads "lending me a book": `me` before a determiner
DATIVE = frozenset(words("lend give send show teach buy offer pass hand forward loan tell bring"))
# verbs whose favour reads "introducing me to…", "vouching for me": `me` after the verb
TAKES_ME = frozenset(
    words("""introduce intro help connect refer recommend invite put cover host mentor coach support
    back endorse include walk pick vouch nominate sponsor feature mention""")
)
_PRONOUN_OBJECTS = frozenset(words("me us my our you your"))
# what follows a verb but not a noun: "send over the deck", "help with the move"
_PARTICLES = PREPOSITIONS | frozenset(words("up out back over through in"))


def gerund(base: str) -> str:
    """'lend' → 'lending', 'share' → 'sharing', 'get' → 'getting'."""
    if base in _IRREGULAR_GERUNDS:
        return _IRREGULAR_GERUNDS[base]
    if base == "intro":
        return "introducing"
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


def _regular_pasts() -> dict[str, str]:
    found: dict[str, str] = {}
    for base in VERBS:
        if base.endswith("e"):
            found[base + "d"] = base
        elif base.endswith("y") and base[-2:-1] not in ("a", "e", "o", "u"):
            found[base[:-1] + "ied"] = base
        else:
            found[base + "ed"] = base
        g = gerund(base)
        if g.endswith(base[-1] * 2 + "ing"):  # stopped, referred
            found[g[:-3] + "ed"] = base
    return found


BASE_OF_PAST = {**_regular_pasts(), **_PAST}
BASE_OF_GERUND = {gerund(v): v for v in VERBS}
# a verb after someone named in the third person: the text is a sentence about them
THIRD_PERSON = frozenset(
    words(
        """is was has does works wants likes loves runs leads knows needs seems lives owns
        manages builds says thinks mentioned said asked moved plays enjoys helps sends shares
        introduces offers gives lends"""
    )
)
THIRD_PERSON_PRONOUNS = frozenset(words("he she him her his hers himself herself"))
PLURAL_PRONOUNS = frozenset(words("they them their theirs themselves"))

_SENTENCE_BREAK = re.compile(r"[.!?;]\s|\n|[.!?;].*[.!?;]")
_TRAILING = " \t.,;:!?-–—…"


@dataclass(frozen=True)
class Phrase:
    """A piece of user text and the shape it reads as.

    form: 'noun' (a noun phrase: 'pricing strategy', 'the deck'), 'verb' (base form:
    'send the slides'), 'gerund' ('reviewing my CV'), 'preposition' ('to a designer you
    know'), or 'none' (left out)."""

    text: str
    form: str

    @property
    def words(self) -> list[str]:
        return self.text.split()

    @property
    def head(self) -> str:
        return self.words[0].lower() if self.text else ""


NONE = Phrase("", "none")


def latin(text: str) -> bool:
    """Every letter in `text` is a Latin one (a sentence in English can take it)."""
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def clean(text: str | None) -> str:
    """One line, single spaces, no trailing punctuation, no doubled word."""
    words = (text or "").split()
    kept: list[str] = []
    for w in words:
        if not kept or kept[-1].lower() != w.lower():
            kept.append(w)
    return " ".join(kept).strip(_TRAILING).strip()


def sentence_case(text: str) -> str:
    """The first letter upper case, the rest as written ('CVs' stays 'CVs')."""
    return text[:1].upper() + text[1:]


def _lower_known(words: list[str]) -> list[str]:
    """A capital typed at the start of a known word ('Lent', 'The') is lowered; names
    and acronyms are kept."""
    first = words[0]
    low = first.lower()
    known = (
        low in PREPOSITIONS
        or low in DETERMINERS
        or low in VERBS
        or low in BASE_OF_PAST
        or low in BASE_OF_GERUND
        or low in _PRONOUN_OBJECTS
    )
    if known and first[1:] == low[1:]:
        return [low, *words[1:]]
    return words


def second_person(text: str) -> str | None:
    """'a designer she knows' → 'a designer you know': a note the user wrote about the
    person, turned to address them. None when the pronoun could mean someone else
    (another name in the text, 'they')."""
    words = text.split()
    lowered = [w.lower().strip(",") for w in words]
    if any(w in PLURAL_PRONOUNS for w in lowered):
        return None
    if not any(w in THIRD_PERSON_PRONOUNS or w in ("she's", "he's") for w in lowered):
        return text
    if any(w[:1].isupper() for w in words[1:]):
        return None  # "to Bob, he runs Acme": 'he' is Bob, not the reader
    out: list[str] = []
    i = 0
    while i < len(lowered):
        w = lowered[i]
        nxt = lowered[i + 1] if i + 1 < len(lowered) else None
        if w in ("she", "he"):
            out.append("you")
            if nxt is not None:
                out.append(_agree(nxt))
                i += 1
        elif w in ("she's", "he's"):
            out.append("you're")
        elif w == "his":
            out.append("your")
        elif w in ("him",):
            out.append("you")
        elif w in ("himself", "herself"):
            out.append("yourself")
        elif w == "hers":
            out.append("yours")
        elif w == "her":
            is_object = nxt is None or nxt in PREPOSITIONS or nxt in DETERMINERS or nxt == "and"
            out.append("you" if is_object else "your")
        else:
            out.append(words[i])
        i += 1
    return " ".join(out)


def _agree(verb: str) -> str:
    """The verb after 'you' instead of after 'she': knows → know, has → have."""
    special = {"is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't"}
    if verb in special:
        return special[verb]
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if verb.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith("ss"):
        return verb[:-1]
    return verb


def phrase(text: str | None, *, names: tuple[str, ...] = (), verb_first: bool = False) -> Phrase:
    """The shape `text` reads as, cleaned. Text naming one of `names` (the reader, in
    the third person), in another script, longer than a phrase, or more than one
    sentence reads as 'none'. With `verb_first` (a promise: 'to …' is implied) a
    leading verb makes a verb phrase even when it could be a noun ('call Ana')."""
    cleaned = clean(text)
    if not cleaned or not latin(cleaned) or _SENTENCE_BREAK.search(cleaned):
        return NONE
    if len(cleaned.split()) > MAX_WORDS or "@" in cleaned or "://" in cleaned:
        return NONE
    if '"' in cleaned or "(" in cleaned:
        return NONE
    lowered = {w.lower().strip(",'") for w in cleaned.split()}
    if any(n and n.lower() in lowered for n in names):
        return NONE
    addressed = second_person(cleaned)
    if addressed is None or _clause(addressed.split()):
        return NONE
    words = _lower_known(addressed.split())
    head = words[0]
    following = words[1] if len(words) > 1 else ""
    text_out = " ".join(words)
    if head in PREPOSITIONS:
        return Phrase(text_out, "preposition") if len(words) > 1 else NONE
    if head in DETERMINERS:
        return Phrase(text_out, "noun") if len(words) > 1 else NONE
    if head in THIRD_PERSON or head in _PRONOUN_OBJECTS or head in ("i", "you", "we"):
        return NONE  # "works at Stripe", "I owe her": a sentence about someone
    if head in BASE_OF_GERUND:
        return Phrase(text_out, "gerund")
    if following == "of":  # "review of my deck": a noun, whatever the first word
        return Phrase(text_out, "noun")
    if head in BASE_OF_PAST:
        return Phrase(" ".join([BASE_OF_PAST[head], *words[1:]]), "verb")
    if head in VERBS and (following.lower() in _PRONOUN_OBJECTS or following in DETERMINERS):
        return Phrase(text_out, "verb")
    if head.endswith("ed") or following.lower() in ("me", "my", "us", "our"):
        return NONE  # an unknown verb: "fixed my bike"
    if head in VERBS and len(words) > 1 and (verb_first or following.lower() in _PARTICLES):
        return Phrase(text_out, "verb")
    return Phrase(text_out, "noun")


def _clause(words: list[str]) -> bool:
    """'Ana helped me a lot', 'Bruno runs Initech': a subject and its verb, a sentence
    rather than a phrase ('the book you lent me' stays a phrase: its clause is 'you')."""
    for before, word in itertools.pairwise(w.lower().strip(",") for w in words):
        if before in ("you", "i", "we"):
            continue
        if word in THIRD_PERSON or (word in BASE_OF_PAST and word not in _AMBIGUOUS_PAST):
            return True
    return False


_AMBIGUOUS_PAST = frozenset(words("read put set let cut"))


def gerund_phrase(p: Phrase, *, add_me: bool = True) -> str:
    """A verb or gerund phrase as a gerund phrase: 'lend a book' → 'lending me a book'
    (with `add_me`, the reader did it for the writer)."""
    words = p.words
    base = BASE_OF_GERUND.get(words[0], words[0])
    rest = words[1:]
    nxt = rest[0].lower() if rest else ""
    if add_me and nxt not in _PRONOUN_OBJECTS:
        if base in DATIVE and (nxt in DETERMINERS or nxt.isdigit()):
            rest = ["me", *rest]
        elif base in TAKES_ME and (not rest or nxt in PREPOSITIONS):
            rest = ["me", *rest] if base not in ("vouch", "cover") or rest else ["for", "me"]
    return " ".join([gerund(base), *rest])


def items(
    text: str | None, *, names: tuple[str, ...] = (), verbs: bool = False, limit: int = 2
) -> list[Phrase]:
    """The first `limit` items of a list the user typed ('sailing, jazz; 围棋') that read
    as noun phrases or gerunds (or, with `verbs`, verb phrases: goals)."""
    found: list[Phrase] = []
    for part in re.split(r"[,;/&\n]| and ", text or ""):
        words = clean(part).split()
        if words and words[0].lower() in _LIKES:
            words = words[1:]
        p = phrase(" ".join(words), names=names, verb_first=verbs)
        forms = ("noun", "gerund", "verb") if verbs else ("noun", "gerund")
        if p.form in forms and len(p.words) <= 5 and p.head not in DETERMINERS:
            found.append(p)
        if len(found) == limit:
            break
    return found


_LIKES = frozenset(words("likes loves enjoys into"))


def join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
