"""iCalendar (RFC 5545) in: past meetings with their attendees; out: the agenda feed.

icalendar reads the file; recurring-ical-events expands recurring series (RRULE,
RDATE, EXDATE, moved and cancelled instances) in each event's own time zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from rapport.adapters.limits import (
    MAX_MEETINGS,
    MAX_NESTING,
    MAX_OCCURRENCES_PER_SERIES,
    MAX_SERIES_CALLS,
    WINDOW_START,
    Budget,
    TooSlow,
)
from rapport.adapters.records import Address, MeetingRecord, Skipped
from rapport.adapters.text import Source, decode, opened, read_bytes, source_name, text_lines
from rapport.domain.names import looks_like_email
from rapport.errors import ImportFailed

_VIDEO = re.compile(
    r"zoom\.us|meet\.google\.com|teams\.microsoft\.com|webex\.com|whereby\.com|meet\.jit\.si",
    re.IGNORECASE,
)
_NOT_PEOPLE = {"ROOM", "RESOURCE"}
MAX_NOTES = 4000


def parse(
    source: Source, *, until: dt.datetime, tz: ZoneInfo, budget: Budget | None = None
) -> Iterator[MeetingRecord | Skipped]:
    """Every occurrence of every event that started in the import window (from
    `limits.WINDOW_START` to `until`, aware), recurring series expanded one by one;
    floating times are read in `tz`. Cancelled occurrences are Skipped (ignored); an
    event without a start, or a series repeating more than the cap up to `until`, is
    Skipped as invalid (ImportFailed when the file holds nothing else). Whatever the
    parsing libraries raise on a file becomes ImportFailed naming the event and line.

    The file is read as a stream (`_Splitter`): icalendar parses a few hundred
    events at a time, each batch with the calendar's properties and time zones, so
    what is held grows with the batch, not the file. An event with a repeat rule, an
    extra date or a moved occurrence waits for the end of its calendar, to be parsed
    with every other part of its series (a file may list them anywhere)."""
    budget = budget or Budget()
    name = source_name(source)
    read = _Read(budget, name, {})
    local_until = until.astimezone(tz).replace(tzinfo=None)
    quick = _Quick(read, until, tz)
    slow: list[_Event] = []  # plain events the quick reader left to icalendar
    shared: _Batch | None = None  # their calendar's properties and time zones
    with opened(source) as stream:
        splitter = _Splitter(name, budget)
        for found in splitter.batches(text_lines(stream, name)):
            if isinstance(found, _Batch) and found.events:  # a calendar's series
                if slow and shared is not None:
                    yield from _batch(_Batch(shared.calendar, shared.timezones, slow), read,
                                      local_until, until, tz)  # fmt: skip
                    slow = []
                yield from _batch(found, read, local_until, until, tz)
                continue
            if isinstance(found, _Batch):  # a calendar ends
                shared = found
            else:
                event, shared = found
                record = quick.read_event(event)
                if isinstance(record, MeetingRecord | Skipped):
                    yield record
                    continue
                if record is None:  # after the window
                    continue
                slow.append(event)
            if slow and (len(slow) >= BATCH or isinstance(found, _Batch)):
                yield from _batch(_Batch(shared.calendar, shared.timezones, slow), read,
                                  local_until, until, tz)  # fmt: skip
                slow = []
    if read.over_cap and not read.meetings:
        first = read.over_cap[0]
        raise ImportFailed(
            first.reason.replace("left out", "nothing else to import"), first.line, name
        )


BATCH = 400  # events icalendar parses at once

Numbered = list[tuple[int, str]]  # physical lines with their numbers in the file


@dataclass
class _Event:
    """One VEVENT's lines as read, and what the splitter saw of it."""

    lines: Numbered
    uid: str = ""
    recurring: bool = False


@dataclass
class _Batch:
    """Events to parse together, with their calendar's properties and time zones."""

    calendar: Numbered  # BEGIN:VCALENDAR and its own properties
    timezones: Numbered
    events: list[_Event]

    def numbered(self) -> Numbered:
        end = [(self.calendar[0][0], "END:VCALENDAR")]
        return [*self.calendar, *self.timezones, *(x for e in self.events for x in e.lines), *end]


_RECURRENCE = frozenset({"RRULE", "RDATE", "RECURRENCE-ID"})


class _Splitter:
    """RFC 5545 content lines read one by one: folded lines joined, components
    matched BEGIN to END (ImportFailed naming the line of an END without its BEGIN,
    of nesting deeper than MAX_NESTING, of a property outside any calendar), each
    calendar's VEVENTs handed out in batches with its properties and VTIMEZONEs."""

    def __init__(self, source: str, budget: Budget) -> None:
        self.source = source
        self.budget = budget

    def _fail(self, reason: str, line: int | None) -> ImportFailed:
        return ImportFailed(f"unreadable iCalendar data: {reason}", line=line, source=self.source)

    def batches(self, physical: Iterable[str]) -> Iterator[_Batch | tuple[_Event, _Batch]]:
        """Each plain event as it ends, with its calendar (the batch it would join);
        at a calendar's end, its series in batches and then an empty batch."""
        stack: list[str] = []
        calendar: Numbered = []
        timezones: Numbered = []
        shared: _Batch | None = None  # the calendar's, once its first event ends
        held: dict[str, list[_Event]] = {}
        block: Numbered | None = None  # the VEVENT or VTIMEZONE being read
        event: _Event | None = None
        calendars = 0
        for number, lines, text in _logical(physical):
            head, _, value = text.partition(":")
            name = head.split(";", 1)[0].strip().upper()
            if name == "BEGIN":
                kind = value.strip().upper()
                stack.append(kind)
                if len(stack) > MAX_NESTING:
                    raise ImportFailed(
                        f"components nested more than {MAX_NESTING} deep",
                        line=number,
                        source=self.source,
                    )
                if len(stack) == 1 and kind == "VCALENDAR":
                    calendar, timezones, held, shared = list(lines), [], {}, None
                    calendars += 1
                elif len(stack) == 2 and stack[0] == "VCALENDAR" and kind == "VEVENT":
                    block = list(lines)
                    event = _Event(block)
                elif len(stack) == 2 and stack[0] == "VCALENDAR" and kind == "VTIMEZONE":
                    block = list(lines)
                elif block is not None:
                    block += lines
                continue
            if name == "END":
                kind = value.strip().upper()
                if not stack or stack[-1] != kind:
                    raise self._fail(f"END:{value} has no matching BEGIN:{value}", number)
                stack.pop()
                if block is not None:
                    block += lines
                if len(stack) == 1 and block is not None:
                    if event is None:
                        timezones += block
                        shared = None  # later events see this time zone too
                    elif event.recurring or event.uid in held:
                        held.setdefault(event.uid, []).append(event)
                    else:
                        if shared is None:
                            shared = _Batch(calendar, timezones, [])
                        yield event, shared
                    block = event = None
                elif not stack and kind == "VCALENDAR":
                    yield from self._rest(calendar, timezones, held)
                    yield shared or _Batch(calendar, timezones, [])
                continue
            if block is not None:
                block += lines
                if event is not None and len(stack) == 2:  # the event's own properties
                    if name == "UID" and not event.uid:
                        event.uid = value.strip()
                    elif name in _RECURRENCE:
                        event.recurring = True
            elif len(stack) == 1 and stack[0] == "VCALENDAR":
                # icalendar refuses a calendar whose own lines it cannot read, even
                # when every event is read without it
                if text.strip() and _LINE.fullmatch(text) is None:
                    line, reason = _unreadable([(number, text)])
                    if line is not None:
                        raise self._fail(reason, line)
                calendar += lines
                shared = None
            elif not stack and text.strip() and name != "X-COMMENT":
                reason = _unreadable([(number, text)])[1]
                if reason.startswith("the calendar"):
                    reason = "a property outside any calendar"
                raise self._fail(reason, number)
        if "VCALENDAR" in stack:
            raise ImportFailed("the file ends inside a calendar (truncated?)", source=self.source)
        if not calendars:
            raise ImportFailed("not an iCalendar file (no BEGIN:VCALENDAR)", source=self.source)

    def _rest(
        self, calendar: Numbered, timezones: Numbered, held: dict[str, list[_Event]]
    ) -> Iterator[_Batch]:
        """The calendar's series, each whole in a batch."""
        batch: list[_Event] = []
        for events in held.values():
            batch += events
            if len(batch) >= BATCH:
                self.budget.check(source=self.source)
                yield _Batch(calendar, timezones, batch)
                batch = []
        if batch:
            yield _Batch(calendar, timezones, batch)


# --- the quick reader of plain events -----------------------------------------------
# Most events of a real calendar are single meetings with a plain start: read here
# in a tenth of icalendar's time, to the same MeetingRecord. Anything else (a repeat
# rule, a time zone of the file's own, a value or line of another shape, a start
# near either end of the window) goes to icalendar and recurring-ical-events.

_LINE = re.compile(
    r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*):(.*)',
    re.DOTALL,
)
_PARAM = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)')
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_DURATION = re.compile(r"[+-]?P(?:\d+W|(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)")
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}
# read here; any other property of the event is left unread, as icalendar's is by us
_READ = frozenset(
    {"UID", "DTSTART", "DTEND", "DURATION", "STATUS", "SUMMARY", "DESCRIPTION", "LOCATION",
     "ORGANIZER", "URL", "X-GOOGLE-CONFERENCE", "ATTENDEE"}
)  # fmt: skip
_TEXT = frozenset({"UID", "STATUS", "SUMMARY", "DESCRIPTION", "LOCATION", "X-GOOGLE-CONFERENCE"})
_MARGIN = dt.timedelta(days=2)  # a start this close to an end of the window: icalendar's


class _Value(str):
    """A property's value with its parameters, as `_address` reads icalendar's."""

    params: dict[str, str]


class _Props(dict[str, Any]):
    """A plain event's properties, read the way `_meeting` reads icalendar's."""

    def decoded(self, name: str) -> Any:
        return self["_" + name]


class _Quick:
    def __init__(self, read: _Read, until: dt.datetime, tz: ZoneInfo) -> None:
        self.read = read
        self.until = until
        self.tz = tz
        self.zones: dict[str, ZoneInfo | None] = {}
        self.start = WINDOW_START + _MARGIN

    def read_event(self, event: _Event) -> MeetingRecord | Skipped | bool | None:
        """The event's record (None: it starts after the window), or False when
        icalendar must read it (never True)."""
        found = self._properties(event)
        if found is None:
            return False
        start = found.get("_DTSTART")
        if start is None:
            return False
        moment = _moment(start, self.tz)
        local = (
            start.replace(tzinfo=None)
            if isinstance(start, dt.datetime)
            else dt.datetime.combine(start, dt.time())
        )
        if local < self.start or abs(moment - self.until) < _MARGIN:
            return False
        if moment > self.until:
            return None
        self.read.budget.check(event.lines[0][0], self.read.source)
        self.read.expanded += 1
        if self.read.expanded > MAX_MEETINGS:
            raise ImportFailed(
                f"more than {MAX_MEETINGS:,} meetings up to now in one calendar, "
                "the most one import takes: nothing imported",
                source=self.read.source,
            )
        try:
            uid = str(found.get("UID", "")).strip()
            record = _meeting(found, self.tz, set(), {uid: event.lines[0][0]} if uid else {})
        except Exception:  # let icalendar read it, and say what is wrong
            return False
        self.read.meetings += isinstance(record, MeetingRecord)
        return record

    def _properties(self, event: _Event) -> _Props | None:
        found = _Props()
        depth = 0
        for _number, _lines, text in _logical(t for _, t in event.lines[1:-1]):
            head = text[:6].upper()
            if head == "BEGIN:":
                depth += 1
                continue
            if head.startswith("END:"):
                depth -= 1
                continue
            if depth:
                continue
            match = _LINE.fullmatch(text)
            if match is None:
                return None
            name = match.group(1).upper()
            if name not in _READ:
                continue
            raw = match.group(3)
            params = {k.upper(): _unquoted(v) for k, v in _PARAM.findall(match.group(2))}
            if name in ("DTSTART", "DTEND"):
                if name in found:
                    continue
                moment = self._moment(raw, params)
                if moment is None:
                    return None
                found["_" + name] = moment
                found[name] = raw
            elif name == "DURATION":
                if not _DURATION.fullmatch(raw):
                    return None
                found.setdefault(name, raw)
            elif name in ("ORGANIZER", "ATTENDEE"):
                value = _Value(raw)
                value.params = params
                if name == "ATTENDEE":
                    found.setdefault(name, []).append(value)
                else:
                    found.setdefault(name, value)
            elif name in _TEXT:
                found.setdefault(name, _ESCAPE.sub(_unescaped, raw) if "\\" in raw else raw)
            else:
                found.setdefault(name, raw)
        end, start = found.get("_DTEND"), found.get("_DTSTART")
        if "DURATION" in found and not isinstance(start, dt.datetime):
            return None  # the expansion may make a day a moment: its own way
        if end is None:
            return found
        if start is None or type(end) is not type(start) or "DURATION" in found:
            return None
        if getattr(end, "tzinfo", None) is None and getattr(start, "tzinfo", None) is not None:
            return None
        if getattr(start, "tzinfo", None) is None and getattr(end, "tzinfo", None) is not None:
            return None
        return found if end >= start else None

    def _moment(self, raw: str, params: dict[str, str]) -> dt.date | None:
        kind = params.get("VALUE", "").upper()
        zone_name = params.get("TZID")
        if kind == "DATE" or (not kind and len(raw) == 8):
            day = _DATE.fullmatch(raw)
            if day is None or zone_name is not None:
                return None
            try:
                return dt.date(int(day[1]), int(day[2]), int(day[3]))
            except ValueError:
                return None
        if kind not in ("", "DATE-TIME"):
            return None
        at = _DATE_TIME.fullmatch(raw)
        if at is None:
            return None
        zone: dt.tzinfo | None = dt.UTC if at[7] else None
        if zone_name is not None:
            if at[7]:
                return None
            zone = self._zone(zone_name)
            if zone is None:
                return None
        try:
            year, month, mday, hour, minute, second = (int(at[i]) for i in range(1, 7))
            return dt.datetime(year, month, mday, hour, minute, second, tzinfo=zone)
        except ValueError:
            return None

    def _zone(self, name: str) -> ZoneInfo | None:
        """The IANA zone `name` (icalendar's choice too, over a VTIMEZONE of the file)."""
        if name not in self.zones:
            try:
                self.zones[name] = ZoneInfo(name) if "/" in name or name == "UTC" else None
            except Exception:  # not a zone this machine knows: the file's VTIMEZONE
                self.zones[name] = None
        return self.zones[name]


def _unquoted(value: str) -> str:
    if len(value) > 1 and value[0] == value[-1] == '"' and '"' not in value[1:-1]:
        value = value[1:-1]
    if "^" in value:  # RFC 6868
        value = value.replace("^n", "\n").replace("^'", '"').replace("^^", "^")
    return value


def _unescaped(match: re.Match[str]) -> str:
    char = match.group(1)
    return _ESCAPES.get(char, "\\" + char)


def _logical(physical: Iterable[str]) -> Iterator[tuple[int, Numbered, str]]:
    """(number of its first line, its physical lines numbered, its text unfolded) of
    each content line (RFC 5545 §3.1: a line starting with a space or tab continues)."""
    lines: Numbered = []
    for number, line in enumerate(physical, start=1):
        if line[:1] in (" ", "\t") and lines:
            lines.append((number, line))
            continue
        if lines:
            yield lines[0][0], lines, lines[0][1] + "".join(x[1:] for _, x in lines[1:])
        lines = [(number, line)]
    if lines:
        yield lines[0][0], lines, lines[0][1] + "".join(x[1:] for _, x in lines[1:])


def _batch(
    batch: _Batch, read: _Read, local_until: dt.datetime, until: dt.datetime, tz: ZoneInfo
) -> Iterator[MeetingRecord | Skipped]:
    """The records of one batch of events (see `parse`)."""
    import icalendar

    numbered = batch.numbered()
    try:
        calendar = icalendar.Calendar.from_ical("\r\n".join(t for _, t in numbered) + "\r\n")
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError…
        line, reason = _unreadable(numbered)
        raise ImportFailed(
            f"unreadable iCalendar data: {reason}", line=line, source=read.source
        ) from exc
    lines: dict[str, int] = {}
    for block in batch.events:
        if block.uid:  # the first event of each UID (none for those without)
            lines.setdefault(block.uid, block.lines[0][0])
    read.lines = lines
    recurring: set[str] = set()
    for event in calendar.walk("VEVENT"):
        _keep_first(event)
        if any(k in event for k in ("RRULE", "RDATE", "RECURRENCE-ID")):
            recurring.add(str(event.get("UID", "")))
        if "DTSTART" not in event:
            uid = str(event.get("UID", ""))
            yield Skipped(lines.get(uid), f"event {uid or '(no UID)'} has no readable start")
    # the expansion cannot take an event without a start: leave those out of it
    calendar.subcomponents = [
        c for c in calendar.subcomponents if c.name != "VEVENT" or "DTSTART" in c
    ]
    for found in read.occurrences(calendar, local_until):
        if isinstance(found, Skipped):
            yield found
            continue
        try:
            record = _meeting(found, tz, recurring, lines)
        except Exception as exc:  # a value of a kind the libraries did not expect
            uid = str(found.get("UID", "")).strip()
            raise ImportFailed(
                f"cannot read the {_describe(found)}: one of its values is malformed",
                line=lines.get(uid),
                source=read.source,
            ) from exc
        if isinstance(record, Skipped) or record.starts_at < until:
            read.meetings += isinstance(record, MeetingRecord)
            yield record


# RFC 5545 §3.6.1: in a VEVENT these "MUST NOT occur more than once". Real files repeat
# them anyway (icalendar's own pacific_fiji.ics has two DTSTART lines); the parser then
# gives a list where one value is expected, so the first one stands, as clients read it.
_ONCE = (
    "UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "SEQUENCE", "STATUS",
    "SUMMARY", "DESCRIPTION", "LOCATION", "ORGANIZER", "URL", "X-GOOGLE-CONFERENCE",
)  # fmt: skip


def _keep_first(event: Any) -> None:
    for key in _ONCE:
        value = event.get(key)
        if isinstance(value, list) and value:
            event[key] = value[0]


class _Read:
    """The expansion of one file's series, under its caps and its time budget."""

    def __init__(self, budget: Budget, source: str, lines: dict[str, int]) -> None:
        self.budget = budget
        self.source = source
        self.lines = lines
        self.meetings = 0  # MeetingRecords yielded
        self.expanded = 0  # occurrences expanded, for MAX_MEETINGS
        self.over_cap: list[Skipped] = []

    def occurrences(self, calendar: Any, local_until: dt.datetime) -> Iterator[Any | Skipped]:
        """Each occurrence (a VEVENT) in the window, series by series, so that a series
        over the cap is left out (a Skipped naming it) before it is expanded, and a
        series the libraries cannot expand is named in the ImportFailed."""
        import recurring_ical_events

        events: dict[str, Any] = {}
        for event in calendar.walk("VEVENT"):
            events.setdefault(str(event.get("UID", "")), event)
        try:
            query = recurring_ical_events.of(calendar, skip_bad_series=True)
        except Exception as exc:  # a series the library could not even collect
            raise ImportFailed(
                "cannot expand the events: a date or repeat rule cannot be read",
                source=self.source,
            ) from exc
        suppressed = tuple(query.suppressed_errors)
        for series in query.series:
            event = events.get(str(series.uid))
            line = self.lines.get(str(series.uid).strip())
            try:
                left_out = self._bound(series, local_until, line)
                if left_out:
                    skipped = Skipped(line, f"the {_describe(event)} {left_out}: left out")
                    self.over_cap.append(skipped)
                    yield skipped
                    continue
                found = list(series.between(WINDOW_START, local_until))
            except suppressed:  # a broken series the library skips (skip_bad_series)
                continue
            except ImportFailed:
                raise
            except Exception as exc:  # a broken series the library could not skip
                raise ImportFailed(
                    f"cannot expand the {_describe(event)}: "
                    "its dates or repeat rule cannot be read",
                    line=line,
                    source=self.source,
                ) from exc
            for occurrence in found:
                self.budget.check(line, self.source)
                self.expanded += 1
                if self.expanded > MAX_MEETINGS:
                    raise ImportFailed(
                        f"more than {MAX_MEETINGS:,} meetings up to now in one calendar, "
                        "the most one import takes: nothing imported",
                        source=self.source,
                    )
                yield occurrence.as_component(False)

    def _bound(self, series: Any, local_until: dt.datetime, line: int | None) -> str | None:
        """Why the series is left out (more starts up to now than the cap, or a rule
        that takes too long to give them), else None and the series' rules replaced
        by the starts found, so the expansion never runs a rule again."""
        from dateutil.rrule import rruleset
        from recurring_ical_events.util import convert_to_datetime

        recurrence = series.recurrence
        rules = getattr(recurrence, "rrules", [])  # none for lone moved occurrences
        if not rules:
            return None
        stop = convert_to_datetime(local_until, recurrence.tzinfo)
        starts: set[Any] = set()  # a start given by two rules (DTSTART by all) counts once
        try:
            with self.budget.cap(MAX_SERIES_CALLS):
                for rule in rules:
                    for start in rule:
                        if start > stop:
                            break
                        starts.add(start)
                        if len(starts) > MAX_OCCURRENCES_PER_SERIES:
                            return (
                                f"repeats more than {MAX_OCCURRENCES_PER_SERIES:,} times up to now"
                            )
        except TooSlow:
            return "has a repeat rule too costly to expand (it may match no date at all)"
        found = rruleset()
        # the expansion reads every rule's until, and sets None on its own rule sets
        found.until = None  # type: ignore[attr-defined]
        for start in sorted(starts):
            found.rdate(start)
        recurrence.rrules = [found]
        return None


def _describe(event: Any) -> str:
    """'event "Weekly sync" (UID abc)', for a message."""
    if event is None:
        return "event"
    summary = str(event.get("SUMMARY", "")).strip()
    uid = str(event.get("UID", "")).strip()
    return (
        "event" + (f' "{summary[:60]}"' if summary else "") + (f" (UID {uid[:80]})" if uid else "")
    )


def _unreadable(numbered: Iterable[tuple[int, str]]) -> tuple[int | None, str]:
    """Where icalendar's parser stopped and why, in words: the first content line it
    cannot split into name, parameters and value (folded lines unfolded), or the first
    END without its BEGIN."""
    import icalendar

    logical: list[tuple[int, str]] = []
    for number, line in numbered:
        if line[:1] in (" ", "\t") and logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + line[1:])
        elif line.strip():
            logical.append((number, line))
    open_blocks: list[str] = []
    for number, line in logical:
        try:
            # icalendar leaves Contentline.__new__ without annotations
            content = icalendar.parser.Contentline(line)  # type: ignore[no-untyped-call]
            name, _params, value = content.parts()
        except Exception:  # the parser's way of saying: not a content line
            return number, "this line is not NAME:VALUE"
        if name.upper() == "BEGIN":
            open_blocks.append(value.upper())
        elif name.upper() == "END" and (not open_blocks or open_blocks.pop() != value.upper()):
            return number, f"END:{value} has no matching BEGIN:{value}"
    return None, "the calendar's structure cannot be read"


def _moment(value: Any, tz: ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    # an all-day event: noon local time, like a bare day typed in the CLI
    return dt.datetime.combine(value, dt.time(12, 0), tzinfo=tz)


def _address(prop: Any) -> Address | None:
    value = str(prop)
    email = value[7:] if value.lower().startswith("mailto:") else value
    email = email.strip()
    if not looks_like_email(email):
        return None
    params = getattr(prop, "params", {})
    name = str(params.get("CN", "")).strip().strip('"') or None
    return Address(email, None if name == email else name)


def _attendees(event: Any) -> list[Address]:
    raw = event.get("ATTENDEE", [])
    props = raw if isinstance(raw, list) else [raw]
    found: list[Address] = []
    for prop in props:
        params = getattr(prop, "params", {})
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        address = _address(prop)
        if address is not None:
            found.append(address)
    return found


def _meeting(
    event: Any, tz: ZoneInfo, recurring: set[str], lines: dict[str, int]
) -> MeetingRecord | Skipped:
    uid = str(event.get("UID", "")).strip()
    line = lines.get(uid)
    start = _moment(event.decoded("DTSTART"), tz)
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return Skipped(line, f"cancelled: {event.get('SUMMARY', uid)}", invalid=False)
    summary = str(event.get("SUMMARY", "")).strip()
    if not uid:
        uid = "nouid-" + hashlib.sha1(f"{summary}|{start.isoformat()}".encode()).hexdigest()[:20]
    external_id = uid
    if uid in recurring:
        rid = event.get("RECURRENCE-ID")
        original = _moment(rid.dt, tz) if rid is not None else start
        external_id = f"{uid}/{original.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}"
    organizer = _address(event["ORGANIZER"]) if "ORGANIZER" in event else None
    location = str(event.get("LOCATION", "")).strip() or None
    description = str(event.get("DESCRIPTION", "")).strip() or None
    conference = " ".join(
        str(event.get(k, "")) for k in ("LOCATION", "DESCRIPTION", "URL", "X-GOOGLE-CONFERENCE")
    )
    return MeetingRecord(
        line=line,
        external_id=external_id[:480],
        summary=summary[:500],
        starts_at=start,
        kind="video" if _VIDEO.search(conference) else "meeting",
        organizer=organizer,
        attendees=_attendees(event),
        location=location,
        description=description[:MAX_NOTES] if description else None,
    )


def guess_own(meetings: Iterable[MeetingRecord]) -> str | None:
    """The address in at least half of the meetings (as organizer or attendee), when
    there are two or more: the calendar owner's."""
    counts: dict[str, int] = {}
    total = 0
    for m in meetings:
        total += 1
        keys = {a.key for a in m.attendees} | ({m.organizer.key} if m.organizer else set())
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    if total < 2 or not counts:
        return None
    address, seen = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return address if seen * 2 >= total else None


# --- the agenda feed ----------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    """One all-day entry of the agenda feed. A yearly one repeats from `day`; given
    Feb 29 (a leap year's), it repeats on the last day of February."""

    uid: str
    day: dt.date
    summary: str
    description: str | None = None
    yearly: bool = False


def write_feed(items: Iterable[FeedItem], stream: TextIO, *, name: str, stamp: dt.datetime) -> int:
    """An iCalendar feed a calendar app can subscribe to; returns the event count."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rapport//agenda feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    count = 0
    for item in items:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        if item.yearly and (item.day.month, item.day.day) == (2, 29):
            # A plain FREQ=YEARLY from a 29 February shows it once in four years: RFC 5545
            # §3.3.10 drops the invalid dates. The last day of February is the 29th in leap
            # years and the 28th, the day the agenda keeps it, in common years.
            event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
        elif item.yearly:
            event.add("rrule", {"freq": "yearly"})
        calendar.add_component(event)
        count += 1
    stream.write(calendar.to_ical().decode("utf-8"))
    return count


def next_start(source: Source, after: dt.datetime, tz: ZoneInfo) -> dt.datetime | None:
    """The first start later than `after` (aware) of any event in the calendar, series
    expanded lazily (a calendar sync asks when an event will next matter); None when
    there is none, or the calendar cannot be read."""
    import icalendar
    import recurring_ical_events

    try:
        text = decode(read_bytes(source), source_name(source))
        calendar = icalendar.Calendar.from_ical(text)
        local = after.astimezone(tz).replace(tzinfo=None)
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        for n, event in enumerate(query.after(local)):
            if n >= 50:  # occurrences come in order: the first later start is among these
                break
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            start = _moment(event.decoded("DTSTART"), tz)
            if start > after:
                return start
    except Exception:  # an unreadable event has no next start the sync can use
        return None
    return None
