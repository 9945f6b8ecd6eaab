"""Fields of the user's own (issue 23): what a field definition accepts (a name, a
type, the options of a choice, whom it applies to) and what a value of each type
is. A value is kept as typed (`text`) with the typed form that sorting and
filtering need: a number, a day, or the folded text it is matched by."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from urllib.parse import urlsplit

from rapport.domain.names import fold
from rapport.domain.text import clean_text
from rapport.errors import Contradicts, Invalid


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    URL = "url"


class Target(StrEnum):
    """Whom a field applies to (the CLI's `--for people|organizations`)."""

    PEOPLE = "people"
    ORGANIZATIONS = "organizations"


MAX_NAME = 100
MAX_OPTIONS = 100
MAX_OPTION = 100
MAX_VALUE = 2000
MAX_NUMBER = Decimal("1e15")  # beyond, a float would not keep the digits typed
# the thousands separators a number may be written with ("1,500,000", "1 500 000")
_GROUPING = re.compile(r"(?<=\d)[,  _](?=\d{3}\b)")


def parse_type(text: str) -> FieldType:
    value = text.strip().lower()
    for kind in FieldType:
        if value == kind.value:
            return kind
    names = ", ".join(k.value for k in FieldType)
    raise Invalid("type", f"{text.strip()!r} is not a field type; one of: {names}")


def parse_target(text: str) -> Target:
    """'people' or 'organizations' (also 'person', 'org', 'organisations'…)."""
    value = fold(text).strip()
    if value in {"people", "person", "persons"}:
        return Target.PEOPLE
    if value.startswith("org"):
        return Target.ORGANIZATIONS
    raise Invalid("for", f"{text.strip()!r}: a field is for people or organizations")


def clean_name(value: str) -> str:
    """A field's name: text of at most 100 characters, one line, without '=' or ':'
    (which separate a name from its value: `--field NAME=VALUE`, `field=Stage:Seed`)."""
    name = clean_text(value, "name", MAX_NAME)
    if name is None:
        raise Invalid("name", "a field needs a name")
    if "\n" in name or "=" in name or ":" in name:
        raise Invalid("name", "a field's name is one line, without '=' or ':'")
    if len(fold(name)) > MAX_NAME:
        raise Invalid("name", f"is too long (at most {MAX_NAME} characters once normalised)")
    return name


def clean_options(kind: FieldType, options: Iterable[str]) -> list[str]:
    """A choice's options: each one line, none twice (any case), at least one;
    other types take none."""
    found: list[str] = []
    keys: set[str] = set()
    for raw in options:
        option = clean_text(raw, "options", MAX_OPTION)
        if option is None:
            continue
        if "\n" in option:
            raise Invalid("options", "each option is one line")
        if fold(option) in keys:
            raise Contradicts("options", f"{option!r} is given twice")
        keys.add(fold(option))
        found.append(option)
    # (refusals that depend on the type, given beside them or stored: Contradicts)
    if kind is FieldType.CHOICE:
        if not found:
            raise Contradicts("options", "a choice needs its options, e.g. 'Seed,Series A'")
        if len(found) > MAX_OPTIONS:
            raise Invalid("options", f"{len(found)} options; at most {MAX_OPTIONS}")
    elif found:
        raise Contradicts("options", f"only a choice has options, not a {kind.value} field")
    return found


def split_options(text: str) -> list[str]:
    """'Seed, Series A' -> ['Seed', 'Series A']."""
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class Value:
    """A value as stored: the text shown, and the typed forms it is sorted and
    matched by."""

    text: str
    key: str  # folded: what a filter matches
    number: float | None = None
    day: dt.date | None = None


def check_value(
    name: str,
    kind: FieldType,
    options: Sequence[str],
    raw: str,
    read_day: Callable[[str], dt.date],
) -> Value | None:
    """The value `raw` given to the field `name`, checked by its type; None when
    empty (the value is cleared). `read_day` reads a date in the user's order.
    A value the field's type refuses is Contradicts: well-formed text, refused by
    what is stored (the field's definition)."""
    text = clean_text(raw, name, MAX_VALUE)
    if text is None:
        return None
    if kind is FieldType.NUMBER:
        return Value(text, fold(text), number=_number(name, text))
    if kind is FieldType.DATE:
        try:
            day = read_day(text)
        except Contradicts:
            raise
        except Invalid as exc:
            raise Contradicts(name, exc.reason) from None
        return Value(day.isoformat(), day.isoformat(), day=day)
    if kind is FieldType.URL:
        return Value(_url(name, text), fold(text))
    if kind is FieldType.CHOICE:
        for option in options:
            if fold(option) == fold(text):
                return Value(option, fold(option))
        raise Contradicts(name, f"{text!r} is not one of: {', '.join(options)}")
    return Value(text, fold(text))


def _number(name: str, text: str) -> float:
    plain = _GROUPING.sub("", text)
    try:
        number = Decimal(plain)
    except InvalidOperation:
        raise Contradicts(name, f"{text!r} is not a number (write it like 1500 or 2.5)") from None
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise Contradicts(name, f"{text!r} is not a number Rapport can keep")
    return float(number)


def _url(name: str, text: str) -> str:
    candidate = text if "://" in text else "https://" + text
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc or " " in candidate:
        raise Contradicts(name, f"{text!r} is not a web address (http:// or https://)")
    return candidate


def split_assignment(text: str) -> tuple[str, str]:
    """'Fund size=50M' -> ('Fund size', '50M'); 'Stage:Seed' too (the API's filter
    form): split at the first '=' or ':' (a name has neither). An empty value is
    kept: it clears the field."""
    at = min((i for i in (text.find("="), text.find(":")) if i >= 0), default=-1)
    name, found, value = text[: max(at, 0)], at >= 0, text[at + 1 :]
    if not found or not name.strip():
        raise Invalid("field", f"{text!r}: write it as NAME=VALUE, e.g. 'Stage=Seed'")
    return name.strip(), value.strip()
