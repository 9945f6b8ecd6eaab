"""Name and address normalisation used for matching and prefix look-up."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of `text` for matching:
    'José  Ñúñez' and 'jose nunez' fold alike."""
    if not text.isascii():  # ASCII is its own decomposition, with nothing to strip
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", text.casefold()).strip()


def split_name(full_name: str) -> tuple[str, str]:
    """(given, family) from a full name: the last word is the family name."""
    parts = full_name.strip().split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]


def join_name(given: str | None, family: str | None) -> str:
    return " ".join(p.strip() for p in (given or "", family or "") if p and p.strip())


def email_key(address: str) -> str:
    """Case-folded address; the local part is kept as typed apart from case."""
    return address.strip().lower()


_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\"]+$")


def looks_like_email(address: str) -> bool:
    return bool(_EMAIL.match(address.strip()))
