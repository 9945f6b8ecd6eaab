"""What each field of a person accepts: text cleaned and bounded, and the lists
(emails, phones, links, types, tags) cleaned into the keys they are matched by.
Every way of changing a person checks its values here (`person_patch.plan`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapport.domain.names import email_key, fold, looks_like_email
from rapport.domain.phones import phone_key
from rapport.domain.text import MAX_TEXT, clean_text
from rapport.domain.vocabulary import Channel, RelationshipType, parse_choice
from rapport.errors import Invalid

TEXT_FIELDS = ("nickname", "location", "how_met", "interests", "remember", "notes")
# the longest value each short text column takes (longer text is refused, not cut)
MAX_LENGTH = {
    "full_name": 300,
    "given_name": 200,
    "family_name": 200,
    "nickname": 200,
    "organization": 300,
    "title": 300,
    "location": 300,
    "timezone": 64,
    "preferred_channel": 32,
    "tag": 100,
    "email": 320,
    "phone": 64,
    "url": 1000,
}
MAX_DAYS = 3650


def clean_field(value: Any, field: str = "value") -> str | None:
    """`value` stripped (None when empty); Invalid past the field's maximum length."""
    return clean_text(value, field, MAX_LENGTH.get(field, MAX_TEXT))


def clean_timezone(value: Any) -> str | None:
    """A known IANA time zone name, or None; Invalid for an unknown one."""
    tz = clean_field(value, "timezone")
    if tz:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise Invalid(
                "timezone", f"unknown time zone {tz!r} (use a name like Europe/Paris)"
            ) from exc
    return tz


def clean_channel(value: Any) -> str | None:
    channel = clean_field(value, "preferred_channel")
    return parse_choice(Channel, channel, "preferred_channel").value if channel else None


def check_date(value: Any, field: str) -> dt.date | None:
    if value is not None and not isinstance(value, dt.date):
        raise Invalid(field, f"{value!r} is not a date")
    return value


def positive_days(value: Any, field: str) -> int | None:
    """A number of days between 1 and 3650, or None for none."""
    if value is None or value == "":
        return None
    try:
        days = int(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(field, f"{value!r} is not a number of days") from exc
    if days <= 0 or days > MAX_DAYS:
        raise Invalid(field, f"must be between 1 and {MAX_DAYS} days")
    return days


def check_id(value: Any, field: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise Invalid(field, f"{value!r} is not an id")
    return value


def clean_emails(addresses: Iterable[Any]) -> dict[str, str]:
    """Address per key (`email_key`), in order, the first spelling of each kept;
    Invalid for one that is not an address. The first is the primary one."""
    seen: dict[str, str] = {}
    for raw in addresses:
        address = clean_field(raw, "email")
        if not address:
            continue
        if not looks_like_email(address):
            raise Invalid("email", f"{address!r} is not an email address")
        seen.setdefault(email_key(address), address)
    return seen


def clean_phones(numbers: Iterable[Any], region: str | None) -> dict[str, str]:
    """Number per key (`phone_key`), in order, the first spelling of each kept."""
    seen: dict[str, str] = {}
    for raw in numbers:
        number = clean_field(raw, "phone")
        if number:
            seen.setdefault(phone_key(number, region), number)
    return seen


def url_kind(url: str) -> str:
    return "linkedin" if "linkedin.com" in url.lower() else "website"


def clean_urls(urls: Iterable[Any]) -> list[tuple[str, str]]:
    """(web address, kind) for each distinct address as given, in order; one without
    a scheme gets https://, kind is 'linkedin' or 'website'. Invalid for text that is
    not a web address."""
    found = []
    cleaned = (clean_field(u, "url") for u in urls)
    for raw in dict.fromkeys(u for u in cleaned if u):
        if " " in raw or "." not in raw:
            raise Invalid("url", f"{raw!r} is not a web address")
        url = raw if "://" in raw else "https://" + raw
        found.append((url, url_kind(url)))
    return found


def clean_types(types: Iterable[Any]) -> list[str]:
    """The relationship types named, sorted, each once; Invalid for an unknown one."""
    named = (clean_field(t, "type") for t in types)
    return sorted({parse_choice(RelationshipType, t, "type").value for t in named if t})


def tag_name(name: Any) -> str:
    """A tag's name as stored: stripped, without a leading '#'; Invalid when empty."""
    clean = (clean_field(name, "tag") or "").lstrip("#")
    if not clean:
        raise Invalid("tag", "a tag cannot be empty")
    return clean


def clean_tags(names: Iterable[Any]) -> dict[str, str]:
    """Tag name per folded key, in order, the first spelling of each kept; blank
    entries are skipped, a lone '#' is Invalid."""
    seen: dict[str, str] = {}
    for raw in names:
        if isinstance(raw, str) and not raw.strip():
            continue
        name = tag_name(raw)
        seen.setdefault(fold(name), name)
    return seen
