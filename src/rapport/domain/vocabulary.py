"""The closed vocabularies of the data model, with the words users type for them."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from rapport.errors import Invalid


class RelationshipType(StrEnum):
    PEER = "peer"
    COLLEAGUE = "colleague"
    MANAGER = "manager"
    REPORT = "report"
    MENTOR = "mentor"
    MENTEE = "mentee"
    CLIENT = "client"
    PROSPECT = "prospect"
    PARTNER = "partner"
    INDUSTRY = "industry"
    COMPETITOR = "competitor"
    FRIEND = "friend"


class InteractionKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    VIDEO = "video"
    EMAIL = "email"
    MESSAGE = "message"
    EVENT = "event"
    MEAL = "meal"
    NOTE = "note"


class Direction(StrEnum):
    """Who reached out."""

    OUTBOUND = "me"  # I reached out
    INBOUND = "them"  # they did
    MUTUAL = "mutual"


class Tone(StrEnum):
    WARM = "warm"
    NEUTRAL = "neutral"
    TENSE = "tense"


class Channel(StrEnum):
    IN_PERSON = "in-person"
    PHONE = "phone"
    EMAIL = "email"
    VIDEO = "video"
    MESSAGE = "message"
    SOCIAL = "social"


class Owner(StrEnum):
    """Who owes a commitment."""

    ME = "me"
    THEM = "them"


class CommitmentStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    RELEASED = "released"


class ExchangeDirection(StrEnum):
    GIVEN = "given"
    RECEIVED = "received"


class ExchangeKind(StrEnum):
    INTRODUCTION = "introduction"
    REFERRAL = "referral"
    ADVICE = "advice"
    RESOURCE = "resource"
    FAVOUR = "favour"
    ENDORSEMENT = "endorsement"


class MilestoneKind(StrEnum):
    BIRTHDAY = "birthday"
    WORK_ANNIVERSARY = "work-anniversary"
    PROMOTION = "promotion"
    NEW_JOB = "new-job"
    CUSTOM = "custom"


class Recurrence(StrEnum):
    YEARLY = "yearly"
    ONCE = "once"


class MentorRole(StrEnum):
    """The other person's role in a mentorship with the user."""

    MENTOR = "mentor"  # they mentor me
    MENTEE = "mentee"  # I mentor them


# Words people type, mapped to the canonical value.
_ALIASES: dict[str, str] = {
    "favor": "favour",
    "intro": "introduction",
    "introductions": "introduction",
    "i": "me",
    "outbound": "me",
    "inbound": "them",
    "they": "them",
    "both": "mutual",
    "inperson": "in-person",
    "in person": "in-person",
    "anniversary": "work-anniversary",
    "work anniversary": "work-anniversary",
    "newjob": "new-job",
    "new job": "new-job",
    "job": "new-job",
    "bday": "birthday",
    "lunch": "meal",
    "dinner": "meal",
    "coffee": "meeting",  # a coffee is a meeting (not a meal); `occasion` keeps the word
    "breakfast": "meal",
    "phone": "call",
    "zoom": "video",
    "text": "message",
    "chat": "message",
    "sms": "message",
}


# Words for an interaction kind that say more than the kind: the kind is stored and
# the word kept in the summary, so "--kind coffee" is a meeting the timeline calls coffee.
_OCCASIONS = frozenset({"coffee", "lunch", "dinner", "breakfast"})


def occasion(kind: str) -> str | None:
    """The word typed for an interaction's kind when it names the occasion more
    precisely than the kind it maps to ('coffee'), else None."""
    word = kind.strip().lower()
    return word if word in _OCCASIONS else None


def with_occasion(summary: str, kind: str) -> str:
    """`summary` led by the occasion `kind` names ('Coffee: pilot scope'), unless it
    already says it."""
    word = occasion(kind)
    if word is None or word in summary.lower():
        return summary
    return f"{word.capitalize()}: {summary}" if summary else word.capitalize()


E = TypeVar("E", bound=StrEnum)


def parse_choice(enum: type[E], value: str, field: str) -> E:
    """The member of `enum` that `value` names (case-insensitive, common aliases), or
    Invalid with the list of accepted words."""
    key = value.strip().lower().replace("_", "-")
    # the word itself first: "phone" is a channel, and only an alias of the call kind
    for candidate in (key, _ALIASES.get(key, key)):
        for member in enum:
            if member.value == candidate:
                return member
    accepted = ", ".join(m.value for m in enum)
    raise Invalid(field, f"{value!r} is not one of: {accepted}")
