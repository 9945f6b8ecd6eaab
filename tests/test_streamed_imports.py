"""Imports read as streams (issue 20): the .ics splitter and its quick reader of plain
events, the JSON backup read line by line, and a failure part-way through a file
leaving the database as it was."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from rapport.adapters import backup as backup_file
from rapport.adapters import ical
from rapport.adapters.records import MeetingRecord, Skipped
from rapport.errors import ImportFailed
from rapport.services import backup, imports, people
from rapport.services.context import Rapport
from rapport.settings import Settings
from rapport.storage.schema import Interaction, Person
from tests.conftest import TODAY

UNTIL = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
LISBON = ZoneInfo("Europe/Lisbon")
LISBON_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Lisbon
BEGIN:STANDARD
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
END:DAYLIGHT
END:VTIMEZONE"""


def _records(data: bytes, quick: bool = True) -> list[MeetingRecord | Skipped]:
    """The records of `data`, plain events read by the quick reader or, with
    quick=False, all by icalendar and recurring-ical-events. The quick reader names
    each event's own line, icalendar's records the first event of their UID: where a
    UID is repeated, lines are left out here."""
    with pytest.MonkeyPatch.context() as patch:
        if not quick:
            patch.setattr(ical._Quick, "read_event", lambda self, event: False)
        found = list(ical.parse(data, until=UNTIL, tz=LISBON))
    text = data.decode()
    for record in found:
        uid = getattr(record, "external_id", "").split("/")[0]
        if isinstance(record, MeetingRecord) and text.count(f"UID:{uid}\r") > 1:
            record.line = None
    return sorted(found, key=lambda r: (getattr(r, "external_id", ""), r.line or 0, repr(r)))


def _calendar(*events: str, timezone: bool = True) -> bytes:
    parts = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//EN"]
    parts += [LISBON_VTIMEZONE] if timezone else []
    return ("\r\n".join([*parts, *events, "END:VCALENDAR"]) + "\r\n").encode()


STARTS = st.sampled_from(
    [
        "DTSTART:20260310T093000Z",
        "DTSTART:20260310T093000",  # floating: the user's zone
        "DTSTART;TZID=Europe/Lisbon:20260701T100000",
        "DTSTART;TZID=America/New_York:20260105T080000",
        "DTSTART;VALUE=DATE:20260412",
        "DTSTART:20260412",
        "DTSTART;TZID=Custom Zone:20260701T100000",  # no such zone: icalendar's
        "DTSTART:19691231T230000Z",  # at the window's start: icalendar's
        "DTSTART:20261123T110000Z",  # an hour before now: icalendar's
        "DTSTART:20261224T100000Z",  # after now: not imported
        "DTSTART:2026031T093000Z",  # malformed
    ]
)
OTHERS = st.sampled_from(
    [
        "SUMMARY:Lunch\\, then a walk\\; with Ana\\nand Sam",
        "SUMMARY:Review \\\\ notes",
        "SUMMARY;LANGUAGE=pt:Almoço",
        "LOCATION:https://zoom.us/j/1",
        "DESCRIPTION:Agenda: pricing",
        "STATUS:CANCELLED",
        "STATUS:CONFIRMED",
        "ORGANIZER;CN=Bruno Souza:mailto:bruno@globex.io",
        'ORGANIZER;CN="Souza, Bruno":mailto:bruno@globex.io',
        'ATTENDEE;CN="Ana Lima";PARTSTAT=ACCEPTED:mailto:ana@acme.com',
        "ATTENDEE;CN=Carla;PARTSTAT=DECLINED:mailto:carla@initech.example",
        "ATTENDEE;CUTYPE=ROOM;CN=Room 1:mailto:room1@acme.com",
        "ATTENDEE:mailto:sam@example.com",
        "ATTENDEE;CN=Zoë ^'Z^':MAILTO:zoe@example.com",
        "DTEND:20260310T103000Z",
        "DTEND;VALUE=DATE:20260413",
        "DURATION:PT1H",
        "URL:https://meet.google.com/abc",
        "X-GOOGLE-CONFERENCE:https://meet.google.com/xyz",
        "SEQUENCE:2",
        "BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM",
        "NOT A CONTENT LINE",
        "SUMMARY:a folded summary that goes on past seventy-five octets\r\n  to the next line",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=st.lists(
        st.tuples(st.booleans(), STARTS, st.lists(OTHERS, max_size=6)), min_size=1, max_size=4
    )
)
def test_the_quick_reader_reads_plain_events_as_icalendar_does(
    events: list[tuple[bool, str, list[str]]],
) -> None:
    """Events of distinct UIDs (RFC 5545 wants them unique; two plain events of one
    UID are both read by the quick reader, and the import keeps the first, saying
    the other is repeated in the file, where recurring-ical-events kept one)."""
    blocks = []
    for n, (with_uid, start, others) in enumerate(events):
        uid = [f"UID:event-{n}@example.com"] if with_uid or len(events) > 1 else []
        blocks.append("\r\n".join(["BEGIN:VEVENT", *uid, start, *others, "END:VEVENT"]))
    data = _calendar(*blocks)
    try:
        quick: list[MeetingRecord | Skipped] | str = _records(data)
    except ImportFailed as exc:
        quick = str(exc)
    try:
        slow: list[MeetingRecord | Skipped] | str = _records(data, quick=False)
    except ImportFailed as exc:
        slow = str(exc)
    assert quick == slow


def test_the_quick_reader_agrees_on_a_generated_calendar() -> None:
    events = []
    for n in range(300):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=n * 2)
        start = (
            f"DTSTART;TZID=Europe/Lisbon:{day:%Y%m%d}T100000"
            if n % 3
            else f"DTSTART:{day:%Y%m%d}T100000Z"
        )
        rule = ["RRULE:FREQ=WEEKLY;COUNT=3"] if n % 10 == 0 else []
        events.append(
            "\r\n".join(
                [
                    "BEGIN:VEVENT",
                    f"UID:e{n}",
                    start,
                    *rule,
                    f"SUMMARY:Call {n}",
                    f'ATTENDEE;CN="Person {n % 7}":mailto:p{n % 7}@example.com',
                    "END:VEVENT",
                ]
            )
        )
    data = _calendar(*events)
    quick = _records(data)
    assert quick == _records(data, quick=False)
    assert len([r for r in quick if isinstance(r, MeetingRecord)]) > 300  # series expanded


def test_a_series_listed_apart_from_its_moved_occurrence_is_read_whole() -> None:
    """A moved occurrence (RECURRENCE-ID) far from its series in the file still moves
    it: series wait for the end of their calendar, past any batch of plain events."""
    plain = [
        f"BEGIN:VEVENT\r\nUID:p{n}\r\nDTSTART:20260{1 + n % 9}01T100000Z\r\n"
        f"ATTENDEE:mailto:a@example.com\r\nEND:VEVENT"
        for n in range(ical.BATCH + 10)
    ]
    series = (
        "BEGIN:VEVENT\r\nUID:weekly\r\nDTSTART:20261005T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
        "SUMMARY:1:1\r\nATTENDEE:mailto:a@example.com\r\nEND:VEVENT"
    )
    moved = (
        "BEGIN:VEVENT\r\nUID:weekly\r\nRECURRENCE-ID:20261012T090000Z\r\n"
        "DTSTART:20261013T150000Z\r\nSUMMARY:1:1 (moved)\r\nATTENDEE:mailto:a@example.com\r\n"
        "END:VEVENT"
    )
    records = _records(_calendar(series, *plain, moved))
    weekly = [r for r in records if isinstance(r, MeetingRecord) and r.summary.startswith("1:1")]
    assert sorted(r.starts_at.strftime("%m-%d %H:%M") for r in weekly) == [
        "10-05 09:00", "10-13 15:00", "10-19 09:00",
    ]  # fmt: skip


def test_a_broken_line_far_into_a_calendar_is_named_by_its_line() -> None:
    events = [
        f"BEGIN:VEVENT\r\nUID:e{n}\r\nDTSTART:20260301T100000Z\r\nEND:VEVENT" for n in range(1000)
    ]
    text = _calendar(*events[:700], "THIS IS NOT A CONTENT LINE", *events[700:], timezone=False)
    number = text.decode().split("\r\n").index("THIS IS NOT A CONTENT LINE") + 1
    with pytest.raises(ImportFailed) as caught:
        list(ical.parse(text, until=UNTIL, tz=LISBON))
    assert caught.value.line == number
    assert "this line is not NAME:VALUE" in str(caught.value)


def test_a_calendar_is_read_from_a_stream_in_utf16() -> None:
    text = _calendar("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260301T100000Z\r\nSUMMARY:Almoço\r\n"
                     "ATTENDEE:mailto:a@example.com\r\nEND:VEVENT").decode()  # fmt: skip
    stream = io.BytesIO(text.encode("utf-16"))
    (record,) = list(ical.parse(stream, until=UNTIL, tz=LISBON))
    assert isinstance(record, MeetingRecord) and record.summary == "Almoço"


# --- the backup, line by line -------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=100, deadline=None)
@given(
    tables=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.lists(st.lists(VALUES, min_size=2, max_size=2), max_size=4),
        ),
        max_size=3,
        unique_by=lambda table: table[0],
    )
)
def test_a_backup_written_is_streamed_back_as_parsed(tables: list) -> None:
    out = io.StringIO()
    backup_file.write({"schema": "x"}, [(n, ["p", "q"], rows) for n, rows in tables], out)
    data = out.getvalue().encode()
    whole = json.loads(data)
    with backup_file.stream(data) as streamed:
        read = [(t.name, t.columns, list(t.rows)) for t in streamed.tables]
    expected = [(n, tuple(t["columns"]), t["rows"]) for n, t in whole["tables"].items()]
    with backup_file.stream(data.replace(b"\n", b"\r\n")) as streamed:  # line ends of Windows
        assert [(t.name, t.columns, list(t.rows)) for t in streamed.tables] == read
    # the values as they are read whole, cleaned (control characters go) the same way
    cleaned = backup_file.parse(json.dumps(whole).encode())
    assert read == [(t.name, t.columns, t.rows) for t in cleaned.tables.values()]
    assert [(n, c, len(r)) for n, c, r in read] == [(n, c, len(r)) for n, c, r in expected]
    pretty = json.dumps(whole, indent=2).encode()  # another layout: read whole, same rows
    with backup_file.stream(pretty) as streamed:
        assert [(t.name, t.columns, list(t.rows)) for t in streamed.tables] == read


def test_a_truncated_backup_fails_in_words() -> None:
    out = io.StringIO()
    backup_file.write({}, [("person", ["id"], [[1], [2], [3]])], out)
    cut = out.getvalue().encode()[:-12]

    def read() -> None:
        with backup_file.stream(cut) as streamed:
            for table in streamed.tables:
                list(table.rows)

    with pytest.raises(ImportFailed, match="truncated"):
        read()


# --- a failure part-way leaves the database as it was -------------------------------


def _count(ctx, model) -> int:
    return int(ctx.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_backup_failing_in_its_last_table_restores_nothing(
    open_ctx,
    sqlite_template: Path,
    tmp_path: Path,
) -> None:
    source = tmp_path / "source.db"
    shutil.copy(sqlite_template, source)
    app = Rapport(Settings(database_url=f"sqlite:///{source}", data_dir=tmp_path))
    try:
        with app.open(write=True, today=TODAY) as ctx:
            people.add(ctx, {"full_name": "Ana Lima", "emails": ["ana@acme.com"]})
        with app.open(today=TODAY) as ctx:
            out = io.StringIO()
            backup.export(ctx, out)
    finally:
        app.dispose()
    lines = out.getvalue().splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith('"'))
    lines[last] = lines[last].replace('"columns": [', '"columns": ["no_such_column", ', 1)
    broken = ("\n".join(lines) + "\n").encode()
    with pytest.raises(ImportFailed, match="unknown columns"), open_ctx(write=True) as ctx:
        imports.run(ctx, broken, imports.ImportOptions(format="backup"))
    with open_ctx() as ctx:
        assert _count(ctx, Person) == 0
    with open_ctx(write=True) as ctx:  # the file as written restores
        imports.run(ctx, out.getvalue().encode(), imports.ImportOptions(format="backup"))
    with open_ctx() as ctx:
        assert _count(ctx, Person) == 1


def test_a_calendar_truncated_after_many_events_imports_nothing(open_ctx) -> None:
    with open_ctx(write=True) as ctx:
        people.add(ctx, {"full_name": "Ana Lima", "emails": ["ana@acme.com"]})
    events = [
        f"BEGIN:VEVENT\r\nUID:e{n}\r\nDTSTART:20260301T100000Z\r\n"
        f"ATTENDEE:mailto:ana@acme.com\r\nEND:VEVENT"
        for n in range(ical.BATCH * 2)
    ]
    cut = _calendar(*events).removesuffix(b"END:VCALENDAR\r\n")
    with pytest.raises(ImportFailed, match="truncated"), open_ctx(write=True) as ctx:
        imports.run(ctx, cut, imports.ImportOptions(format="ics", me=["me@example.com"]))
    with open_ctx() as ctx:
        assert _count(ctx, Interaction) == 0
