"""Text a user gives, made safe to store on every backend."""

from __future__ import annotations

from typing import Any

from rapport.errors import Invalid

MAX_TEXT = 100_000  # notes and other long text


def clean_text(value: Any, field: str, limit: int = MAX_TEXT) -> str | None:
    """Stripped text, None when empty; Invalid for non-text, NUL characters (which
    PostgreSQL cannot store) or text longer than `limit` (refused, never cut)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(field, f"expected text, got {value!r}")
    if "\x00" in value:
        raise Invalid(field, "contains a NUL character")
    text = value.strip()
    if len(text) > limit:
        raise Invalid(field, f"is {len(text)} characters long; at most {limit}")
    return text or None


def whole_number(text: str, field: str) -> int | None:
    """`text` read as a whole number written with the digits 0-9; None when it is not
    digits at all (a name, say). `int()` reads other scripts' digits too ('٣' is 3)
    and refuses some `isdigit()` accepts ('²'), so digits of any other kind are
    Invalid here, before either."""
    if not text.isdigit():
        return None
    if not text.isascii():
        raise Invalid(field, f"{text!r} is not a number: write it with the digits 0-9")
    return int(text)
