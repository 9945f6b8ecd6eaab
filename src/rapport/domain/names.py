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


def name_rank(name: str, term: str) -> int:
    """How well what was typed names this person, best first: 0 it is one of the
    name's words ("ana" for Ana Lima), 1 the name starts with it (Anabela), 2 a later
    word does, 3 it is inside the name, 4 the name does not hold it (found by another
    field: the title "Analyst")."""
    key, typed = fold(name), fold(term)
    if not typed:
        return 4
    words = key.replace("-", " ").replace(",", " ").split()
    if typed in words or key == typed:
        return 0
    if key.startswith(typed):
        return 1
    if any(word.startswith(typed) for word in words):
        return 2
    return 3 if typed in key else 4


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


# Han, kana and hangul: names written in them carry no meaningful spaces ('李 小龙' is
# '李小龙'), and their Latin transliteration is lossy (李小龙 and 李晓龙 are both
# 'Li Xiaolong'), so they are compared as written, spaces removed
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# German umlauts have a second Latin spelling: Jörg is also Joerg
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def is_cjk(text: str) -> bool:
    """Whether `text` has Chinese, Japanese or Korean characters."""
    return bool(_CJK.search(text))


def compact(text: str) -> str:
    """`fold` without any space: '李 小龙' and '李小龙', 'Mary Ann' and 'Maryann' alike."""
    return fold(text).replace(" ", "")


def latin(text: str, folded: str | None = None) -> frozenset[str]:
    """The folded Latin spellings of a name (Łukasz → 'lukasz'; Иван → 'ivan'; Jörg →
    'jorg' and 'joerg'); a CJK name is only itself, folded. `folded`: `fold(text)`,
    when the caller has it already."""
    if folded is None:
        folded = fold(text)
    if text.isascii() or is_cjk(folded):
        return frozenset({folded} if folded else ())
    from anyascii import anyascii  # its tables load on first use, not at start-up

    spellings = {fold(anyascii(folded))}
    german = unicodedata.normalize("NFC", text.casefold())
    if german != german.translate(_UMLAUTS):
        spellings.add(fold(anyascii(german.translate(_UMLAUTS))))
    return frozenset(s for s in spellings if s)
