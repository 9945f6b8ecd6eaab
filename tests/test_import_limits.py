"""Hostile files: every importer stops at its caps (adapters/limits.py) and says so in
one sentence; any bytes give records or ImportFailed, never another exception."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.adapters import backup, csv_contacts, ical, mail, vcard
from rapport.adapters.limits import MAX_OCCURRENCES_PER_SERIES, Budget
from rapport.adapters.records import MeetingRecord, Skipped
from rapport.errors import ImportFailed
from tests.cli_runner import Cli
from tests.conftest import TODAY

UNTIL = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
UTC = ZoneInfo("UTC")
# what reading one of these files may hold at its peak (Python allocations)
MEMORY_BUDGET = 64 * 1024 * 1024


def _event(uid: str, start: str, rule: str | None = None, summary: str = "Bomb") -> str:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTART:{start}", f"SUMMARY:{summary}"]
    lines += [f"RRULE:{rule}"] if rule else []
    lines += ["ATTENDEE:mailto:ana@example.com", "END:VEVENT"]
    return "\n".join(lines) + "\n"


def _calendar(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\nVERSION:2.0\n" + "".join(events) + "END:VCALENDAR\n").encode()


# the 203-byte calendar of the report: an event every second since 1900
BOMB = _calendar(_event("bomb", "19000101T000000Z", "FREQ=SECONDLY"))


def _peak(read: Callable[[], Any]) -> tuple[Any, int]:
    """What `read()` returned (or raised) and its peak of Python allocations."""
    tracemalloc.start()
    try:
        try:
            result: Any = read()
        except ImportFailed as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _parse_ics(data: bytes, budget: Budget | None = None) -> list[MeetingRecord | Skipped]:
    return list(ical.parse(data, until=UNTIL, tz=UTC, budget=budget))


# --- 1. recurrence bombs --------------------------------------------------------------


def test_a_calendar_that_is_only_a_bomb_fails_within_its_memory() -> None:
    result, peak = _peak(lambda: _parse_ics(BOMB))
    assert isinstance(result, ImportFailed)
    assert str(result) == (
        '<data>:3: the event "Bomb" (UID bomb) repeats more than '
        f"{MAX_OCCURRENCES_PER_SERIES:,} times up to now: nothing else to import"
    )
    assert peak < MEMORY_BUDGET


def test_an_over_cap_series_is_left_out_and_named_the_rest_imported() -> None:
    data = _calendar(
        _event("bomb", "19000101T000000Z", "FREQ=MINUTELY"),
        _event("weekly", "20261005T090000Z", "FREQ=WEEKLY", summary="1:1"),
        _event("once", "20261110T090000Z", summary="Coffee"),
    )
    items, peak = _peak(lambda: _parse_ics(data))
    assert peak < MEMORY_BUDGET
    (skipped,) = [i for i in items if isinstance(i, Skipped)]
    assert skipped.invalid and skipped.line == 3
    assert skipped.reason.startswith('the event "Bomb" (UID bomb) repeats more than')
    meetings = [i for i in items if isinstance(i, MeetingRecord)]
    # single events come first (a series is read once its calendar has ended)
    assert [m.summary for m in meetings] == ["Coffee"] + ["1:1"] * 8


def test_a_series_at_the_cap_is_imported_whole() -> None:
    start = UNTIL - dt.timedelta(days=MAX_OCCURRENCES_PER_SERIES - 1, hours=1)
    daily = _event("daily", start.strftime("%Y%m%dT%H%M%SZ"), "FREQ=DAILY", summary="Stand-up")
    items = _parse_ics(_calendar(daily))
    assert len(items) == MAX_OCCURRENCES_PER_SERIES
    assert all(isinstance(i, MeetingRecord) for i in items)


def _ticking(step: float) -> Callable[[], float]:
    """A clock that moves `step` seconds each time it is read."""
    ticks = itertools.count()
    return lambda: next(ticks) * step


def test_a_rule_that_never_matches_is_stopped_by_the_work_cap(monkeypatch) -> None:
    # dateutil searches to the year 9999 for a 30 February, never yielding: the profile
    # hook counting its calls stops it (a smaller cap here, to keep the test short)
    monkeypatch.setattr(ical, "MAX_SERIES_CALLS", 200_000)
    never = _event("never", "19000101T000000Z", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30")
    data = _calendar(never, _event("once", "20261110T090000Z", summary="Coffee"))
    items = _parse_ics(data)
    (skipped,) = [i for i in items if isinstance(i, Skipped)]
    assert skipped.reason == (
        'the event "Bomb" (UID never) has a repeat rule too costly to expand '
        "(it may match no date at all): left out"
    )
    assert [i.summary for i in items if isinstance(i, MeetingRecord)] == ["Coffee"]


def test_the_whole_import_stops_at_its_deadline() -> None:
    weekly = _event("weekly", "20000103T090000Z", "FREQ=WEEKLY", summary="1:1")
    with pytest.raises(ImportFailed, match="took longer than 60 seconds"):
        _parse_ics(_calendar(weekly), Budget(seconds=60, clock=_ticking(1)))
    never = _event("never", "19000101T000000Z", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30")
    with pytest.raises(ImportFailed, match="took longer than 60 seconds"):  # inside dateutil
        _parse_ics(_calendar(never), Budget(seconds=60, clock=_ticking(1)))
    cards = b"".join(b"BEGIN:VCARD\nFN:P%d\nEND:VCARD\n" % i for i in range(100))
    with pytest.raises(ImportFailed, match="took longer than 60 seconds"):
        list(vcard.parse(cards, Budget(seconds=60, clock=_ticking(1))))


def test_components_nested_deep_are_refused() -> None:
    deep = "BEGIN:VCALENDAR\n" + "BEGIN:X\n" * 5000 + "END:X\n" * 5000 + "END:VCALENDAR\n"
    with pytest.raises(ImportFailed, match=r"^<data>:65: components nested more than 64"):
        _parse_ics(deep.encode())


# --- 3. linear unfolding --------------------------------------------------------------


def test_a_note_folded_over_many_lines_is_unfolded_whole() -> None:
    folded = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Folded\r\nNOTE:x\r\n" + b" ab\r\n" * 200_000
    (card,) = vcard.parse(folded + b"EMAIL:f@example.com\r\nEND:VCARD\r\n")
    assert not isinstance(card, Skipped)
    assert card.notes == "x" + "ab" * 200_000 and card.emails == ["f@example.com"]


def test_quoted_printable_soft_breaks_and_quoted_parameters() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Dias;Carla\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9 =\r\nand more\r\n"
        b'EMAIL;TYPE="work,pref";X-LABEL="a;b:c":carla@example.com\r\n'
        b"item1.TEL;WORK;VOICE:+351 21 000 0000\r\nEND:VCARD\r\n"
    )
    (card,) = vcard.parse(data)
    assert not isinstance(card, Skipped)
    assert card.notes == "café and more"
    assert card.emails == ["carla@example.com"] and card.phones == ["+351 21 000 0000"]


# --- 4. library failures as one sentence ----------------------------------------------


def test_a_backup_nested_5000_deep_is_one_sentence() -> None:
    deep = '{"format": "rapport-backup", "version": 1, "x": ' + "[" * 5000 + "]" * 5000 + "}"
    with pytest.raises(ImportFailed, match="nested deeper than 64 levels"):
        backup.parse(deep.encode())
    rows = '{"person": {"columns": ["a"], "rows": [[' + "[" * 100 + "]" * 100 + "]]}}"
    shallow = '{"format": "rapport-backup", "version": 1, "tables": ' + rows + "}"
    with pytest.raises(ImportFailed, match="person' row 1: a value nested deeper than 64"):
        backup.parse(shallow.encode())


def test_a_csv_with_a_10_mb_field_is_one_sentence_with_its_line() -> None:
    data = b"Name,Email,Notes\nAna,ana@example.com,ok\nBruno,b@example.com," + b"x" * 10_000_000
    with pytest.raises(ImportFailed) as caught:
        list(csv_contacts.parse(data))
    assert str(caught.value) == (
        "<data>:3: a field longer than 131,072 characters, more than any value holds"
    )
    header = b"Name," + b"y" * 10_000_000 + b"\nAna\n"  # the header row itself
    with pytest.raises(ImportFailed, match="no header row"):
        list(csv_contacts.parse(header))


def _readers() -> dict[str, Callable[[bytes], list[Any]]]:
    return {
        "vcard": lambda b: list(vcard.parse(b)),
        "csv": lambda b: list(csv_contacts.parse(b)),
        "linkedin": lambda b: list(csv_contacts.parse(b, flavour="linkedin")),
        "ics": lambda b: _parse_ics(b),
        "mail": lambda b: list(mail.parse(b)),
        "backup": lambda b: [backup.parse(b)],
    }


PREFIXES = [
    b"",
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:",
    b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:2026",
    b"Name,Email,Notes\n",
    b"From a@b.c Mon Jan  1 00:00:00 2024\nFrom: a@b.c\nDate: ",
    b'{"format": "rapport-backup", "version": 1, "tables": {"person": ',
]
hostile = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(PREFIXES),
    st.binary(max_size=300)
    | st.text(
        alphabet=st.sampled_from(list('\r\n :;,="[]{}\\BEGINDTSARTVCAL\x1b\x00é')), max_size=300
    ).map(str.encode),
)


@settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(data=hostile)
def test_any_bytes_give_records_or_import_failed(data: bytes) -> None:
    for name, read in _readers().items():
        try:
            read(data)
        except ImportFailed:
            pass
        except Exception as exc:  # the property: nothing but ImportFailed escapes
            raise AssertionError(f"{name}: {type(exc).__name__}: {exc}") from exc


# --- through the CLI, on both backends --------------------------------------------------


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def test_rapport_import_of_the_bomb(cli: Cli, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.ics"
    bomb.write_bytes(BOMB)
    result = cli("import", str(bomb), "--add-people", ok=False)
    assert result.exit_code == 6
    assert result.stderr == (
        f'error: {bomb}:3: the event "Bomb" (UID bomb) repeats more than 10,000 times '
        "up to now: nothing else to import\n"
    )
    mixed = tmp_path / "mixed.ics"
    mixed.write_bytes(
        _calendar(
            _event("bomb", "19000101T000000Z", "FREQ=SECONDLY"),
            _event("once", "20261110T090000Z", summary="Coffee"),
        )
    )
    summary = cli("import", str(mixed), "--add-people", "--json").json()
    assert summary["created"] == 1
    assert [p["reason"] for p in summary["skipped"]] == [
        'the event "Bomb" (UID bomb) repeats more than 10,000 times up to now: left out'
    ]
    shown = cli("import", str(mixed), "--add-people").stdout
    assert "repeats more than 10,000 times up to now: left out" in shown


def test_rapport_import_of_a_deep_backup_and_a_huge_csv_field(cli: Cli, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(
        json.dumps({"format": "rapport-backup", "version": 1})[:-1]
        + ', "x": '
        + "[" * 5000
        + "]" * 5000
        + "}"
    )
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"Name,Email,Notes\nAna,ana@example.com," + b"x" * 10_000_000 + b"\n")
    for path in (deep, huge):
        result = cli("import", str(path), ok=False)
        assert result.exit_code == 6, result.stderr
        assert "unexpected" not in result.stderr and result.stderr.count("\n") == 1
