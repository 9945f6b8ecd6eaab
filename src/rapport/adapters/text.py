"""Reading an import source and turning its bytes into text, whatever the encoding."""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import BinaryIO

from rapport.errors import ImportFailed

Source = str | os.PathLike[str] | bytes | BinaryIO

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# control characters that never appear in a text file (tab, newlines, form feed do)
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13)) + b"\x7f"


def source_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    if isinstance(source, bytes):
        return "<data>"
    return str(getattr(source, "name", "<stream>"))


def read_bytes(source: Source) -> bytes:
    """All the bytes of `source` (a path, bytes or a binary stream)."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.read_bytes()
        except IsADirectoryError as exc:
            raise ImportFailed("is a directory, not a file", source=str(path)) from exc
        except OSError as exc:
            raise ImportFailed(f"cannot read the file: {exc.strerror}", source=str(path)) from exc
    data = source.read()
    if isinstance(data, str):  # a text stream given by mistake: take it as UTF-8
        return data.encode("utf-8")
    return bytes(data)


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'-be' when every other byte is zero and the others look like text,
    as in BOM-less UTF-16 of a Latin-script export."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, chars, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        controls = sum(1 for b in chars if b < 9 or 13 < b < 32)
        if zeros.count(0) > 0.8 * len(zeros) and controls < 0.01 * len(chars) + 1:
            return name
    return None


def unicode_encoding(data: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) for data with a BOM or recognisably UTF-16/32."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    found = _utf16_without_bom(data[:4096])
    return (found, 0) if found else None


def looks_binary(data: bytes) -> bool:
    """True for data that no text export produces: NUL bytes or many control codes."""
    sample = data[:65536]
    if not sample or unicode_encoding(sample):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([c])) for c in _CONTROL)
    return controls > max(2, len(sample) // 100)


def decode(data: bytes, source: str | None = None) -> str:
    """The text of `data`: by its BOM, else UTF-8, else Windows-1252 (what Excel and
    Outlook write), else Latin-1. ImportFailed for binary data."""
    known = unicode_encoding(data)
    if known:
        name, skip = known
        try:
            return data[skip:].decode(name)
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"not valid {name} text: {exc.reason}", source=source) from exc
    if looks_binary(data):
        raise ImportFailed("binary data, not a text export", source=source)
    return decode_bytes(data)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """`data` decoded with `charset` when it is known and fits, else UTF-8, else
    Windows-1252, else Latin-1 (which never fails)."""
    for name in (charset, "utf-8", "cp1252", "latin-1"):
        if not name:
            continue
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover
