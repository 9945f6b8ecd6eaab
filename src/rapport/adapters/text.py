"""Reading an import source and turning its bytes into text, whatever the encoding."""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def opened(source: Source) -> Iterator[BinaryIO]:
    """`source` as a binary stream to read from (a path opened, bytes wrapped), with
    the errors of `read_bytes`."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
        return
    if not isinstance(source, str | os.PathLike):
        yield source
        return
    path = Path(source)
    try:
        stream = path.open("rb")
    except IsADirectoryError as exc:
        raise ImportFailed("is a directory, not a file", source=str(path)) from exc
    except OSError as exc:
        raise ImportFailed(f"cannot read the file: {exc.strerror}", source=str(path)) from exc
    with stream:
        yield stream


SAMPLE = 65536  # bytes read ahead to tell the encoding


def text_lines(stream: BinaryIO, source: str | None = None) -> Iterator[str]:
    """The lines of a text stream, read as they come (without their line ends; split
    at LF, a CR before it dropped): by the BOM's encoding, else each line as UTF-8,
    else Windows-1252, else Latin-1, as `decode` reads a whole file. ImportFailed for
    binary data."""
    sample = stream.read(SAMPLE)
    if isinstance(sample, str):  # a text stream given by mistake: take it as UTF-8
        sample = sample.encode("utf-8")
        rest: Iterator[bytes] = (line.encode("utf-8") for line in stream)
    else:
        rest = iter(stream)
    known = unicode_encoding(sample)
    if known:
        name, skip = known
        whole = io.BufferedReader(_Chain(sample[skip:], rest))
        reader = io.TextIOWrapper(whole, encoding=name, errors="strict", newline="\n")
        try:
            for line in reader:
                yield line.rstrip("\n").removesuffix("\r")
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"not valid {name} text: {exc.reason}", source=source) from exc
        return
    if looks_binary(sample):
        raise ImportFailed("binary data, not a text export", source=source)
    pending = b""
    for chunk in _chunks(sample, rest):
        pending += chunk
        if not pending.endswith(b"\n"):
            continue
        for raw in pending.split(b"\n")[:-1]:
            yield decode_bytes(raw.removesuffix(b"\r"))
        pending = b""
    if pending:
        for raw in pending.split(b"\n"):
            yield decode_bytes(raw.removesuffix(b"\r"))


def _chunks(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


class _Chain(io.RawIOBase):
    """A raw stream reading `first`, then the chunks of `rest`."""

    def __init__(self, first: bytes, rest: Iterator[bytes]) -> None:
        self._chunks = _chunks(first, rest)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


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
