"""One CardDAV card in and out: what Rapport reads of it (a ContactRecord), its UID,
and the properties Rapport does not model, kept verbatim; and the card written back
from the person and those properties, in vCard 4.0 or 3.0.

A property is *modelled* when Rapport reads it into a person (`MODELLED`): the card
served writes it from the person, so an edit made in Rapport shows. Every other
content line (PHOTO, IMPP, RELATED, Apple's `itemN.X-ABLabel`, any X- property) is
an *extra*: stored as the client sent it and written back unchanged, after the
modelled ones. Photos and other binary values (RFC 6350 6.2.4) change only their
encoding between versions (3.0 `ENCODING=b;TYPE=JPEG` and a 4.0 `data:` URI), so a
photo set on an iPhone (3.0) shows on an Android phone (4.0) and comes back the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapport.adapters import vcard
from rapport.adapters.records import ContactRecord, Skipped
from rapport.errors import ImportFailed, Invalid

# what Rapport reads (adapters.vcard._record), and what a card's frame is
MODELLED = frozenset(
    {
        "BEGIN", "END", "VERSION", "UID", "PRODID", "REV", "KIND",
        "FN", "N", "NICKNAME", "ORG", "TITLE", "EMAIL", "TEL", "URL", "ADR", "LABEL",
        "TZ", "NOTE", "CATEGORIES", "BDAY", "ANNIVERSARY", "X-ANNIVERSARY",
        "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY",
        "X-RAPPORT-TYPE", "X-RAPPORT-HOW-MET", "X-RAPPORT-MET-ON",
    }
)  # fmt: skip
VERSIONS = ("3.0", "4.0")
MAX_EXTRAS = 500  # content lines kept per card: a contact has a few dozen at most
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
_DATA_URI = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(;[^,]*)?;base64,", re.IGNORECASE)
_GROUP_NAME = re.compile(r"^((?:[\w-]+\.)?)([\w-]+)")


@dataclass(frozen=True)
class CardIn:
    """What a client sent: the record, its UID (None if it has none), the vCard
    version it was written in, and its extra content lines."""

    record: ContactRecord
    uid: str | None
    version: str
    extras: list[str]


def read(body: bytes) -> CardIn:
    """The one card in `body`; Invalid("card", why) when it holds none, several, or
    one Rapport cannot read (no name, organization or email)."""
    try:
        text = body.decode("utf-8-sig")
        records = list(vcard.parse(body))
    except UnicodeDecodeError as exc:
        raise Invalid("card", "a vCard must be UTF-8") from exc
    except ImportFailed as exc:
        raise Invalid("card", exc.message) from exc
    if len(records) != 1:
        raise Invalid("card", f"one vCard per resource, not {len(records)}")
    found = records[0]
    if isinstance(found, Skipped):
        raise Invalid("card", found.reason)
    version = "4.0"
    uid: str | None = None
    extras: list[str] = []
    depth = 0
    for name, line in vcard.content_lines(text):
        if name == "BEGIN":
            depth += 1
        elif name == "END":
            depth -= 1
        elif depth > 1:  # a vCard 2.1 AGENT nested inside: not the card's own
            continue
        elif name == "VERSION":
            version = line.split(":", 1)[1].strip()
        elif name == "UID":
            uid = line.split(":", 1)[1].strip() or None
        elif name not in MODELLED:
            extras.append(line)
    if len(extras) > MAX_EXTRAS:
        raise Invalid("card", f"more than {MAX_EXTRAS} properties Rapport does not read")
    return CardIn(found, uid, version if version in VERSIONS else "4.0", extras)


def write(
    record: ContactRecord, uid: str, extras: list[str], extras_version: str, version: str
) -> str:
    """The card for `record` in `version` ("3.0" or "4.0"): the modelled properties
    from the record, then the extras (binary values converted to `version`)."""
    lines = vcard.card_lines(record, uid, version)
    end = lines.pop()
    for line in extras:
        lines.append(_converted(line, extras_version, version))
    lines.append(end)
    return "".join(vcard.folded(line) for line in lines)


def _converted(line: str, source: str, target: str) -> str:
    """A binary property (PHOTO, LOGO, SOUND, KEY) in `target`'s encoding; any other
    line as it is."""
    if source == target:
        return line
    head, sep, value = line.partition(":")
    match = _GROUP_NAME.match(head)
    if not sep or match is None or match.group(2).upper() not in _BINARY:
        return line
    group, name = match.group(1), match.group(2)
    params = [p for p in head[match.end() :].split(";") if p]
    if target == "4.0":
        encoded = [p for p in params if p.upper() in ("ENCODING=B", "ENCODING=BASE64")]
        if not encoded:
            return line  # a URI already: the same in both versions
        kind = next((p.split("=", 1)[1] for p in params if p.upper().startswith("TYPE=")), "")
        rest = [p for p in params if p not in encoded and not p.upper().startswith("TYPE=")]
        media = f"image/{kind.lower()}" if kind and "/" not in kind else kind.lower()
        uri = f"data:{media};base64,{value}" if media else f"data:;base64,{value}"
        return f"{group}{name}{''.join(';' + p for p in rest)}:{uri}"
    found = _DATA_URI.match(value)
    if found is None:
        return line
    media = (found.group(1) or "").lower()
    kind = media.split("/", 1)[1].upper() if "/" in media else ""
    rest = [p for p in params if not p.upper().startswith("MEDIATYPE=")]
    extra = ";ENCODING=b" + (f";TYPE={kind}" if kind else "")
    return f"{group}{name}{''.join(';' + p for p in rest)}{extra}:{value[found.end() :]}"
