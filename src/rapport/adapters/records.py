"""The plain records the importers yield and the services store."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from rapport.domain.names import join_name
from rapport.domain.text import strip_controls, text_problem


@dataclass(frozen=True)
class Skipped:
    """A part of the file that was not imported, and why. `invalid` marks a bad row
    (`--strict` stops on it); otherwise the part was ignored on purpose (a cancelled
    meeting, a mailing-list message)."""

    line: int | None
    reason: str
    invalid: bool = True


@dataclass(frozen=True)
class PartialDate:
    """A yearly date whose year may be unknown (a birthday without year)."""

    month: int
    day: int
    year: int | None = None


# RFC 6350 6.1.4 KIND: whom a card describes. Rapport keeps people and organisations.
ContactKind = Literal["individual", "org"]


@dataclass
class ContactRecord:
    """One person (or, `kind` "org", one organisation) as a contact file describes them."""

    line: int
    full_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    nickname: str | None = None
    organization: str | None = None
    title: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    location: str | None = None
    timezone: str | None = None
    notes: str | None = None
    tags: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    met_on: dt.date | None = None
    how_met: str | None = None
    # when the current role (organization, title) began, where the file says so
    started_on: dt.date | None = None
    kind: ContactKind = "individual"
    # the user's own fields, by name, as the file wrote them (a CSV column mapped
    # "Column=field:Name", a vCard's X-RAPPORT-FIELD)
    custom: dict[str, str] = field(default_factory=dict)
    # what the file held that Rapport does not keep ("photo"), for the summary
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The display name: the full name, else given + family name."""
        return (self.full_name or "").strip() or join_name(self.given_name, self.family_name)


@dataclass(frozen=True)
class Address:
    """An email address with the display name it came with."""

    email: str  # as written
    name: str | None = None

    @property
    def key(self) -> str:
        return self.email.strip().lower()


@dataclass
class MeetingRecord:
    """One past occurrence of a calendar event."""

    line: int | None
    external_id: str
    summary: str
    starts_at: dt.datetime  # aware
    kind: str  # "meeting" or "video"
    organizer: Address | None
    attendees: list[Address]
    location: str | None = None
    description: str | None = None


@dataclass
class MessageRecord:
    """The headers of one email message that matter to Rapport."""

    line: int | None
    message_id: str | None
    thread_key: str  # the thread it belongs to: its root's Message-ID when known
    related: list[str]  # Message-IDs it refers to (References, In-Reply-To)
    sent_at: dt.datetime  # aware
    subject: str
    sender: Address
    recipients: list[Address]  # To and Cc
    delivered_to: list[str] = field(default_factory=list)


@dataclass
class Conversation:
    """The messages of one thread on one day, as one email interaction."""

    line: int | None
    external_id: str
    started_at: dt.datetime
    subject: str
    direction: str  # "me" when the user wrote first that day, else "them"
    counterparts: list[Address]
    messages: int
    written: int = 0  # of the messages, how many the user wrote


R = TypeVar("R", ContactRecord, MeetingRecord, MessageRecord)


class _Unstorable(Exception):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field.replace('_', ' ')} {problem}")


def _cleaned(value: Any, name: str) -> Any:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise _Unstorable(name, problem)
        return strip_controls(value)
    if isinstance(value, list):
        return [_cleaned(v, name) for v in value]
    if isinstance(value, dict):
        return {_cleaned(k, name): _cleaned(v, name) for k, v in value.items()}
    if isinstance(value, Address):
        return Address(_cleaned(value.email, name), _cleaned(value.name, name))
    return value


def cleaned(record: R) -> R | Skipped:
    """`record` with the control characters of its text removed (a vCard or a mail can
    carry terminal escape sequences, which no name or note means), or Skipped when
    a text holds what no backend stores (a NUL, a lone surrogate): the one rule
    (`domain.text`) applied to every record an importer yields."""
    try:
        changes = {
            f.name: _cleaned(getattr(record, f.name), f.name)
            for f in dataclasses.fields(record)
            if f.name != "line"
        }
    except _Unstorable as exc:
        return Skipped(record.line, str(exc))
    return dataclasses.replace(record, **changes)
