"""What a value looks like on the wire, declared where it is checked.

Each constraint here is one regular expression used twice: by the server to refuse a
value and by the OpenAPI document to describe it, so a client (or a fuzzer) that
follows the schema is never refused and one that strays always is. Dates are ISO
strings only (never Unix times) in the years the server keeps; text carries no NUL
(PostgreSQL refuses it); a name has something besides white space (the server strips
it)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from rapport.adapters import csv_contacts

FIRST_YEAR, LAST_YEAR = 1800, 2200

_YEAR = r"(?:1[89]\d\d|2[01]\d\d|2200)"
# Every real day of those years, and only those: 29 February in leap years alone.
_LEAP_YEAR = r"(?:(?:18|19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000)"
_MONTH_DAY = (
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])"
    r"|(?:0[13-9]|1[0-2])-(?:29|30)"
    r"|(?:0[13578]|1[02])-31)"
)
_DAY = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
_OFFSET = r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"

DAY = rf"^{_DAY}$"
MOMENT = rf"^{_DAY}T{_TIME}{_OFFSET}?$"
# control characters but tab and line breaks: the services strip them from text typed at
# a terminal or read from a file; through the API they are refused, so the schema and the
# server agree on what a value is (NUL also because PostgreSQL refuses it)
_CTRL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
NO_NUL = rf"^[^{_CTRL}]*$"
# what str.strip() removes, so "has something else" means the same to both sides
_SPACE = "".join(sorted(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()))
_SPACE_CLASS = "".join(f"\\u{ord(c):04x}" for c in _SPACE)
SOMETHING = rf"^[^{_CTRL}]*[^{_CTRL}{_SPACE_CLASS}][^{_CTRL}]*$"
# domain.phones.phone_key: blank (skipped), or three digits or more (`\d`: any script's,
# in runs of ten; checked with this same pattern, so the few beyond U+FFFF are refused)
_DIGITS = [n for n in range(0x10000) if re.fullmatch(r"\d", chr(n))]
_DIGIT_CLASS = "".join(
    f"\\u{n:04x}-\\u{n + 9:04x}" for n in _DIGITS if n - 1 not in _DIGITS and n + 9 in _DIGITS
)
PHONE = rf"^(?:[{_SPACE_CLASS}]*|(?:[^{_CTRL}{_DIGIT_CLASS}]*[{_DIGIT_CLASS}]){{3}}[^{_CTRL}]*)$"
# domain.custom_fields: a field's name (one line, something in it, no '=' or ':', which
# separate a name from its value), and a filter by one, 'Stage:Seed' or 'Stage=Seed'
FIELD_NAME = rf"^[^{_CTRL}\n\r=:]*[^{_CTRL}{_SPACE_CLASS}=:][^{_CTRL}\n\r=:]*$"
ONE_LINE = rf"^[^{_CTRL}\n\r]*$"
FIELD_FILTER = rf"^[^{_CTRL}=:]*[^{_CTRL}{_SPACE_CLASS}=:][^{_CTRL}=:]*[=:][^{_CTRL}]*$"
# services.bulk_edit: a person's id as a key of `values`
PERSON_KEY = r"^[1-9][0-9]{0,8}$"
# services.digest: a time of day like 07:30
CLOCK = r"^(?:[01]?[0-9]|2[0-3]):[0-5][0-9]$"
# services.digest: a web address the digest's links start with
WEB = rf"^https?://[^/{_CTRL}{_SPACE_CLASS}]+[^{_CTRL}{_SPACE_CLASS}]*$"
# domain.names.looks_like_email, with no white space around it
_NOT_IN_EMAIL = rf"[^@<>(),;:\"{_CTRL}{_SPACE_CLASS}]"
EMAIL = rf"^{_NOT_IN_EMAIL}+@{_NOT_IN_EMAIL}+\.{_NOT_IN_EMAIL}+$"
# adapters.csv_contacts.mapping_of: 'Column=field', a column with something in it and
# one of the fields a column can be mapped to
_FIELDS = "|".join(csv_contacts.FIELDS)
# (or "field:NAME", one of the user's own fields: a name as FIELD_NAME says)
_OWN = rf"field:[^{_CTRL}\n\r=:]*[^{_CTRL}{_SPACE_CLASS}=:][^{_CTRL}\n\r=:]*"
COLUMN_MAP = rf"^[^{_CTRL}]*[^{_CTRL}{_SPACE_CLASS}=][^{_CTRL}]*=(?:{_FIELDS}|{_OWN})$"
# services.people.clean_urls: a dot and no space
URL = rf"^[^{_CTRL} ]*\.[^{_CTRL} ]*$"
# services.people.tag_name: something left once spaces and leading '#' go
TAG = rf"^[^{_CTRL}]*[^{_CTRL}#{_SPACE_CLASS}][^{_CTRL}]*$"


@dataclass(frozen=True)
class Declare:
    """Adds `extra` to a type's JSON schema (what the validators beside it enforce)."""

    extra: tuple[tuple[str, Any], ...]

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update(dict(self.extra))
        return schema


def declare(**extra: Any) -> Declare:
    return Declare(tuple(extra.items()))


@dataclass(frozen=True)
class Matches:
    """Text matching `pattern`: checked by the server, declared as the schema's `pattern`."""

    pattern: str
    what: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        compiled = re.compile(self.pattern)

        def check(value: str) -> str:
            if not compiled.match(value):
                raise ValueError(self.what)
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["pattern"] = self.pattern
        return found


@dataclass(frozen=True)
class OneOf:
    """Text that is one of `values`: checked by the server, declared as an `enum`. For
    lists kept in code; the vocabulary's enums are field types of their own."""

    values: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        accepted = frozenset(self.values)
        shown = ", ".join(self.values[:12]) + ("…" if len(self.values) > 12 else "")

        def check(value: str) -> str:
            if value not in accepted:
                raise ValueError(f"must be one of: {shown}")
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["enum"] = list(self.values)
        return found


def one_of(values: Iterable[str]) -> OneOf:
    return OneOf(tuple(values))


def _iso_only(pattern: str, what: str) -> Any:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str) or not compiled.match(value):
            raise ValueError(what)
        return value

    return BeforeValidator(check)


_DAY_WORDS = f"must be a date as YYYY-MM-DD between the years {FIRST_YEAR} and {LAST_YEAR}"
_MOMENT_WORDS = (
    f"must be a time as YYYY-MM-DDTHH:MM[:SS][offset] between the years {FIRST_YEAR} "
    f"and {LAST_YEAR}"
)
day_only = _iso_only(DAY, _DAY_WORDS)
moment_only = _iso_only(MOMENT, _MOMENT_WORDS)
day_schema = WithJsonSchema({"type": "string", "format": "date", "pattern": DAY})
# no `format: date-time`: that needs an offset, and a time without one is taken in the
# workspace's zone
moment_schema = WithJsonSchema({"type": "string", "pattern": MOMENT})
no_nul = Matches(NO_NUL, "must not contain control characters (but tab and line breaks)")
something = Matches(SOMETHING, "must not be empty or only white space")
field_name = Matches(FIELD_NAME, "is one line, not empty, without '=' or ':'")
one_line = Matches(ONE_LINE, "is one line, without control characters")
field_filter = Matches(FIELD_FILTER, "is a field's name and a value: 'Stage:Seed'")
email = Matches(EMAIL, "is not an email address")
url = Matches(URL, "is not a web address (it needs a dot and no spaces)")
tag = Matches(TAG, "needs a character besides '#' and spaces")
phone = Matches(PHONE, "is not a phone number (it needs three digits)")
person_key = Matches(PERSON_KEY, "is not a person's id")
clock = Matches(CLOCK, "is not a time of day like 07:30")
column_map = Matches(COLUMN_MAP, "is not COLUMN=FIELD with a field Rapport has")
web = Matches(WEB, "is not a web address (http://… or https://…)")
