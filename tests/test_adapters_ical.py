"""iCalendar in (meetings) and out (the agenda feed), without a database."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.adapters import ical
from rapport.adapters.records import MeetingRecord, Skipped
from rapport.errors import ImportFailed

SAMPLES = Path(__file__).parent / "samples"
LISBON = ZoneInfo("Europe/Lisbon")
UNTIL = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _parse(name: str, until: dt.datetime = UNTIL) -> list[MeetingRecord | Skipped]:
    return list(ical.parse(SAMPLES / name, until=until, tz=LISBON))


def _meetings(items: list[MeetingRecord | Skipped]) -> list[MeetingRecord]:
    return [i for i in items if isinstance(i, MeetingRecord)]


def test_google_calendar_export() -> None:
    items = _parse("google-calendar.ics")
    meetings = _meetings(items)
    weekly = [m for m in meetings if m.external_id.startswith("weekly-1on1-ana")]
    # Tuesdays from Oct 13 to Nov 17: Oct 20 excluded, Nov 3 moved, Nov 10 cancelled
    assert [m.starts_at.astimezone(LISBON).strftime("%m-%d %H:%M") for m in weekly] == [
        "10-13 10:00", "10-27 10:00", "11-03 14:00", "11-17 10:00",
    ]  # fmt: skip
    # 10:00 in Lisbon is 09:00 UTC in summer time, 10:00 UTC after it ends (Oct 25)
    assert weekly[0].starts_at.astimezone(dt.UTC).hour == 9
    assert weekly[1].starts_at.astimezone(dt.UTC).hour == 10
    assert len({m.external_id for m in weekly}) == 4  # one id per occurrence
    assert weekly[0].kind == "video"  # a Meet link
    assert [a.email for a in weekly[0].attendees] == ["ana@acme.com", "sam@example.com"]  # no room
    review = next(m for m in meetings if m.external_id == "pricing-review-77@globex.io")
    assert review.kind == "video"  # a Zoom link in the description
    assert "carla@initech.example" not in {a.email for a in review.attendees}  # declined
    assert review.organizer is not None and review.organizer.name == "Bruno Souza"
    allday = next(m for m in meetings if m.external_id == "websummit-2026@example.com")
    assert allday.starts_at == dt.datetime(2026, 11, 16, 12, 0, tzinfo=LISBON)
    dinner = next(m for m in meetings if m.external_id == "dinner-floating@example.com")
    assert dinner.starts_at == dt.datetime(2026, 11, 18, 19, 30, tzinfo=LISBON)  # floating
    assert "future-planning@example.com" not in {m.external_id for m in meetings}
    cancelled = [s for s in items if isinstance(s, Skipped)]
    assert {s.reason for s in cancelled} == {
        "cancelled: 1:1 Ana / Sam",
        "cancelled: Coffee with Ana",
    }
    assert not any(s.invalid for s in cancelled)


def test_recurring_events_expand_only_up_to_now() -> None:
    early = _parse("google-calendar.ics", until=dt.datetime(2026, 10, 28, tzinfo=dt.UTC))
    assert len([m for m in _meetings(early) if m.external_id.startswith("weekly")]) == 2


def test_real_icalendar_test_calendars() -> None:
    (bb,) = _parse("real/icalendar-property_params.ics")
    assert isinstance(bb, MeetingRecord)
    assert bb.organizer is not None and bb.organizer.email == "rembrand@daxlab.com"
    assert [a.name for a in bb.attendees] == ["RembrandXS", "RembrandDX", "RembrandSB"]
    (sprint,) = _parse("real/icalendar-timezoned.ics")
    assert isinstance(sprint, MeetingRecord)
    assert sprint.starts_at.utcoffset() == dt.timedelta(hours=1)  # Vienna in February
    (custom,) = _parse("real/icalendar-america_new_york.ics")
    assert isinstance(custom, MeetingRecord)
    assert custom.starts_at.utcoffset() == dt.timedelta(hours=-4)  # a VTIMEZONE of its own
    (broken,) = _parse("real/icalendar-broken_ical.ics")
    assert broken == Skipped(2, "event abc has no readable start")
    with pytest.raises(ImportFailed, match="truncated"):
        _parse("real/icalendar-big_bad_calendar.ics")


def test_an_event_with_two_starts_imports_with_the_first() -> None:
    # icalendar's own test calendar: a custom VTIMEZONE with several RDATE lines and an
    # event with two DTSTART lines (RFC 5545 allows one), which made the expansion fail
    # with "'list' object has no attribute 'dt'"
    (fiji,) = _parse("real/icalendar-pacific_fiji.ics")
    assert isinstance(fiji, MeetingRecord)
    assert fiji.line == 46 and fiji.summary == "an event with a custom tz name"
    assert fiji.starts_at.replace(tzinfo=None) == dt.datetime(2014, 8, 29, 8, 0)
    assert fiji.starts_at.utcoffset() == dt.timedelta(hours=12)  # Fiji, no summer time then


SEVERAL_EXDATE_RDATE = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Rapport tests//EN
BEGIN:VEVENT
UID:standup@example.com
SUMMARY:Stand-up with Ana
DTSTART;TZID=Europe/Lisbon:20261102T093000
RRULE:FREQ=DAILY;COUNT=7
EXDATE;TZID=Europe/Lisbon:20261103T093000
EXDATE;TZID=Europe/Lisbon:20261105T093000,20261106T093000
RDATE;TZID=Europe/Lisbon:20261114T110000
RDATE;TZID=Europe/Lisbon:20261115T110000,20261116T110000
ATTENDEE:mailto:ana@acme.com
END:VEVENT
END:VCALENDAR
"""


def test_several_exdate_and_rdate_lines_all_count() -> None:
    meetings = _meetings(list(ical.parse(SEVERAL_EXDATE_RDATE, until=UNTIL, tz=LISBON)))
    assert sorted(m.starts_at.strftime("%m-%d %H:%M") for m in meetings) == [
        "11-02 09:30", "11-04 09:30", "11-07 09:30", "11-08 09:30",
        "11-14 11:00", "11-15 11:00", "11-16 11:00",
    ]  # fmt: skip
    assert len({m.external_id for m in meetings}) == 7


def test_a_library_failure_in_the_expansion_names_the_event(monkeypatch) -> None:
    from recurring_ical_events.series import Series

    real_between = Series.between

    def failing(self, start, stop):
        if str(self.uid) == "standup@example.com":
            raise AttributeError("'list' object has no attribute 'dt'")  # as the library did
        return real_between(self, start, stop)

    monkeypatch.setattr(Series, "between", failing)
    data = SEVERAL_EXDATE_RDATE.replace(
        b"END:VCALENDAR",
        b"BEGIN:VEVENT\nUID:other\nDTSTART:20261101T100000Z\nEND:VEVENT\nEND:VCALENDAR",
    )
    with pytest.raises(ImportFailed) as caught:
        list(ical.parse(data, until=UNTIL, tz=LISBON))
    assert str(caught.value) == (
        '<data>:4: cannot expand the event "Stand-up with Ana" (UID standup@example.com): '
        "its dates or repeat rule cannot be read"
    )
    assert caught.value.line == 4 and "\n" not in str(caught.value)


def test_a_library_failure_reading_an_occurrence_names_the_event(monkeypatch) -> None:
    def broken(prop):
        raise TypeError("'vCalAddress' object is not subscriptable")  # a library surprise

    monkeypatch.setattr(ical, "_address", broken)
    data = (SAMPLES / "google-calendar.ics").read_bytes()
    with pytest.raises(
        ImportFailed, match=r"^<data>:\d+: cannot read the event .*(UID .*): one of"
    ):
        list(ical.parse(data, until=UNTIL, tz=LISBON))


def test_a_calendar_the_parser_rejects_names_the_line() -> None:
    with pytest.raises(ImportFailed) as caught:
        list(
            ical.parse(
                b"BEGIN:VCALENDAR\nUID:x\nEND:VEVENT\nEND:VCALENDAR\n", until=UNTIL, tz=LISBON
            )
        )
    assert str(caught.value) == (
        "<data>:3: unreadable iCalendar data: END:VEVENT has no matching BEGIN:VEVENT"
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"BEGIN:VCARD\nEND:VCARD\n", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n", "truncated"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary data"),
    ],
)
def test_not_a_calendar(data: bytes, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason):
        list(ical.parse(data, until=UNTIL, tz=LISBON))


def test_guess_own_address() -> None:
    meetings = _meetings(_parse("google-calendar.ics"))
    assert ical.guess_own(meetings) == "sam@example.com"


def test_feed_is_readable_by_icalendar() -> None:
    import icalendar

    items = [
        ical.FeedItem("m-1@rapport", dt.date(1988, 11, 25), "Ana Lima's birthday", yearly=True),
        ical.FeedItem("m-2@rapport", dt.date(2000, 2, 29), "Leap birthday", yearly=True),
        ical.FeedItem("p-1@rapport", dt.date(2026, 11, 27), "Promised Ana: the proposal"),
    ]
    out = io.StringIO()
    assert (
        ical.write_feed(items, out, name="Rapport", stamp=dt.datetime(2026, 11, 23, tzinfo=dt.UTC))
        == 3
    )
    calendar = icalendar.Calendar.from_ical(out.getvalue())
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == [i.summary for i in items]
    assert events[0]["RRULE"]["FREQ"] == ["YEARLY"]
    assert events[1]["RRULE"]["BYMONTHDAY"] == [-1]  # Feb 28 in common years
    assert "RRULE" not in events[2]
    assert events[2].decoded("DTSTART") == dt.date(2026, 11, 27)


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=300)
    | st.text(max_size=300).map(lambda t: ("BEGIN:VCALENDAR\nBEGIN:VEVENT\n" + t).encode())
    | st.lists(
        st.sampled_from(
            [
                "UID:a",
                "DTSTART:20260101T100000Z",
                "DTSTART;VALUE=DATE:2026",
                "RRULE:FREQ=DAILY",
                "RRULE:FREQ=WEEKLY;COUNT=x",
                "STATUS:CANCELLED",
                "ATTENDEE:mailto:a@b.c",
                'ORGANIZER;CN="x:mailto:',
                "RECURRENCE-ID:20260102T100000Z",
                "EXDATE:nope",
                "DTEND:20251231T000000Z",
                "DURATION:P1D",
                "SUMMARY:x",
                "BEGIN:VALARM",
            ]
        ),
        max_size=8,
    ).map(
        lambda lines: "\n".join(
            ["BEGIN:VCALENDAR", "BEGIN:VEVENT", *lines, "END:VEVENT", "END:VCALENDAR"]
        ).encode()
    )
)
def test_any_bytes_give_records_or_import_failed(data: bytes) -> None:
    try:
        for item in ical.parse(data, until=UNTIL, tz=LISBON):
            assert isinstance(item, MeetingRecord | Skipped)
    except ImportFailed:
        pass
