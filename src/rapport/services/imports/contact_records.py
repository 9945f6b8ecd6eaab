"""A contact as the import handles it: the records of one person, merged, with their
values checked (`normalise`), and what the import did (`ContactResult`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapport.adapters.records import ContactRecord, PartialDate, Skipped
from rapport.domain.names import email_key, looks_like_email
from rapport.domain.person_patch import YEARLY
from rapport.domain.phones import phone_key
from rapport.domain.vocabulary import RelationshipType
from rapport.errors import Invalid
from rapport.services.context import Ctx

_TYPES = {t.value for t in RelationshipType}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


def url_key(url: str) -> str:
    """A web address compared without scheme, 'www.', case or trailing slash."""
    key = _SCHEME.sub("", url.strip().lower())
    key = key.removeprefix("www.")
    return key.split("?", 1)[0].rstrip("/")


def clip(text: str | None, size: int) -> str | None:
    if text is None:
        return None
    clean = text.strip()
    return clean[:size] if clean else None


def stand_in(rec: ContactRecord) -> bool:
    """Whether the record's name is the adapters' stand-in for a record without a
    readable one (its organization or first email): it names a new person, it does
    not rename a known one."""
    return (
        not rec.given_name
        and not rec.family_name
        and rec.full_name is not None
        and rec.full_name in (rec.organization, *rec.emails)
    )


@dataclass
class Contact:
    """One person to create or update: the records that describe them, merged, with
    their values checked and normalised."""

    record: ContactRecord
    lines: list[int]
    emails: dict[str, str] = field(default_factory=dict)  # key -> address
    phones: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    person_id: int | None = None  # None: to be created
    # matched only by name (or by a phone a differently named person has): the
    # person it may be, for the review queue; never updated by the import
    proposed_for: int | None = None
    shared_phone: str | None = None  # the number, when that was the evidence

    def absorb(self, other: ContactRecord) -> None:
        """Fill what this contact lacks from another record of the same person."""
        rec = self.record
        for name in (
            "full_name", "given_name", "family_name", "nickname", "organization", "title",
            "location", "timezone", "notes", "birthday", "anniversary", "met_on", "how_met",
            "started_on",
        ):  # fmt: skip
            if getattr(rec, name) in (None, "") and getattr(other, name) not in (None, ""):
                setattr(rec, name, getattr(other, name))
        rec.tags = list(dict.fromkeys([*rec.tags, *other.tags]))
        rec.types = list(dict.fromkeys([*rec.types, *other.types]))
        rec.custom = {**other.custom, **rec.custom}
        self.lines.append(other.line)


@dataclass
class ContactResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    role_changes: int = 0
    organizations_created: int = 0
    proposed: int = 0  # records kept for review (new proposals)
    created_ids: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ignored: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def normalise(ctx: Ctx, rec: ContactRecord, warnings: list[str]) -> Contact:
    """A Contact from `rec` with every value checked: a bad email, phone, URL, type or
    time zone is dropped with a warning, never fatal to the row."""
    region = ctx.settings.get("phone_region")
    contact = Contact(record=rec, lines=[rec.line])
    for address in rec.emails:
        if looks_like_email(address) and len(address) <= 320:
            contact.emails.setdefault(email_key(address), address.strip())
        else:
            warnings.append(f"line {rec.line}: {address!r} is not an email address, dropped")
    for number in rec.phones:
        try:
            contact.phones.setdefault(phone_key(number, region), number.strip()[:64])
        except Invalid:
            warnings.append(f"line {rec.line}: {number!r} is not a phone number, dropped")
    for url in rec.urls:
        clean = url.strip()
        if " " in clean or "." not in clean or len(clean) > 1000:
            warnings.append(f"line {rec.line}: {url!r} is not a web address, dropped")
            continue
        contact.urls.setdefault(url_key(clean), clean if "://" in clean else "https://" + clean)
    bad_types = [t for t in rec.types if t.strip().lower() not in _TYPES]
    for t in bad_types:
        warnings.append(f"line {rec.line}: {t!r} is not a relationship type, dropped")
    rec.types = [t.strip().lower() for t in rec.types if t.strip().lower() in _TYPES]
    if rec.timezone:
        try:
            ZoneInfo(rec.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            warnings.append(f"line {rec.line}: unknown time zone {rec.timezone!r}, dropped")
            rec.timezone = None
    rec.tags = list(dict.fromkeys(t.strip().lstrip("#")[:100] for t in rec.tags if t.strip("# ")))
    warnings.extend(rec.warnings)
    return contact


def yearly_dates(rec: ContactRecord) -> list[tuple[str, PartialDate, str, str | None]]:
    """The yearly dates a record gives: (patch field, date, milestone kind, label)."""
    found = []
    for name, kind, label in YEARLY:
        date = getattr(rec, name)
        if date is not None:
            found.append((name, date, kind, label))
    return found


# what a stored record keeps: everything an update or a new person is made of
_KEPT = (
    "full_name", "given_name", "family_name", "nickname", "organization", "title",
    "location", "timezone", "notes", "tags", "types", "how_met",
)  # fmt: skip


def record_json(contact: Contact) -> dict[str, Any]:
    """The contact as JSON (for the review queue): its merged record, with the
    addresses, numbers and links of every row of it, checked."""
    rec = contact.record
    data: dict[str, Any] = {name: getattr(rec, name) for name in _KEPT}
    data["emails"] = list(contact.emails.values())
    data["phones"] = list(contact.phones.values())
    data["urls"] = list(contact.urls.values())
    for name in ("birthday", "anniversary"):
        date = getattr(rec, name)
        data[name] = None if date is None else dataclasses.asdict(date)
    data["met_on"] = rec.met_on.isoformat() if rec.met_on else None
    if rec.started_on is not None:  # only when given: older records keep their digest
        data["started_on"] = rec.started_on.isoformat()
    return data


def record_digest(data: dict[str, Any]) -> str:
    """The content of a stored record, compared between imports."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def contact_from_json(ctx: Ctx, data: dict[str, Any], line: int | None) -> Contact:
    """The contact a stored record (`record_json`) describes, checked again."""
    values: dict[str, Any] = {name: data.get(name) for name in _KEPT}
    values["tags"] = list(values["tags"] or [])
    values["types"] = list(values["types"] or [])
    rec = ContactRecord(
        line=line or 0,
        **values,
        emails=list(data.get("emails") or []),
        phones=list(data.get("phones") or []),
        urls=list(data.get("urls") or []),
        birthday=PartialDate(**data["birthday"]) if data.get("birthday") else None,
        anniversary=PartialDate(**data["anniversary"]) if data.get("anniversary") else None,
        met_on=dt.date.fromisoformat(data["met_on"]) if data.get("met_on") else None,
        started_on=dt.date.fromisoformat(data["started_on"]) if data.get("started_on") else None,
    )
    return normalise(ctx, rec, [])
