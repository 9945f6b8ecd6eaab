"""Issue 17's "done when", as a new user lives it: two `rapport accounts add` (a real
Dovecot, a real Radicale), then — without importing anything — yesterday's meeting
and this week's email exchange are on the person's timeline, tomorrow's meeting is
in the brief and on the agenda; first through `rapport sync`, then through the
scheduler `rapport serve` runs, on both backends."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from rapport.cli import app as cli_app
from rapport.cli import runtime
from rapport.services import interactions, secret_box, sync_accounts
from rapport.services.context import Rapport
from rapport.services.scheduler import SyncScheduler
from tests import imap_server
from tests.caldav_server import RadicaleServer
from tests.cli_runner import Cli, Result
from tests.factories import make_person
from tests.test_sync_caldav import _ics

ZONE = ZoneInfo("Europe/Lisbon")
ME = imap_server.dovecot.USER  # the same address signs in to both servers


@pytest.fixture(scope="module")
def dovecot() -> Iterator[imap_server.Dovecot]:
    yield from imap_server.running()


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[RadicaleServer]:
    with RadicaleServer(tmp_path / "radicale", user=ME) as server:
        yield server


def _fill(dovecot: imap_server.Dovecot, radicale: RadicaleServer) -> dict[str, str]:
    """Mail with Bruno this week, a meeting with Carla yesterday and one tomorrow."""
    now = dt.datetime.now(dt.UTC)
    tag = uuid.uuid4().hex[:8]
    asked = f"ask-{tag}@example.com"
    dovecot.deliver(
        "INBOX",
        [imap_server.email("Bruno Sousa <bruno@example.com>", [ME], f"Pilot plan {tag}",
                           now - dt.timedelta(days=2), asked)],
    )  # fmt: skip
    dovecot.deliver(
        "Sent",
        [imap_server.email(ME, ["bruno@example.com"], f"Re: Pilot plan {tag}",
                           now - dt.timedelta(days=2, hours=-1), f"re-{tag}@example.com",
                           reply_to=asked, references=[asked])],
        seen=True,
    )  # fmt: skip
    calendar = radicale.make_calendar(f"Work {tag}")
    yesterday = (now - dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    tomorrow = (
        (now + dt.timedelta(days=1))
        .astimezone(ZONE)
        .replace(hour=10, minute=0, second=0, microsecond=0)
    )
    calendar.save_event(
        _ics(f"done-{tag}", yesterday, f"Roadmap review {tag}", ["carla@example.com"])
    )
    calendar.save_event(_ics(f"next-{tag}", tomorrow, "Project kickoff", ["carla@example.com"]))
    return {"mail": f"Pilot plan {tag}", "meeting": f"Roadmap review {tag}"}


def _run(cli: Cli, *args: str, stdin: str = "") -> Result:
    runtime.reset()
    done = CliRunner().invoke(cli_app, list(args), input=stdin, env=cli.env, catch_exceptions=False)
    runtime.reset()
    return Result(done.exit_code, done.stdout, done.stderr)


def _timeline(cli: Cli, who: str) -> list[str]:
    shown = cli("person", "show", who, "--json").json()
    return [i["summary"] for i in shown["interactions"]]


def test_two_accounts_then_rapport_sync_fill_the_timelines_brief_and_agenda(
    database_url: str,
    tmp_path: Path,
    dovecot: imap_server.Dovecot,
    radicale: RadicaleServer,
) -> None:
    today = dt.datetime.now(ZONE).date().isoformat()
    cli = Cli(database_url, today, str(tmp_path / "data"))
    cli("init", "--name", "Sam", "--email", ME, "--timezone", "Europe/Lisbon")
    cli("person", "add", "Carla Reis", "--email", "carla@example.com")
    cli("person", "add", "Bruno Sousa", "--email", "bruno@example.com")
    said = _fill(dovecot, radicale)

    mail = _run(
        cli, "accounts", "add", "imap", "--host", "127.0.0.1", "--port", str(dovecot.port),
        "--security", "none", "--user", ME, "--name", "mail", "--password-stdin",
        stdin=dovecot.password + "\n",
    )  # fmt: skip
    assert mail.exit_code == 0, mail.stderr
    calendar = _run(
        cli, "accounts", "add", "caldav", "--host", radicale.url, "--user", ME,
        "--name", "calendar", "--password-stdin", stdin=radicale.password + "\n",
    )  # fmt: skip
    assert calendar.exit_code == 0, calendar.stderr

    synced = _run(cli, "sync", "--json")
    assert synced.exit_code == 0, synced.stdout + synced.stderr
    assert {r["outcome"] for r in synced.json()} == {"synced"}
    assert said["mail"] in _timeline(cli, "Bruno Sousa")
    assert said["meeting"] in _timeline(cli, "Carla Reis"), synced.json()
    brief = cli("brief", "Carla Reis").stdout
    assert "You meet Carla tomorrow at 10:00 (Project kickoff)" in brief
    agenda = cli("agenda", "--json").json()
    assert any(
        "Carla Reis" in str(item) and "tomorrow at 10:00" in str(item) for item in agenda["entries"]
    ), agenda

    again = _run(cli, "sync", "calendar", "--json")  # a named account runs even if not due
    assert again.exit_code == 0 and again.json()[0]["message"] == "nothing new"
    listed = cli("accounts", "list", "--json").json()
    assert {a["name"]: a["last_error"] for a in listed} == {
        "mail": None,
        "calendar": None,
    }
    assert dovecot.password not in str(listed) and radicale.password not in str(listed)


def test_the_scheduler_rapport_serve_runs_brings_them_without_a_command(
    app: Rapport, dovecot: imap_server.Dovecot, radicale: RadicaleServer
) -> None:
    said = _fill(dovecot, radicale)
    box = secret_box.for_data_dir(app.settings.data_dir)
    with app.open(write=True) as ctx:
        carla = make_person(ctx, "Carla Reis", emails=["carla@example.com"]).id
        bruno = make_person(ctx, "Bruno Sousa", emails=["bruno@example.com"]).id
        for kind, host, port, security, password in (
            ("imap", "127.0.0.1", dovecot.port, "none", dovecot.password),
            ("caldav", radicale.url, None, "tls", radicale.password),
        ):
            sync_accounts.add(
                ctx, box,
                sync_accounts.AccountSpec(kind=kind, host=host, port=port, security=security,
                                          username=ME, password=password),
            )  # fmt: skip

    scheduler = SyncScheduler(app, box, interval=0.2)
    scheduler.start()
    try:
        found = _wait_for(app, {carla: said["meeting"], bruno: said["mail"]})
    finally:
        scheduler.stop()
    assert found, list(scheduler.results)
    with app.open() as ctx:
        states = {a.kind: (a.last_success_at is not None, a.last_error) for a in
                  sync_accounts.listing(ctx)}  # fmt: skip
    assert states == {"imap": (True, None), "caldav": (True, None)}


def _wait_for(app: Rapport, wanted: dict[int, str], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.open() as ctx:
            seen: dict[int, Any] = {
                pid: [i.summary for i in interactions.timeline(ctx, pid)] for pid in wanted
            }
        if all(wanted[pid] in seen[pid] for pid in wanted):
            return True
        time.sleep(0.2)
    return False
