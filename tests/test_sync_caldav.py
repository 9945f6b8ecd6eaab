"""The CalDAV connector against a real Radicale (tests/caldav_server.py), events
created, moved and deleted between syncs by the `caldav` client library: meetings
become interactions like an imported .ics file's, moves and deletions follow (and
undo brings a deletion back), future meetings feed the brief and the agenda, and a
sync stopped midway or whose token the server forgot neither loses nor doubles."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from rapport.errors import SyncFailed
from rapport.services import agenda, brief, imports, journal, owner
from rapport.services import sync as runner
from rapport.services.context import Ctx, Rapport
from rapport.services.imports import ImportOptions
from rapport.services.secret_box import for_data_dir
from rapport.services.sync import caldav as connector
from rapport.services.sync_accounts import AccountConfig, AccountSpec, add
from rapport.storage.schema import Interaction, InteractionParticipant
from rapport.storage.sync_tables import SyncCursor, UpcomingMeeting
from tests.caldav_server import PASSWORD, USER, RadicaleServer
from tests.cli_runner import Cli
from tests.factories import make_person

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    with RadicaleServer(tmp_path_factory.mktemp("radicale")) as running:
        yield running


@pytest.fixture
def calendar(server: RadicaleServer) -> Any:
    """A calendar of this test's own on the shared server (a caldav.Calendar)."""
    return server.make_calendar(f"Work {uuid.uuid4().hex[:8]}")


def _name(calendar: Any) -> str:
    return str(calendar.get_display_name())


def _account(app: Rapport, server: RadicaleServer, calendar: Any, **changes: Any) -> AccountConfig:
    """An account stored in the workspace, following `calendar`, as the runner gives
    it to the connector."""
    box = for_data_dir(app.settings.data_dir)
    with app.open(write=True) as ctx:
        view = add(
            ctx,
            box,
            AccountSpec(
                kind="caldav",
                host=server.url,
                username=USER,
                password=PASSWORD,
                name=f"work calendar {uuid.uuid4().hex[:4]}",
                folders=[_name(calendar)],
            ),
        )
        workspace_id = ctx.workspace_id
    fields: dict[str, Any] = {
        "id": view.id, "workspace_id": workspace_id, "kind": "caldav", "name": view.name,
        "host": server.url, "port": None, "security": "tls", "username": USER,
        "password": PASSWORD, "folders": (_name(calendar),),
    }  # fmt: skip
    fields.update(changes)
    return AccountConfig(**fields)


def _ics(
    uid: str,
    start: dt.datetime,
    summary: str,
    attendees: list[str],
    *,
    rrule: str | None = None,
) -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Rapport tests//EN", "BEGIN:VEVENT",
        f"UID:{uid}", "DTSTAMP:20260101T000000Z",
        f"DTSTART:{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
        f"DTEND:{(start + dt.timedelta(hours=1)).astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
        f"SUMMARY:{summary}", f"ORGANIZER:mailto:{USER}",
        *(f"ATTENDEE;CN={a.split('@')[0].title()}:mailto:{a}" for a in attendees),
    ]  # fmt: skip
    if rrule:
        lines.append(f"RRULE:{rrule}")
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


def _sync(
    app: Rapport, account: AccountConfig, now: dt.datetime = NOW, **kw: Any
) -> dict[str, int]:
    stop = kw.pop("stop", threading.Event())
    return connector.sync(app, account, lambda *a: None, stop, now=now, **kw)


def _meetings(app: Rapport) -> list[tuple[str, dt.datetime]]:
    """(external id, moment) of every calendar interaction."""
    with app.open() as ctx:
        rows = ctx.session.execute(
            select(Interaction.external_id, Interaction.occurred_at)
            .where(Interaction.source == "ics")
            .order_by(Interaction.external_id)
        ).all()
    return [(str(external), at) for external, at in rows]


def _people(ctx: Ctx) -> dict[str, int]:
    bruno = make_person(ctx, "Bruno Costa", emails=["bruno@example.com"])
    carla = make_person(ctx, "Carla Dias", emails=["carla@example.com"])
    return {"bruno": bruno.id, "carla": carla.id}


def _participants(app: Rapport, external_id: str) -> set[int]:
    with app.open() as ctx:
        return set(
            ctx.session.scalars(
                select(InteractionParticipant.person_id)
                .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
                .where(Interaction.external_id == external_id)
            )
        )


def _moment(app: Rapport, external_id: str) -> tuple[dt.datetime, set[dt.datetime]] | None:
    """The interaction's moment and its participants' copies of it."""
    with app.open() as ctx:
        row = ctx.session.execute(
            select(Interaction.id, Interaction.occurred_at).where(
                Interaction.external_id == external_id
            )
        ).first()
        if row is None:
            return None
        copies = set(
            ctx.session.scalars(
                select(InteractionParticipant.occurred_at).where(
                    InteractionParticipant.interaction_id == row[0]
                )
            )
        )
        return row[1], copies


# --- the first sync, nothing new, moves and deletions -----------------------------------


def test_first_sync_makes_meetings_with_known_attendees_and_a_second_changes_nothing(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    with app.open(write=True) as ctx:
        ids = _people(ctx)
    past = NOW - dt.timedelta(days=3)
    calendar.save_event(_ics("kickoff", past, "Project kickoff", ["bruno@example.com"]))
    calendar.save_event(
        _ics("review", past - dt.timedelta(days=1), "Review", ["carla@example.com", "x@out.org"])
    )
    calendar.save_event(_ics("alone", past, "Focus time", []))
    account = _account(app, server, calendar)

    counts = _sync(app, account)
    assert counts["meetings"] == 2
    assert counts["events"] == 3
    assert counts["attendees not in your network"] == 1  # offered, not added
    assert _participants(app, "kickoff") == {ids["bruno"]}
    assert _participants(app, "review") == {ids["carla"]}
    with app.open() as ctx:
        assert USER in owner.addresses(ctx)  # the account's address is the user's
        people_count = len(owner.contacts_with(ctx, ["x@out.org"]))
    assert people_count == 0

    before = _meetings(app)
    stats: dict[str, int] = {}
    assert _sync(app, account, stats=stats) == {}
    assert _meetings(app) == before
    assert stats["round_trips"] == 1  # the home's PROPFIND: the token has not moved


def test_an_attendee_added_to_the_network_later_joins_the_meetings_they_were_in(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    with app.open(write=True) as ctx:
        ids = _people(ctx)
    past = NOW - dt.timedelta(days=3)
    calendar.save_event(_ics("board", past, "Board", ["carla@example.com", "dora@out.org"]))
    calendar.save_event(_ics("solo", past, "Dora alone", ["dora@out.org"]))
    account = _account(app, server, calendar)
    assert _sync(app, account)["attendees not in your network"] == 1
    assert _participants(app, "board") == {ids["carla"]}
    with app.open(write=True) as ctx:
        dora = make_person(ctx, "Dora Reis", emails=["dora@out.org"])
    stats: dict[str, int] = {}
    counts = _sync(app, account, stats=stats)  # nothing changed on the server
    assert stats["round_trips"] == 2  # the home, and the two events read again
    assert counts["meetings"] == 1  # the one she had alone
    assert _participants(app, "board") == {ids["carla"], dora.id}
    assert _participants(app, "solo") == {dora.id}
    assert _sync(app, account) == {}


def test_a_moved_event_moves_its_interaction_and_a_deleted_one_removes_it_until_undone(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    with app.open(write=True) as ctx:
        ids = _people(ctx)
    first = NOW - dt.timedelta(days=5)
    calendar.save_event(_ics("m1", first, "Lunch", ["bruno@example.com"]))
    account = _account(app, server, calendar)
    _sync(app, account)
    moved_to = NOW - dt.timedelta(days=2)
    calendar.save_event(
        _ics("m1", moved_to, "Lunch, moved", ["bruno@example.com", "carla@example.com"])
    )
    counts = _sync(app, account)
    assert counts["meetings moved"] == 1
    found = _moment(app, "m1")
    assert found is not None
    assert found[0] == moved_to
    assert found[1] == {moved_to}  # the participants' copies moved too
    assert _participants(app, "m1") == {ids["bruno"], ids["carla"]}

    calendar.save_event(_ics("m1", moved_to, "Lunch, moved", ["carla@example.com"]))
    assert _sync(app, account) == {"meetings updated": 1, "events": 1}
    assert _participants(app, "m1") == {ids["carla"]}  # Bruno left it

    calendar.event_by_uid("m1").delete()
    counts = _sync(app, account)
    assert counts["meetings removed"] == 1
    assert _moment(app, "m1") is None
    with app.open(write=True) as ctx:
        latest = journal.history(ctx, limit=1)[0]
        assert latest.action == "sync"
        assert "deleted" in (latest.summary or "")
        journal.undo(ctx, latest.id)
    restored = _moment(app, "m1")
    assert restored is not None
    assert restored[0] == moved_to


def test_a_calendar_imported_from_a_file_then_synced_is_not_doubled(
    app: Rapport, server: RadicaleServer, calendar: Any, tmp_path: Path
) -> None:
    with app.open(write=True) as ctx:
        _people(ctx)
    start = NOW - dt.timedelta(days=10)
    weekly = _ics("standup", start, "Standup", ["bruno@example.com"], rrule="FREQ=WEEKLY;COUNT=3")
    once = _ics("once", start, "Coffee", ["carla@example.com"])
    path = tmp_path / "export.ics"
    path.write_text(weekly.replace("END:VCALENDAR\r\n", "") + once.split("VERSION:2.0\r\n")[1])
    with app.open(write=True) as ctx:
        summary = imports.run(ctx, path, ImportOptions(me=[USER]))
    imported = summary.created
    assert imported >= 3  # two past occurrences of the standup, and the coffee
    calendar.save_event(weekly)
    calendar.save_event(once)
    account = _account(app, server, calendar)
    counts = _sync(app, account)
    assert counts.get("meetings", 0) == 0
    assert len(_meetings(app)) == imported


def test_recurring_occurrences_up_to_now_become_meetings_and_the_next_one_is_upcoming(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    with app.open(write=True) as ctx:
        _people(ctx)
    start = NOW - dt.timedelta(days=20, hours=1)
    calendar.save_event(
        _ics("weekly", start, "1:1", ["bruno@example.com"], rrule="FREQ=WEEKLY;COUNT=6")
    )
    account = _account(app, server, calendar)
    _sync(app, account)
    assert len(_meetings(app)) == 3  # days -20, -13, -6
    with app.open() as ctx:
        upcoming = ctx.session.scalars(select(UpcomingMeeting.starts_at)).all()
    assert len(upcoming) == 3  # days +1, +8, +15: within the 30 days ahead
    # a week later, with nothing changed on the server: the next one has happened
    stats: dict[str, int] = {}
    _sync(app, account, now=NOW + dt.timedelta(days=7), stats=stats)
    assert len(_meetings(app)) == 4
    assert stats["round_trips"] == 2  # the home, and the one event read again


# --- future meetings: the brief and the agenda ----------------------------------------------


def test_a_meeting_tomorrow_shows_in_the_brief_and_the_agenda_until_it_has_passed(
    app: Rapport, server: RadicaleServer, calendar: Any, database_url: str, tmp_path: Path
) -> None:
    with app.open(write=True) as ctx:
        ids = _people(ctx)
    tomorrow = (NOW + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0)
    calendar.save_event(_ics("kick", tomorrow, "Project kickoff", ["bruno@example.com"]))
    account = _account(app, server, calendar)
    _sync(app, account)
    today = NOW.date()
    with app.open(today=today) as ctx:
        lines = brief.brief(ctx, ids["bruno"]).meetings
        entries = agenda.build(ctx).entries
    assert lines == ["You meet Bruno tomorrow at 10:00 (Project kickoff)"]
    entry = next(e for e in entries if e.person_id == ids["bruno"])
    reason = next(r for r in entry.reasons if r.kind == "prepare")
    assert reason.text == "you meet tomorrow at 10:00: Project kickoff"
    assert "what you promised" in reason.action
    cli = Cli(database_url, today.isoformat(), str(tmp_path))
    assert "You meet Bruno tomorrow at 10:00 (Project kickoff)" in cli("brief", "Bruno").stdout
    said = cli("brief", "Bruno", "--json").json()
    assert said["meetings"] == ["You meet Bruno tomorrow at 10:00 (Project kickoff)"]
    assert "you meet tomorrow at 10:00: Project kickoff" in cli("agenda").stdout

    # snoozed, it is off the agenda; the brief still says it
    with app.open(write=True, today=today) as ctx:
        agenda.snooze(ctx, reason.ref, today + dt.timedelta(days=1))
    with app.open(today=today) as ctx:
        assert all(r.kind != "prepare" for e in agenda.build(ctx).entries for r in e.reasons)

    # the day after: it happened, and is an interaction; the brief and agenda move on
    after = tomorrow + dt.timedelta(hours=2)
    _sync(app, account, now=after)
    assert _participants(app, "kick") == {ids["bruno"]}
    with app.open(today=after.date()) as ctx:
        assert brief.brief(ctx, ids["bruno"]).meetings == []
        assert all(r.kind != "prepare" for e in agenda.build(ctx).entries for r in e.reasons)


# --- failures, stops and forgotten tokens ---------------------------------------------------


def test_a_wrong_password_fails_in_words_without_the_password(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    account = _account(app, server, calendar, password="not the password")
    with pytest.raises(SyncFailed, match="refused the sign-in") as raised:
        connector.check(account)
    assert "not the password" not in str(raised.value)
    box = for_data_dir(app.settings.data_dir)
    with app.open(write=True) as ctx:
        from rapport.services import sync_accounts

        row = sync_accounts.get_row(ctx, account.id)
        row.secret = box.seal("not the password", sync_accounts.purpose(account.id))
    result = runner.run(app, box, account.id, force=True)
    assert result.outcome == "failed"
    assert "refused the sign-in" in result.message
    assert "not the password" not in result.message


def test_check_says_what_calendars_there_are(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    calendar.save_event(_ics("a", NOW, "A", []))
    calendar.save_event(_ics("b", NOW, "B", []))
    said = connector.check(_account(app, server, calendar))
    assert said == f"1 calendar: {_name(calendar)} (2 events)"


def test_an_unreachable_server_and_a_gone_calendar_fail_in_words(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    from tests.caldav_server import free_port

    nowhere = _account(app, server, calendar, host=f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(SyncFailed, match="cannot reach"):
        connector.check(nowhere)
    gone = _account(app, server, calendar, folders=("Holidays",))
    with pytest.raises(SyncFailed, match="'Holidays' is gone"):
        _sync(app, gone)


def test_a_web_server_that_is_not_a_calendar_server_is_said_to_be_none(
    app: Rapport, server: RadicaleServer, calendar: Any, tmp_path: Path
) -> None:
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        plain = _account(app, server, calendar, host=f"http://127.0.0.1:{web.server_port}/")
        with pytest.raises(SyncFailed, match="is not a CalDAV server"):
            connector.check(plain)
    finally:
        web.shutdown()
        web.server_close()


def test_a_sync_stopped_midway_resumes_with_nothing_lost_or_doubled(
    app: Rapport, server: RadicaleServer, calendar: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.open(write=True) as ctx:
        _people(ctx)
    for n in range(7):
        calendar.save_event(
            _ics(f"ev{n}", NOW - dt.timedelta(days=n + 1), f"Meeting {n}", ["bruno@example.com"])
        )
    monkeypatch.setattr(connector, "BATCH", 3)  # three batches, three transactions
    account = _account(app, server, calendar)
    stop = threading.Event()
    seen: list[int] = []

    def progress(phase: str, done: int, total: int | None) -> None:
        seen.append(done)
        if done >= 3:
            stop.set()  # after the first batch is stored

    connector.sync(app, account, progress, stop, now=NOW)
    assert len(_meetings(app)) == 3
    with app.open() as ctx:
        cursor = ctx.session.scalar(
            select(SyncCursor).where(SyncCursor.folder == str(calendar.url))
        )
    assert cursor is None  # the token is saved only with the last batch
    counts = _sync(app, account)
    assert counts["meetings"] == 4  # the rest, not the first three again
    assert len(_meetings(app)) == 7


def test_a_forgotten_sync_token_falls_back_to_comparing_etags_without_doubles(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    with app.open(write=True) as ctx:
        _people(ctx)
    calendar.save_event(_ics("keep", NOW - dt.timedelta(days=2), "Keep", ["bruno@example.com"]))
    calendar.save_event(_ics("drop", NOW - dt.timedelta(days=2), "Drop", ["carla@example.com"]))
    account = _account(app, server, calendar)
    _sync(app, account)
    calendar.event_by_uid("drop").delete()
    calendar.save_event(_ics("new", NOW - dt.timedelta(days=1), "New", ["bruno@example.com"]))
    with app.open(write=True) as ctx:  # a token the server never gave (or forgot)
        cursor = ctx.session.scalar(
            select(SyncCursor).where(SyncCursor.folder == str(calendar.url))
        )
        assert cursor is not None
        cursor.sync_token = "http://radicale.org/ns/sync/" + "0" * 64
    counts = _sync(app, account)
    assert counts["meetings"] == 1
    assert counts["meetings removed"] == 1
    assert [m[0] for m in _meetings(app)] == ["keep", "new"]


def test_a_server_without_sync_tokens_is_read_by_etags(
    app: Rapport, server: RadicaleServer, calendar: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Servers that offer no sync-collection: their calendars list no sync-token, and
    the connector compares ETags (and skips a calendar whose ctag has not moved)."""
    from rapport.adapters import caldav_protocol

    real = caldav_protocol.CalDAVClient._calendars

    def without_tokens(self: Any, home: str) -> Any:
        found = real(self, home)
        return None if found is None else [c.__class__(c.url, c.name, c.ctag, None) for c in found]

    monkeypatch.setattr(caldav_protocol.CalDAVClient, "_calendars", without_tokens)
    with app.open(write=True) as ctx:
        _people(ctx)
    calendar.save_event(_ics("one", NOW - dt.timedelta(days=2), "One", ["bruno@example.com"]))
    account = _account(app, server, calendar)
    assert _sync(app, account)["meetings"] == 1
    stats: dict[str, int] = {}
    assert _sync(app, account, stats=stats) == {}
    assert stats["round_trips"] == 1  # the ctag has not moved
    calendar.save_event(_ics("two", NOW - dt.timedelta(days=1), "Two", ["carla@example.com"]))
    calendar.event_by_uid("one").delete()
    counts = _sync(app, account)
    assert counts["meetings"] == 1
    assert counts["meetings removed"] == 1
    assert [m[0] for m in _meetings(app)] == ["two"]


_KILLED_SYNC = """
import os, signal, sys, threading
from rapport.services import calendar_sync, sync_accounts
from rapport.services.context import Rapport
from rapport.services.secret_box import for_data_dir
from rapport.services.sync import caldav
from rapport.settings import Settings
from pathlib import Path

url, data_dir, account_id, where = sys.argv[1:5]
app = Rapport(Settings(database_url=url, data_dir=Path(data_dir)))
box = for_data_dir(Path(data_dir))
with app.open() as ctx:
    account = sync_accounts.config(sync_accounts.get_row(ctx, int(account_id)), box)
caldav.BATCH = 3
real = calendar_sync.apply
calls = []

def apply(ctx, *args, **kwargs):
    calls.append(1)
    counts = real(ctx, *args, **kwargs)
    if where == "inside" and len(calls) == 2:
        ctx.session.flush()
        os.kill(os.getpid(), signal.SIGKILL)  # written, not committed
    return counts

def progress(phase, done, total):
    if where == "between" and done >= 6:
        os.kill(os.getpid(), signal.SIGKILL)  # two batches committed, the third not begun

calendar_sync.apply = apply
caldav.sync(app, account, progress, threading.Event())
"""


@pytest.mark.parametrize("where", ["between", "inside"])
def test_a_sync_killed_by_sigkill_resumes_with_nothing_lost_or_doubled(
    server: RadicaleServer, calendar: Any, tmp_path: Path, where: str
) -> None:
    """kill -9 between two batches, or in the middle of one's transaction (SQLite: the
    database is a file another process can open)."""
    import os
    import subprocess
    import sys

    from rapport.settings import Settings

    url = f"sqlite:///{tmp_path / 'rapport.db'}"
    app = Rapport(Settings(database_url=url, data_dir=tmp_path))
    with app.open(write=True) as ctx:
        _people(ctx)
    for n in range(8):
        calendar.save_event(
            _ics(f"k{n}", NOW - dt.timedelta(days=n + 1), f"Call {n}", ["bruno@example.com"])
        )
    account = _account(app, server, calendar)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_SYNC, url, str(tmp_path), str(account.id), where],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    stored = len(_meetings(app))
    assert stored == (6 if where == "between" else 3)  # the batches committed, no more
    _sync(app, account, now=dt.datetime.now(dt.UTC))
    assert len(_meetings(app)) == 8
    assert {m[0] for m in _meetings(app)} == {f"k{n}" for n in range(8)}
    app.dispose()


def test_the_calendar_home_is_found_again_when_the_account_changes_address(
    app: Rapport, server: RadicaleServer, calendar: Any
) -> None:
    import dataclasses

    account = _account(app, server, calendar)
    first: dict[str, int] = {}
    _sync(app, account, stats=first)
    assert first["round_trips"] == 5  # well-known (redirected), principal's home, home, report
    moved = dataclasses.replace(account, host=f"{server.url}ana%40example.com/")
    again: dict[str, int] = {}
    assert _sync(app, moved, stats=again) == {}
    assert again["round_trips"] == 3  # the principal from the new address, its home, the home
