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
from rapport.adapters.text import Source, decode, read_bytes, source_name
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
    parsing libraries raise on a file becomes ImportFailed naming the event and line."""
    import icalendar

    budget = budget or Budget()
    name = source_name(source)
    text = decode(read_bytes(source), name)
    if "BEGIN:VCALENDAR" not in text.upper():
        raise ImportFailed("not an iCalendar file (no BEGIN:VCALENDAR)", source=name)
    upper = text.upper()
    if upper.count("BEGIN:VCALENDAR") > upper.count("END:VCALENDAR"):
        raise ImportFailed("the file ends inside a calendar (truncated?)", source=name)
    _check_nesting(text, name)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError…
        line, reason = _unreadable(text)
        raise ImportFailed(f"unreadable iCalendar data: {reason}", line=line, source=name) from exc
    if not calendars:
        raise ImportFailed("no calendar in the file", source=name)
    lines = _uid_lines(text)
    local_until = until.astimezone(tz).replace(tzinfo=None)
    read = _Read(budget, name, lines)
    for calendar in calendars:
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
                    source=name,
                ) from exc
            if isinstance(record, Skipped) or record.starts_at < until:
                read.meetings += isinstance(record, MeetingRecord)
                yield record
    if read.over_cap and not read.meetings:
        first = read.over_cap[0]
        raise ImportFailed(
            first.reason.replace("left out", "nothing else to import"), first.line, name
        )


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


def _check_nesting(text: str, source: str) -> None:
    """ImportFailed when components nest deeper than MAX_NESTING (the parser and
    walk() recurse once per level)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        head = line[:6].upper()
        if head == "BEGIN:":
            depth += 1
            if depth > MAX_NESTING:
                raise ImportFailed(
                    f"components nested more than {MAX_NESTING} deep", line=number, source=source
                )
        elif head.startswith("END:"):
            depth = max(depth - 1, 0)


def _describe(event: Any) -> str:
    """'event "Weekly sync" (UID abc)', for a message."""
    if event is None:
        return "event"
    summary = str(event.get("SUMMARY", "")).strip()
    uid = str(event.get("UID", "")).strip()
    return (
        "event" + (f' "{summary[:60]}"' if summary else "") + (f" (UID {uid[:80]})" if uid else "")
    )


def _unreadable(text: str) -> tuple[int | None, str]:
    """Where icalendar's parser stopped and why, in words: the first content line it
    cannot split into name, parameters and value (folded lines unfolded), or the first
    END without its BEGIN."""
    import icalendar

    logical: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
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


def _uid_lines(text: str) -> dict[str, int]:
    """The line of the BEGIN:VEVENT of each UID (first one when repeated)."""
    found: dict[str, int] = {}
    begin = 0
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        upper = line.upper()
        if upper.startswith("BEGIN:VEVENT"):
            begin = number
        elif upper.startswith("UID"):
            value = line.split(":", 1)[-1]
            # unfold, reading on from the next line in place: a slice of the rest of
            # the file per UID made a 240,000-event calendar quadratic (25 minutes)
            at = number
            while at < len(lines) and lines[at][:1] in (" ", "\t"):
                value += lines[at][1:]
                at += 1
            found.setdefault(value.strip(), begin or number)
    return found


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
