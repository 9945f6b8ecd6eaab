"""Telling an import file's format from its content (the name is only a hint)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from rapport.adapters import csv_contacts
from rapport.adapters.backup import looks_like_backup
from rapport.adapters.mail import looks_like_mail
from rapport.adapters.text import Source, decode_bytes, looks_binary, source_name, unicode_encoding
from rapport.errors import ImportFailed, UnknownFormat

CONTACT_FORMATS = ("vcard", "linkedin", "google", "outlook", "rapport-csv", "csv")
FORMATS = (*CONTACT_FORMATS, "ics", "mail", "backup")
# words people type for --format
ALIASES = {
    "vcf": "vcard",
    "vcards": "vcard",
    "ical": "ics",
    "icalendar": "ics",
    "calendar": "ics",
    "mbox": "mail",
    "eml": "mail",
    "maildir": "mail",
    "email": "mail",
    "json": "backup",
    "linkedin-csv": "linkedin",
    "google-csv": "google",
    "outlook-csv": "outlook",
    "generic": "csv",
}
_HEAD = 65536


def canonical(name: str) -> str:
    """The format `name` (or an alias of it) stands for; ImportFailed if none."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise ImportFailed(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    return key


def _head(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source[:_HEAD]
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as f:
                return f.read(_HEAD)
        except OSError as exc:
            raise ImportFailed(f"cannot read the file: {exc.strerror}", source=str(source)) from exc
    position = source.tell() if source.seekable() else None
    data = source.read(_HEAD)
    if position is not None:
        source.seek(position)
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def detect(source: Source) -> str:
    """The format of `source`, one of FORMATS, from its first bytes. ImportFailed with
    a clear reason for empty, binary or unrecognised content."""
    name = source_name(source)
    if isinstance(source, str | os.PathLike) and Path(source).is_dir():
        return "mail"  # a Maildir or a folder of .eml files
    head = _head(source)
    if not head.strip():
        raise ImportFailed("the file is empty", source=name)
    known = unicode_encoding(head)
    if known:
        encoding, skip = known
        text = head[skip:].decode(encoding, errors="ignore")
    elif looks_binary(head):
        raise UnknownFormat(
            "binary data: not a format Rapport imports "
            "(vCard, CSV, iCalendar, mbox/.eml, JSON backup)",
            source=name,
        )
    else:
        text = decode_bytes(head[:-4] if len(head) == _HEAD else head)
    stripped = text.lstrip("\ufeff \t\r\n")
    upper = stripped[:4096].upper()
    if re.search(r"(?m)^([\w-]+\.)?BEGIN:VCARD", upper):
        return "vcard"
    if "BEGIN:VCALENDAR" in upper:
        return "ics"
    if looks_like_backup(stripped):
        return "backup"
    if stripped.startswith("From ") or looks_like_mail(stripped[:4096].encode("utf-8", "replace")):
        return "mail"
    flavour = csv_contacts.sniff(stripped)
    if flavour:
        return "rapport-csv" if flavour == "rapport" else flavour
    lines = [line for line in stripped.splitlines()[:10] if line.strip()]
    if len(lines) >= 2 and any(d in lines[0] for d in csv_contacts.DELIMITERS):
        return "csv"  # tabular, columns unknown: the CSV importer asks for --map
    raise UnknownFormat(
        "cannot tell what kind of file this is "
        "(vCard, CSV, iCalendar, mbox/.eml or JSON backup expected; try --format)",
        source=name,
    )
