"""Contact CSV files: LinkedIn `Connections.csv`, Google Contacts, Outlook, Rapport's
own export, and any other CSV with a column mapping.

The header row is found by its column names (LinkedIn puts a few lines of notes
before it), which also tells the delimiter; the encoding is told by `text.decode`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from rapport.adapters.limits import MAX_FIELD_CHARS, Budget
from rapport.adapters.records import ContactRecord, PartialDate, Skipped
from rapport.adapters.text import Source, decode, read_bytes, source_name
from rapport.domain.date_order import DateOrder, read_numeric
from rapport.domain.milestones import parse_month_day
from rapport.domain.names import fold
from rapport.errors import ImportFailed, Invalid

FLAVOURS = ("linkedin", "google", "outlook", "rapport", "csv")
# the fields a column can be mapped to (`--map "Column=field"`)
FIELDS = (
    "name",
    "given_name",
    "middle_name",
    "family_name",
    "nickname",
    "organization",
    "title",
    "email",
    "phone",
    "url",
    "location",
    "timezone",
    "notes",
    "tags",
    "types",
    "birthday",
    "anniversary",
    "met_on",
    "how_met",
    "started_on",
)
# a column mapped "Column=field:Stage" goes to the user's own field Stage
OWN_FIELD = "field:"
# a row needs one of these to become a person (a name, else its email)
PERSON_FIELDS = ("name", "given_name", "family_name", "email")
_MULTI = {"email", "phone", "url", "tags", "types"}
PREVIEW_ROWS = 5  # the rows shown under the header when the columns are mapped by hand
DELIMITERS = (",", ";", "\t", "|")
_HEADER_SEARCH_ROWS = 30

# Rapport's own CSV export: these columns, in this order
RAPPORT_COLUMNS = (
    "rapport_id",
    "name",
    "given_name",
    "family_name",
    "nickname",
    "organization",
    "title",
    "emails",
    "phones",
    "urls",
    "tags",
    "types",
    "location",
    "timezone",
    "how_met",
    "met_on",
    "birthday",
    "notes",
    "started_on",  # when the current role began
)
LIST_SEPARATOR = "; "

# header names (folded) → field, per flavour; Google and Outlook number their
# repeated columns ("E-mail 2 - Value", "E-mail 2 Address"), matched by pattern
_LINKEDIN = {
    "first name": "given_name",
    "last name": "family_name",
    "url": "url",
    "profile url": "url",
    "email address": "email",
    "company": "organization",
    "position": "title",
    "connected on": "met_on",
    "started on": "started_on",
}
_GOOGLE = {
    "name": "name",
    "first name": "given_name",
    "given name": "given_name",
    "middle name": "middle_name",
    "additional name": "middle_name",
    "last name": "family_name",
    "family name": "family_name",
    "nickname": "nickname",
    "organization name": "organization",
    "organization title": "title",
    "birthday": "birthday",
    "notes": "notes",
    "labels": "tags",
    "group membership": "tags",
}
_GOOGLE_PATTERNS = (
    (re.compile(r"^e-mail \d+ - value$"), "email"),
    (re.compile(r"^phone \d+ - value$"), "phone"),
    (re.compile(r"^website \d+ - value$"), "url"),
    (re.compile(r"^address 1 - formatted$"), "location"),
    (re.compile(r"^organization 1 - name$"), "organization"),
    (re.compile(r"^organization 1 - title$"), "title"),
)
_OUTLOOK = {
    "first name": "given_name",
    "middle name": "middle_name",
    "last name": "family_name",
    "nickname": "nickname",
    "company": "organization",
    "job title": "title",
    "web page": "url",
    "birthday": "birthday",
    "anniversary": "anniversary",
    "notes": "notes",
    "categories": "tags",
}
_OUTLOOK_PATTERNS = (
    (re.compile(r"^e-mail( \d)? address$"), "email"),
    (re.compile(r"phone( \d)?$"), "phone"),
    (re.compile(r"^(business|home) city$"), "location"),
)
_GENERIC = {
    "name": "name",
    "full name": "name",
    "display name": "name",
    "contact": "name",
    "first name": "given_name",
    "given name": "given_name",
    "first": "given_name",
    "middle name": "middle_name",
    "last name": "family_name",
    "surname": "family_name",
    "family name": "family_name",
    "last": "family_name",
    "nickname": "nickname",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "mail": "email",
    "work email": "email",
    "personal email": "email",
    "phone": "phone",
    "phone number": "phone",
    "mobile": "phone",
    "mobile phone": "phone",
    "telephone": "phone",
    "tel": "phone",
    "cell": "phone",
    "work phone": "phone",
    "company": "organization",
    "organization": "organization",
    "organisation": "organization",
    "employer": "organization",
    "title": "title",
    "job title": "title",
    "position": "title",
    "role": "title",
    "website": "url",
    "url": "url",
    "linkedin": "url",
    "linkedin url": "url",
    "web": "url",
    "notes": "notes",
    "note": "notes",
    "comments": "notes",
    "tags": "tags",
    "labels": "tags",
    "groups": "tags",
    "categories": "tags",
    "birthday": "birthday",
    "date of birth": "birthday",
    "city": "location",
    "location": "location",
    "address": "location",
    "time zone": "timezone",
    "timezone": "timezone",
    "started on": "started_on",
    "start date": "started_on",
    "position start": "started_on",
    "position start date": "started_on",
    "role start": "started_on",
    "in role since": "started_on",
}
_RAPPORT = {
    "name": "name",
    "given_name": "given_name",
    "family_name": "family_name",
    "nickname": "nickname",
    "organization": "organization",
    "title": "title",
    "emails": "email",
    "phones": "phone",
    "urls": "url",
    "tags": "tags",
    "types": "types",
    "location": "location",
    "timezone": "timezone",
    "how_met": "how_met",
    "met_on": "met_on",
    "birthday": "birthday",
    "notes": "notes",
    "started_on": "started_on",
}


@dataclass(frozen=True)
class Layout:
    """How to read a file: its flavour, delimiter, header row and column fields."""

    flavour: str
    delimiter: str
    header_line: int  # 1-based physical line of the header row
    header: tuple[str, ...]
    fields: tuple[tuple[int, str], ...]  # (column index, field)


def _key(cell: str) -> str:
    return fold(cell.strip().strip('"').lstrip("\ufeff"))


def _flavour_of(keys: Sequence[str]) -> str | None:
    """The flavour a header row (folded cells) belongs to, if it is a known one."""
    have = set(keys)
    if keys and keys[0] == "rapport_id":
        return "rapport"
    if {"first name", "last name", "connected on"} <= have:
        return "linkedin"
    if any(p.match(k) for k in have for p, _ in _GOOGLE_PATTERNS[:3]) or (
        {"given name", "family name"} <= have
    ):
        return "google"
    if {"first name", "last name", "e-mail address"} <= have or (
        {"first name", "last name", "job title"} <= have
    ):
        return "outlook"
    return None


def _field_for(flavour: str, key: str) -> str | None:
    if flavour == "rapport":
        # "field:Stage": one of the user's own fields, as `write` names its column
        return key if own_field(key) else _RAPPORT.get(key)
    if flavour == "linkedin":
        return _LINKEDIN.get(key)
    if flavour == "google":
        if key in _GOOGLE:
            return _GOOGLE[key]
        return next((f for p, f in _GOOGLE_PATTERNS if p.match(key)), None)
    if flavour == "outlook":
        if key in _OUTLOOK:
            return _OUTLOOK[key]
        if "fax" in key or "pager" in key:
            return None
        return next((f for p, f in _OUTLOOK_PATTERNS if p.search(key)), None)
    return _GENERIC.get(key)


def _mapped_fields(
    flavour: str, header: Sequence[str], mapping: Mapping[str, str] | None
) -> tuple[tuple[int, str], ...]:
    keys = [_key(c) for c in header]
    if mapping:
        wanted = {_key(col): field for col, field in mapping.items()}
        return tuple((i, wanted[k]) for i, k in enumerate(keys) if k in wanted)
    pairs = ((i, _field_for(flavour, k)) for i, k in enumerate(keys))
    return tuple((i, f) for i, f in pairs if f)


def _split_row(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a field over the limit, a stray quote: not a header row
        return []


def _unreadable(exc: csv.Error) -> str:
    """The csv module's complaint, in a sentence."""
    if "field larger than field limit" in str(exc):
        return f"a field longer than {MAX_FIELD_CHARS:,} characters, more than any value holds"
    return f"unreadable CSV: {exc}"


def find_layout(
    text: str, source: str, mapping: Mapping[str, str] | None = None, flavour: str | None = None
) -> Layout:
    """The header row (among the first lines), its delimiter and the field of each
    column. With `mapping` (column → field), the header is the row holding all the
    mapped columns. ImportFailed when no row looks like a header."""
    if mapping:
        bad = sorted(f for f in set(mapping.values()) - set(FIELDS) if not own_field(f))
        if bad:
            raise ImportFailed(
                f"cannot map a column to {bad[0]!r}: fields are {', '.join(FIELDS)}, "
                f"or one of your own as {OWN_FIELD}NAME",
                source=source,
            )
        if not set(mapping.values()) & set(PERSON_FIELDS):
            raise ImportFailed(
                "no column is mapped to a name or an email, so no row can make a person: "
                "map one (e.g. 'Full Name=name')",
                source=source,
            )
    lines = text.splitlines()[:_HEADER_SEARCH_ROWS]
    best: tuple[int, Layout] | None = None
    for number, line in enumerate(lines, start=1):
        for delimiter in [d for d in DELIMITERS if d in line] or [","]:
            cells = _split_row(line, delimiter)
            keys = [_key(c) for c in cells]
            if mapping:
                if {_key(c) for c in mapping} <= set(keys):
                    kind = flavour or "csv"
                    return Layout(
                        kind, delimiter, number, tuple(cells), _mapped_fields(kind, cells, mapping)
                    )
                continue
            kind = flavour or _flavour_of(keys) or "csv"
            fields = _mapped_fields(kind, cells, None)
            names = {f for _, f in fields}
            if not names & {"name", "given_name", "family_name", "email"}:
                continue
            score = len(fields) + (100 if _flavour_of(keys) else 0)
            if best is None or score > best[0]:
                best = (score, Layout(kind, delimiter, number, tuple(cells), fields))
        if best is not None:
            return best[1]
    if mapping:
        raise ImportFailed(
            "no row holds all the mapped columns: " + ", ".join(repr(c) for c in mapping),
            source=source,
        )
    raise ImportFailed(
        "no header row with a name or email column found "
        "(map the columns, e.g. --map 'Full Name=name' --map 'Mail=email')",
        source=source,
    )


def sniff(text: str) -> str | None:
    """The flavour of a CSV export when its header is one we know, else None."""
    try:
        layout = find_layout(text, "<sniff>")
    except ImportFailed:
        return None
    return layout.flavour


def parse(
    source: Source,
    *,
    flavour: str | None = None,
    mapping: Mapping[str, str] | None = None,
    budget: Budget | None = None,
    date_order: DateOrder | None = None,
) -> Iterator[ContactRecord | Skipped]:
    """One ContactRecord per data row, with its line number; Skipped for a row that
    cannot be a contact (too many fields, no name). Numeric dates ('12-10-1985') are
    read in `date_order`, the user's; without it, slashes month first (as US exports
    write them) and dots day first."""
    name = source_name(source)
    text = decode(read_bytes(source), name)
    layout = find_layout(text, name, mapping, flavour)
    yield from _rows(text, layout, name, budget or Budget(), date_order)


def mapping_of(pairs: Iterable[str]) -> dict[str, str] | None:
    """A column mapping from 'Column=field' pairs (`--map`, the API's `map`); None
    for none. Invalid for a pair that is not COLUMN=FIELD."""
    found: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise Invalid("map", f"{pair!r} is not COLUMN=FIELD (e.g. 'Full Name=name')")
        found[column.strip()] = field.strip()
    return found or None


@dataclass(frozen=True)
class Preview:
    """A CSV's header and first rows, to map its columns by hand: `fields` is what
    each column would be imported as without a mapping (None: left out)."""

    header_line: int  # 1-based physical line of the header row
    header: tuple[str, ...]
    fields: tuple[str | None, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line, a cell per header column)


def preview(source: Source, *, rows: int = PREVIEW_ROWS, budget: Budget | None = None) -> Preview:
    """The header and the first `rows` data rows of a CSV, read by the same rules as
    `parse` (encoding, header search, delimiter, field limit). A file whose columns
    none are known takes its first non-blank line as the header. ImportFailed for
    text that is no CSV at all (binary, empty, a broken quote)."""
    name = source_name(source)
    text = decode(read_bytes(source), name)
    try:
        layout = find_layout(text, name)
    except ImportFailed:
        layout = _first_line_layout(text, name)
    guessed = dict(layout.fields)
    width = len(layout.header)
    shown: list[tuple[int, tuple[str, ...]]] = []
    for line, cells in _cells(text, layout, name, budget or Budget()):
        if len(shown) == rows:
            break
        padded = [*cells[:width], *([""] * (width - len(cells)))]
        shown.append((line, tuple(padded)))
    return Preview(
        layout.header_line,
        tuple(c.strip().lstrip("\ufeff") for c in layout.header),
        tuple(guessed.get(i) for i in range(width)),
        tuple(shown),
    )


def _first_line_layout(text: str, source: str) -> Layout:
    """The first non-blank line as the header, split by the delimiter that gives it
    the most columns, each column guessed from its name."""
    for number, line in enumerate(text.splitlines()[:_HEADER_SEARCH_ROWS], start=1):
        if not line.strip():
            continue
        splits = [(len(_split_row(line, d)), -i, d) for i, d in enumerate(DELIMITERS)]
        _, _, delimiter = max(splits)
        cells = _split_row(line, delimiter)
        if not cells:
            raise ImportFailed("unreadable CSV: the header row cannot be split", number, source)
        return Layout("csv", delimiter, number, tuple(cells), _mapped_fields("csv", cells, None))
    raise ImportFailed("the file is empty", source=source)


def _rows(
    text: str, layout: Layout, source: str, budget: Budget, date_order: DateOrder | None
) -> Iterator[ContactRecord | Skipped]:
    width = len(layout.header)
    for start, row in _cells(text, layout, source, budget):
        if len(row) > width and any(c.strip() for c in row[width:]):
            yield Skipped(start, f"{len(row)} fields where the header has {width}")
            continue
        try:
            yield _record(start, row, layout, date_order)
        except Invalid as exc:
            yield Skipped(start, exc.reason)


def _cells(
    text: str, layout: Layout, source: str, budget: Budget
) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of each non-blank row after the header."""
    stream = io.StringIO(text, newline="")
    for _ in range(layout.header_line):
        stream.readline()
    reader = csv.reader(stream, delimiter=layout.delimiter)
    consumed = layout.header_line
    while True:
        start = consumed + 1
        budget.check(start, source)
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFailed(_unreadable(exc), line=start, source=source) from exc
        consumed = layout.header_line + reader.line_num
        if any(cell.strip() for cell in row):
            yield start, row


def own_field(field: str) -> str | None:
    """The name of the user's own field a mapping names ("field:Stage"), or None."""
    if field[: len(OWN_FIELD)].lower() == OWN_FIELD and field[len(OWN_FIELD) :].strip():
        return field[len(OWN_FIELD) :].strip()
    return None


def own_fields_mapped(mapping: Mapping[str, str] | None) -> list[str]:
    """The user's own fields `mapping` sends columns to."""
    return [name for f in (mapping or {}).values() if (name := own_field(f))]


def _record(
    line: int, row: Sequence[str], layout: Layout, date_order: DateOrder | None = None
) -> ContactRecord:
    rec = ContactRecord(line=line)
    values: dict[str, list[str]] = {}
    for index, field in layout.fields:
        cell = row[index].strip() if index < len(row) else ""
        if cell:
            values.setdefault(field, []).extend(_cell_values(layout.flavour, field, cell))
    one = {k: v[0] for k, v in values.items() if v}
    rec.custom = {name: one[f] for f in one if (name := own_field(f))}
    given = " ".join(v for v in (one.get("given_name"), one.get("middle_name")) if v)
    rec.given_name = given or None
    rec.family_name = one.get("family_name")
    rec.full_name = one.get("name")
    rec.nickname = one.get("nickname")
    rec.organization = one.get("organization")
    rec.title = one.get("title")
    rec.emails = _unique(values.get("email", []))
    rec.phones = _unique(values.get("phone", []))
    rec.urls = _unique(values.get("url", []))
    rec.tags = _unique(values.get("tags", []))
    rec.types = _unique(values.get("types", []))
    location = one.get("location")
    rec.location = (
        ", ".join(p.strip() for p in location.splitlines() if p.strip()) if location else None
    )
    rec.timezone = one.get("timezone")
    rec.notes = "\n\n".join(values.get("notes", [])) or None
    rec.how_met = one.get("how_met")
    for field in ("birthday", "anniversary"):
        if field in one and one[field] not in _NO_DATES:
            date = _partial_date(one[field], date_order)
            if date is None:
                rec.warnings.append(f"line {line}: {field} {one[field]!r} is not a date, dropped")
            setattr(rec, field, date)
    if "met_on" in one:
        rec.met_on = _day(one["met_on"], date_order)
        if rec.met_on is None:
            rec.warnings.append(f"line {line}: date {one['met_on']!r} not read")
    if "started_on" in one:
        rec.started_on = _day(one["started_on"], date_order) or _month(one["started_on"])
        if rec.started_on is None:
            rec.warnings.append(f"line {line}: start date {one['started_on']!r} not read")
    if layout.flavour == "linkedin":
        rec.how_met = rec.how_met or "LinkedIn"
    if not rec.name and not rec.nickname and rec.organization:
        # a company-only row (Google's and Outlook's company contacts): the
        # organisation itself, never a person named after it
        rec.kind = "org"
        rec.full_name = rec.organization
        return rec
    if not rec.name:
        if not rec.emails:
            raise Invalid("row", "no name and no email")
        rec.full_name = rec.emails[0]
    return rec


def _cell_values(flavour: str, field: str, cell: str) -> list[str]:
    if field not in _MULTI:
        return [cell]
    if flavour == "google":
        parts = cell.split(" ::: ")
        if field == "tags":  # Google's own groups, not the user's labels
            parts = [p for p in parts if not p.startswith("* ")]
    elif flavour == "rapport":
        parts = cell.split(";")
    elif field in ("tags", "types"):
        parts = re.split(r"[;,]", cell)
    else:
        parts = [cell]
    return [p.strip() for p in parts if p.strip()]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


_NO_DATES = ("0/0/00", "0/0/0000", "00/00/0000")  # Outlook's "no date"
_DAY_FORMATS = ("%d %b %Y", "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y", "%b %d, %Y")


@functools.lru_cache(maxsize=8192)
def _day(text: str, date_order: DateOrder | None = None) -> dt.date | None:
    """A date as exports write them: '07 Nov 2023' (LinkedIn), ISO, numbers in
    `date_order` (without it, US slashes and dots day first)."""
    if date_order is not None:
        try:
            found = read_numeric(text, date_order)
        except Invalid:
            return None
        if found is not None and found.year is not None:
            return dt.date(found.year, found.month, found.day)
    for fmt in _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


_MONTH_FORMATS = ("%b %Y", "%B %Y", "%Y-%m", "%m/%Y", "%Y")


def _month(text: str) -> dt.date | None:
    """A start date given to the month or the year, as LinkedIn writes positions
    ('Mar 2021') and people remember them: its first day."""
    for fmt in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _partial_date(text: str, date_order: DateOrder | None = None) -> PartialDate | None:
    raw = text.strip()
    found = _day(raw, date_order)
    if found is not None:
        return PartialDate(found.month, found.day, found.year)
    try:
        month, day, year = parse_month_day(raw, date_order)
    except Invalid:
        return None
    return PartialDate(month, day, year)


# --- writing ------------------------------------------------------------------------


def _date_text(date: PartialDate | None) -> str:
    if date is None:
        return ""
    if date.year is None:
        return f"--{date.month:02d}-{date.day:02d}"
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def write(
    records: Iterable[tuple[ContactRecord, int | None]],
    stream: TextIO,
    *,
    bom: bool = False,
    own_fields: Sequence[str] = (),
) -> int:
    """Rapport's CSV (one row per person, lists joined with '; '); returns the count.
    With `bom`, a byte-order mark comes first: Excel reads a CSV as UTF-8 only when it
    starts with one (else as the Windows code page, and non-ASCII names come out
    garbled). Our own importer reads it either way. Each of the user's `own_fields`
    is a column of its own after Rapport's, named "field:NAME" (read back as that
    field)."""
    if bom:
        stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([*RAPPORT_COLUMNS, *(OWN_FIELD + name for name in own_fields)])
    count = 0
    for rec, rapport_id in records:
        writer.writerow(
            [
                "" if rapport_id is None else str(rapport_id),
                rec.name,
                rec.given_name or "",
                rec.family_name or "",
                rec.nickname or "",
                rec.organization or "",
                rec.title or "",
                LIST_SEPARATOR.join(rec.emails),
                LIST_SEPARATOR.join(rec.phones),
                LIST_SEPARATOR.join(rec.urls),
                LIST_SEPARATOR.join(rec.tags),
                LIST_SEPARATOR.join(rec.types),
                rec.location or "",
                rec.timezone or "",
                rec.how_met or "",
                rec.met_on.isoformat() if rec.met_on else "",
                _date_text(rec.birthday),
                rec.notes or "",
                rec.started_on.isoformat() if rec.started_on else "",
                *(rec.custom.get(name, "") for name in own_fields),
            ]
        )
        count += 1
    return count
