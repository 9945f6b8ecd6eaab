"""Text a user gives, made safe to store on every backend and to show on a terminal."""

from __future__ import annotations

import re
from typing import Any

from rapport.errors import Invalid

MAX_TEXT = 100_000  # notes and other long text

# C0 controls but tab and newline, DEL and the C1 controls (U+0080–U+009F): an ESC or
# CSI starts a terminal escape sequence (colours, window title, cursor moves), the
# others have no meaning in a name or a note. Carriage returns are read as newlines.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("\r\n?")
# a UTF-16 surrogate on its own is no character: no encoder can write it (UTF-8 for
# SQLite and PostgreSQL included). Python makes one from "\ud800" in JSON or from
# undecodable bytes in a command line (surrogateescape).
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: Any, field: str, limit: int = MAX_TEXT) -> str | None:
    """Stripped text, None when empty, with line breaks as "\\n" and the other
    control characters (ESC, BEL, C1…) removed; Invalid for non-text, NUL characters
    (which PostgreSQL cannot store), lone surrogates (no encoding can store them) or
    text longer than `limit` (refused, never cut)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(field, f"expected text, got {value!r}")
    problem = text_problem(value)
    if problem:
        raise Invalid(field, problem)
    text = strip_controls(value).strip()
    if len(text) > limit:
        raise Invalid(field, f"is {len(text)} characters long; at most {limit}")
    return text or None


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None: the one rule every interface
    (the services, the API's schema) refuses by."""
    if "\x00" in value:
        return "contains a NUL character"
    if _SURROGATE.search(value):
        return "contains a lone surrogate (not a Unicode character)"
    return None


def strip_controls(value: str) -> str:
    """`value` with "\\r\\n" and "\\r" as "\\n" and every other control character
    but tab and newline removed."""
    return _CONTROLS.sub("", _LINE_BREAK.sub("\n", value))


_UNPRINTABLE = re.compile(f"{_CONTROLS.pattern}|{_SURROGATE.pattern}")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC shows as ␛
    return "\u2421" if code == 0x7F else "\ufffd"  # DEL as ␡, C1 or a surrogate as �


def visible_controls(value: str) -> str:
    """`value` safe to print on a terminal: each control character but tab and
    newline (and a carriage return, shown as a newline) replaced by a visible sign,
    so stored text can never recolour the terminal or set its title. A lone
    surrogate (which no terminal encoding can write) shows as �."""
    return _UNPRINTABLE.sub(_visible, _LINE_BREAK.sub("\n", value))


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
