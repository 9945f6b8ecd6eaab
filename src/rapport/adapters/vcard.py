"""vCard 2.1, 3.0 and 4.0 in; vCard 4.0 (RFC 6350) out.

vobject splits the file into content lines (folding, vCard 2.1 quoted-printable soft
breaks, parameters, groups). The values are decoded here, property by property:
vobject's own value decoding keeps only the text before the first unescaped comma
("NOTE:hello, world" becomes "hello"), which real exports are full of.
"""

from __future__ import annotations

import datetime as dt
import quopri
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapport.adapters.limits import Budget
from rapport.adapters.records import ContactRecord, PartialDate, Skipped
from rapport.adapters.text import Source, decode, decode_bytes, read_bytes, source_name
from rapport.domain.date_order import DateOrder
from rapport.domain.milestones import parse_month_day
from rapport.domain.names import fold, join_name
from rapport.errors import ImportFailed, Invalid

# properties that carry binary data (RFC 6350 6.2.4 PHOTO, 6.6.3 LOGO, 6.7.5 SOUND,
# 6.8.1 KEY): Rapport keeps no pictures or sounds, so they are dropped, never fatal
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
_ANNIVERSARY = {"ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY"}
_DATE = re.compile(r"^(?:(\d{4})|--)-?(\d{2})-?(\d{2})(?:T.*)?$")
_UNKNOWN_YEARS = {1604}  # Apple writes 1604 for a birthday without a year


@dataclass
class _Line:
    number: int
    name: str  # upper case, without group
    params: dict[str, list[str]]
    value: str  # decoded from its transfer encoding and charset, still escaped


@dataclass
class _Card:
    line: int
    version: str = "3.0"
    lines: list[_Line] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unreadable: bool = False  # a line could not be read (a damaged FN, say)
    # the lines by name, made on the first look-up (a card is read once it is whole)
    _by_name: dict[str, list[_Line]] | None = None

    def all(self, *names: str) -> list[_Line]:
        if self._by_name is None:
            self._by_name = {}
            for ln in self.lines:
                self._by_name.setdefault(ln.name, []).append(ln)
        if len(names) == 1:
            return self._by_name.get(names[0], [])
        return [ln for ln in self.lines if ln.name in names]

    def first(self, *names: str) -> _Line | None:
        found = self.all(*names)
        if len(found) < 2:
            return found[0] if found else None
        preferred = [ln for ln in found if _is_preferred(ln)]
        chosen = preferred or found
        return chosen[0] if chosen else None


def _is_preferred(line: _Line) -> bool:
    types = [t.lower() for v in line.params.get("TYPE", []) for t in v.split(",")]
    return "pref" in types or bool(line.params.get("PREF"))


# --- reading ------------------------------------------------------------------------


def parse(
    source: Source, budget: Budget | None = None, *, date_order: DateOrder | None = None
) -> Iterator[ContactRecord | Skipped]:
    """One ContactRecord per card (or Skipped with the card's line and the reason).
    ImportFailed when the file holds no card or ends inside one. A date that is not
    ISO ('12-10-1985', written by some phones) is read in `date_order`, the user's."""
    name = source_name(source)
    text = decode(read_bytes(source), name)
    for card in _cards(text, name, budget or Budget()):
        try:
            yield _record(card, date_order)
        except Invalid as exc:
            yield Skipped(card.line, exc.reason)


def _cards(text: str, source: str, budget: Budget) -> Iterator[_Card]:
    card: _Card | None = None
    depth = 0  # vCard 2.1 AGENT may nest a whole card inside another
    found = False
    for raw, number in _logical_lines(text):
        budget.check(number, source)
        parsed = _content_line(raw)
        if parsed is None:
            if card is not None and raw.strip():
                card.warnings.append(f"line {number}: unreadable line skipped")
                card.unreadable = True
            continue
        name, params, value = parsed
        upper = name.upper()
        if upper == "BEGIN" and value.strip().upper() == "VCARD":
            found = True
            if card is None:
                card = _Card(line=number)
            else:
                depth += 1
                card.dropped.append("agent")
            continue
        if card is None:
            continue  # text between cards
        if upper == "END" and value.strip().upper() == "VCARD":
            if depth:
                depth -= 1
                continue
            yield card
            card = None
            continue
        if depth:
            continue
        line = _decode_line(upper, params, value, number, card)
        if line is not None:
            card.lines.append(line)
    if card is not None:
        raise ImportFailed(
            f"the file ends inside the card begun at line {card.line} (truncated?)",
            line=card.line,
            source=source,
        )
    if not found:
        raise ImportFailed("no vCard in this file (no BEGIN:VCARD line)", source=source)


# RFC 6350 3.2 (and vCard 2.1's quoted-printable soft line breaks). vobject's own
# reader copies the whole logical line at each physical one: a note folded over two
# million lines took minutes. This one joins each logical line once.
def _logical_lines(text: str) -> Iterator[tuple[str, int]]:
    """(logical line, number of its first physical line), folds joined: a line that
    starts with a space or tab continues the previous one (without that character);
    after a quoted-printable line ending in "=", the next line continues it after a
    newline. A blank line ends a logical line."""
    parts: list[str] = []
    start = 0
    quoted_printable = False  # the logical line so far mentions the encoding
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if parts:
                yield "".join(parts), start
            parts, quoted_printable = [], False
            continue
        if parts and quoted_printable and parts[-1].endswith("="):
            parts.append("\n" + line)
        elif parts and line[0] in " \t":
            parts.append(line[1:])
        else:
            if parts:
                yield "".join(parts), start
            parts, start, quoted_printable = [line], number, False
        quoted_printable = quoted_printable or "quoted-printable" in parts[-1].lower()
    if parts:
        yield "".join(parts), start


_NAME = re.compile(r"(?:[\w-]+\.)?([\w-]+)")


def _content_line(line: str) -> tuple[str, list[list[str]], str] | None:
    """(name, parameters, value) of `[group.]NAME[;PARAM…]:VALUE`, or None when the
    line is not one. A parameter is [name, value…], or [word] for a vCard 2.1 bare
    one; quoted values keep their ';', ',' and ':'."""
    match = _NAME.match(line)
    if match is None:
        return None
    i = match.end()
    params: list[list[str]] = []
    while i < len(line) and line[i] == ";":
        param, i = _parameter(line, i + 1)
        if param:
            params.append(param)
    if i >= len(line) or line[i] != ":":
        return None
    return match.group(1), params, line[i + 1 :]


def _parameter(line: str, i: int) -> tuple[list[str], int]:
    """The parameter starting at `i` and where it ends (at ';' or ':' outside quotes)."""
    words: list[str] = []
    current: list[str] = []
    quoted = False
    while i < len(line):
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif quoted:
            current.append(c)
        elif c in ";:":
            break
        elif (c == "=" and not words) or (c == "," and words):
            words.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    words.append("".join(current))
    return [w for w in words if w or len(words) > 1], i


def _decode_line(
    name: str, raw_params: list[list[str]], value: str, number: int, card: _Card
) -> _Line | None:
    params: dict[str, list[str]] = {}
    for item in raw_params:
        if len(item) == 1:  # vCard 2.1 bare parameter: TEL;WORK;VOICE
            key, values = ("ENCODING", item) if _is_encoding(item[0]) else ("TYPE", item)
        else:
            key, values = item[0].upper(), item[1:]
        params.setdefault(key, []).extend(v for v in values if v)
    encoding = " ".join(params.get("ENCODING", [])).upper()
    if name in _BINARY or encoding in ("B", "BASE64"):
        card.dropped.append(name.lower())
        return None
    if name == "VERSION":
        card.version = value.strip()
    charset = params["CHARSET"][0] if params.get("CHARSET") else None
    if "QUOTED-PRINTABLE" in encoding or encoding == "QP":
        decoded = decode_bytes(quopri.decodestring(value.encode("latin-1", "replace")), charset)
        # a 2.1 value is not backslash-escaped except for ';' in structured values
        value = decoded.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _Line(number, name, params, value)


def _is_encoding(word: str) -> bool:
    return word.upper() in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B")


# RFC 6350 3.4: backslash escapes in text values
def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for c in chars:
        if c != "\\":
            out.append(c)
            continue
        nxt = next(chars, "")
        out.append("\n" if nxt in ("n", "N") else nxt)
    return "".join(out)


def _split(text: str, sep: str) -> list[str]:
    """Split on unescaped `sep`, keeping escapes for _unescape."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for c in text:
        if escaped:
            current.append("\\" + c)
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def _text(line: _Line | None) -> str | None:
    if line is None:
        return None
    return _unescape(line.value).strip() or None


def _components(line: _Line) -> list[str]:
    return [_unescape(p).strip() for p in _split(line.value, ";")]


def _record(card: _Card, date_order: DateOrder | None = None) -> ContactRecord:
    rec = ContactRecord(line=card.line, dropped=card.dropped, warnings=card.warnings)
    rec.full_name = _text(card.first("FN"))
    n = card.first("N")
    if n is not None:
        # RFC 6350 6.2.2: family; given; additional; … each a comma-separated list
        parts = [
            " ".join(w for w in (_unescape(v).strip() for v in _split(raw, ",")) if w)
            for raw in _split(n.value, ";")
        ] + [""] * 5
        family, given, additional = parts[0], parts[1], parts[2]
        rec.family_name = family or None
        rec.given_name = " ".join(p for p in (given, additional) if p) or None
    nick = card.first("NICKNAME")
    if nick is not None:
        rec.nickname = next((_unescape(v).strip() for v in _split(nick.value, ",")), None) or None
    org = card.first("ORG")
    if org is not None:
        rec.organization = next((c for c in _components(org) if c), None)
    rec.title = _text(card.first("TITLE"))
    rec.emails = _values(card.all("EMAIL"))
    rec.phones = [_phone(v) for v in _values(card.all("TEL"))]
    social = [v for v in _values(card.all("X-SOCIALPROFILE")) if "linkedin" in v.lower()]
    rec.urls = list(dict.fromkeys(_values(card.all("URL")) + social))
    rec.location = _location(card)
    rec.timezone = _zone(_text(card.first("TZ")))
    notes = [t for t in (_text(line) for line in card.all("NOTE")) if t]
    rec.notes = "\n\n".join(notes) or None
    rec.tags = _list_values(card.all("CATEGORIES"))
    rec.types = _list_values(card.all("X-RAPPORT-TYPE"))
    rec.how_met = _text(card.first("X-RAPPORT-HOW-MET"))
    for line in card.all("X-RAPPORT-FIELD"):
        name, sep, value = (_text(line) or "").partition("=")
        if sep and name.strip():
            rec.custom.setdefault(name.strip(), value.strip())
    met = _text(card.first("X-RAPPORT-MET-ON"))
    if met:
        try:
            rec.met_on = dt.date.fromisoformat(met)
        except ValueError:
            rec.warnings.append(f"line {card.line}: met-on date {met!r} not read")
    rec.birthday = _partial_date(card, card.first("BDAY"), date_order)
    rec.anniversary = _partial_date(card, card.first(*_ANNIVERSARY), date_order)
    if _is_organization(card, rec):
        rec.kind = "org"
        rec.organization = rec.organization or rec.name or None
        if not rec.organization:
            raise Invalid("card", "an organization card without a name")
        rec.full_name, rec.given_name, rec.family_name = rec.organization, None, None
    if not rec.name:
        fallback = rec.organization or (rec.emails[0] if rec.emails else None)
        if not fallback:
            raise Invalid("card", "a card without a name, organization or email")
        rec.full_name = fallback
    return rec


def _is_organization(card: _Card, rec: ContactRecord) -> bool:
    """Whether the card describes an organisation, not a person: RFC 6350 6.1.4
    `KIND:org` (an explicit KIND decides), Apple's vCard 3.0 `X-ABShowAs:COMPANY`, or
    an ORG with no name but the organisation's own (FN and N empty or repeating it) on
    a card read whole: one with a damaged line may have lost a person's name."""
    kind = _text(card.first("KIND"))
    if kind:
        return kind.lower() == "org"
    show_as = _text(card.first("X-ABSHOWAS"))
    if show_as and show_as.upper() == "COMPANY":
        return True
    if not rec.organization or card.unreadable:
        return False
    org = fold(rec.organization)
    names = (rec.full_name, join_name(rec.given_name, rec.family_name))
    return all(not name or fold(name) == org for name in names)


def _values(lines: Iterable[_Line]) -> list[str]:
    found = (_text(line) for line in lines)
    return list(dict.fromkeys(v for v in found if v))


def _list_values(lines: Iterable[_Line]) -> list[str]:
    found = (_unescape(v).strip() for line in lines for v in _split(line.value, ","))
    return list(dict.fromkeys(v for v in found if v))


def _phone(value: str) -> str:
    number = value[4:] if value.lower().startswith("tel:") else value
    return number.split(";", 1)[0].strip()  # tel:+1-555-0100;ext=12


def _location(card: _Card) -> str | None:
    adr = card.first("ADR")
    if adr is not None:
        # RFC 6350 6.3.1: box; extended; street; locality; region; code; country
        # a component's lines become ", "-separated; its own text is kept as written
        lines = (p.splitlines() for p in _components(adr))
        parts = [", ".join(x.strip() for x in part if x.strip()) for part in lines]
        joined = ", ".join(p for p in parts if p)
        if joined:
            return joined
    label = _text(card.first("LABEL"))
    return ", ".join(p.strip() for p in label.splitlines() if p.strip()) if label else None


def _zone(value: str | None) -> str | None:
    if not value or re.match(r"^[+-]?\d", value):
        return None  # UTC offsets ("-05:00") say nothing about daylight saving time
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value


def _partial_date(
    card: _Card, line: _Line | None, date_order: DateOrder | None = None
) -> PartialDate | None:
    text = _text(line)
    if line is None or not text:
        return None
    match = _DATE.match(text.replace("/", "-"))
    try:
        if match:
            year = int(match.group(1)) if match.group(1) else None
            month, day = int(match.group(2)), int(match.group(3))
        else:
            month, day, year = parse_month_day(text, date_order)
        if year in _UNKNOWN_YEARS or line.params.get("X-APPLE-OMIT-YEAR"):
            year = None
        dt.date(year or 2000, month, day)
    except (Invalid, ValueError):
        card.warnings.append(f"line {line.number}: {line.name} {text!r} is not a date, dropped")
        return None
    return PartialDate(month, day, year)


# --- writing ------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 6350 3.2: lines longer than 75 octets folded, never inside a character."""
    if len(line) <= 75 and (line.isascii() or len(line.encode("utf-8")) <= 75):
        return line + "\r\n"  # most lines: no character to count
    out: list[str] = []
    current: list[str] = []
    size = 0
    for c in line:
        width = len(c.encode("utf-8"))
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(c)
        size += width
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


def _date_value(date: PartialDate) -> str:
    # RFC 6350 4.3.1: a date without year is written --MMDD
    if date.year is None:
        return f"--{date.month:02d}{date.day:02d}"
    return f"{date.year:04d}{date.month:02d}{date.day:02d}"


def _date_value_3(date: PartialDate) -> str:
    # vCard 3.0 (RFC 2426 3.1.5) has no year-less date: Apple's convention, which this
    # module reads back as year-less (_UNKNOWN_YEARS)
    if date.year is None:
        return f"X-APPLE-OMIT-YEAR=1604:1604-{date.month:02d}-{date.day:02d}"
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def card_lines(rec: ContactRecord, uid: str | None = None, version: str = "4.0") -> list[str]:
    """The content lines of one vCard for `rec`, unfolded: 4.0 (RFC 6350), or 3.0
    (RFC 2426) when `version` says so, for clients such as iOS that read no other."""
    v3 = version == "3.0"
    # KIND always: a person named like their organization is still a person
    # (vCard 3.0 has no KIND: Apple's X-ABShowAs says a card is a company's)
    lines = ["BEGIN:VCARD", f"VERSION:{'3.0' if v3 else '4.0'}"]
    if not v3:
        lines.append(f"KIND:{rec.kind}")
    elif rec.kind == "org":
        lines.append("X-ABShowAs:COMPANY")
    if uid:
        lines.append(f"UID:{_escape(uid)}")
    lines.append(f"FN:{_escape(rec.name)}")
    lines.append(f"N:{_escape(rec.family_name or '')};{_escape(rec.given_name or '')};;;")
    if rec.nickname:
        lines.append(f"NICKNAME:{_escape(rec.nickname)}")
    if rec.organization:
        lines.append(f"ORG:{_escape(rec.organization)}")
    if rec.title:
        lines.append(f"TITLE:{_escape(rec.title)}")
    for i, email in enumerate(rec.emails):
        first = "EMAIL;TYPE=INTERNET,PREF:" if v3 else "EMAIL;PREF=1:"
        lines.append((first if i == 0 else "EMAIL:") + _escape(email))
    # TEL as free text (RFC 6350 6.4.1 allows it) keeps the number as it was typed
    tel = "TEL:" if v3 else "TEL;VALUE=text:"
    lines.extend(f"{tel}{_escape(phone)}" for phone in rec.phones)
    lines.extend(f"URL:{_escape(url)}" for url in rec.urls)
    if rec.location:
        lines.append(f"ADR:;;{_escape(rec.location)};;;;")
    if rec.timezone:
        lines.append(f"TZ;VALUE=text:{_escape(rec.timezone)}")
    if rec.birthday:
        if v3:
            value = _date_value_3(rec.birthday)
            lines.append(f"BDAY;{value}" if value.startswith("X-") else f"BDAY:{value}")
        else:
            lines.append(f"BDAY:{_date_value(rec.birthday)}")
    if rec.anniversary:
        if v3:
            value = _date_value_3(rec.anniversary)
            sep = ";" if value.startswith("X-") else ":"
            lines.append(f"X-ANNIVERSARY{sep}{value}")
        else:
            lines.append(f"ANNIVERSARY:{_date_value(rec.anniversary)}")
    if rec.tags:
        lines.append("CATEGORIES:" + ",".join(_escape(t) for t in rec.tags))
    if rec.notes:
        lines.append(f"NOTE:{_escape(rec.notes)}")
    lines.extend(f"X-RAPPORT-TYPE:{_escape(t)}" for t in rec.types)
    if rec.how_met:
        lines.append(f"X-RAPPORT-HOW-MET:{_escape(rec.how_met)}")
    if rec.met_on:
        lines.append(f"X-RAPPORT-MET-ON:{rec.met_on.isoformat()}")
    # the user's own fields, NAME=value (a name holds no '='): read back by `_record`
    lines.extend(f"X-RAPPORT-FIELD:{_escape(f'{k}={v}')}" for k, v in rec.custom.items())
    lines.append("END:VCARD")
    return lines


def folded(line: str) -> str:
    """One content line folded for writing (RFC 6350 3.2), with its CRLF."""
    return _fold(line)


def content_lines(text: str) -> Iterator[tuple[str, str]]:
    """(property name in upper case, without its group; the line as written,
    unfolded) for each content line of `text`, in order; lines that are not
    content lines are left out."""
    for raw, _ in _logical_lines(text):
        parsed = _content_line(raw)
        if parsed is not None:
            yield parsed[0].upper(), raw


def write(
    records: Iterable[tuple[ContactRecord, str | None]], stream: TextIO, version: str = "4.0"
) -> int:
    """Write (record, uid) pairs as vCard 4.0 (or 3.0, for address books that read no
    other) to `stream`; returns the card count."""
    count = 0
    for rec, uid in records:
        for line in card_lines(rec, uid, version):
            stream.write(_fold(line))
        count += 1
    return count
