"""`rapport settings me` and the import's "is this you?" on the command line: asked
on a terminal (a real pseudo-terminal here), refused in one sentence without one."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY

SAMPLES = Path(__file__).parent / "samples"
CALENDAR = str(SAMPLES / "google-calendar.ics")


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def _calendar_user(cli: Cli) -> None:
    cli("init", "--email", "sam@work.example", "--timezone", "Europe/Lisbon")
    cli("person", "add", "Ana Lima", "--email", "ana@acme.com")
    cli("person", "add", "Bruno Souza", "--email", "bruno@globex.io")


def _interaction_count(cli: Cli) -> int:
    count: int = cli("person", "show", "ana", "--json").json()["interaction_count"]
    return count


def test_settings_me_shows_adds_and_removes(cli: Cli) -> None:
    empty = cli("settings", "me")
    assert "Rapport does not know your address yet" in empty.stdout
    cli("init", "--email", "sam@work.example")
    sam = cli("person", "add", "Sam Rivera", "--email", "sam@example.com", "--json").json()
    added = cli("settings", "me", "--add", "Sam@Example.com")
    assert "sam@work.example (rapport init --email)" in added.stdout
    assert "sam@example.com (added in Settings)" in added.stdout
    assert (
        f"sam@example.com is on Sam Rivera (#{sam['id']}): if that record is you, archive it "
        f"with `rapport person archive {sam['id']}`"
    ) in added.stdout
    view = cli("settings", "me", "--json").json()
    assert [(a["address"], a["origin"], a["person_id"]) for a in view["addresses"]] == [
        ("sam@work.example", "init", None),
        ("sam@example.com", "settings", sam["id"]),
    ]
    assert view["not_me"] == []
    removed = cli("settings", "me", "--remove", "sam@example.com", "--json").json()
    assert [a["address"] for a in removed["addresses"]] == ["sam@work.example"]
    unknown = cli("settings", "me", "--remove", "bob@example.com", ok=False)
    assert unknown.exit_code == 3
    assert unknown.stderr == "error: bob@example.com is not one of your addresses\n"
    wrong = cli("settings", "me", "--add", "sam at example", ok=False)
    assert wrong.exit_code == 2 and "'sam at example' is not an email address" in wrong.stderr


def test_init_says_when_its_address_is_on_a_contact(cli: Cli) -> None:
    sam = cli("person", "add", "Sam Rivera", "--email", "sam@example.com", "--json").json()
    said = cli("init", "--email", "sam@example.com").stdout
    assert f"if that record is you, archive it with `rapport person archive {sam['id']}`" in said


def test_without_a_terminal_the_question_stops_the_import_in_one_sentence(cli: Cli) -> None:
    _calendar_user(cli)
    refused = cli("import", CALENDAR, ok=False)
    assert refused.exit_code == 6
    assert refused.stderr == (
        f"error: {CALENDAR}: sam@example.com is on most of its meetings and may be "
        "you: nothing was imported; run again with --me sam@example.com if it is you, or "
        "--not-me sam@example.com if not\n"
    )
    assert refused.stdout == ""
    assert _interaction_count(cli) == 0


def test_me_is_remembered_for_the_next_import(cli: Cli) -> None:
    _calendar_user(cli)
    first = cli("import", CALENDAR, "--me", "sam@example.com", "--json").json()
    assert (first["created"], first["maybe_you"]) == (6, [])
    mine = cli("settings", "me", "--json").json()["addresses"]
    assert [(a["address"], a["origin"]) for a in mine] == [
        ("sam@work.example", "init"),
        ("sam@example.com", "import"),
    ]
    # the mailbox, where sam@example.com is on every message, is not asked about
    mail = cli("import", str(SAMPLES / "inbox.mbox"), "--json").json()
    assert mail["maybe_you"] == [] and mail["created"] == 6
    assert cli("person", "show", "sam@example.com", ok=False).exit_code == 3  # no "Sam"


def test_a_dry_run_with_me_remembers_nothing(cli: Cli) -> None:
    _calendar_user(cli)
    dry = cli("import", CALENDAR, "--me", "sam@example.com", "--dry-run", "--json").json()
    assert (dry["created"], dry["dry_run"]) == (6, True)
    mine = cli("settings", "me", "--json").json()["addresses"]
    assert [a["address"] for a in mine] == ["sam@work.example"]


def test_not_me_is_remembered_too(cli: Cli) -> None:
    _calendar_user(cli)
    no = cli("import", CALENDAR, "--not-me", "sam@example.com")
    assert "Sam <sam@example.com>" in no.stdout  # offered as a contact, like anyone
    assert cli("settings", "me", "--json").json()["not_me"] == ["sam@example.com"]
    assert "not yours (not asked about again): sam@example.com" in cli("settings", "me").stdout
    again = cli("import", CALENDAR, "--json").json()
    assert again["maybe_you"] == [] and again["unchanged"] == 6
    both = cli("import", CALENDAR, "--me", "x@example.com", "--not-me", "x@example.com", ok=False)
    assert "x@example.com is given as both yours (me) and not yours (not_me)" in both.stderr


def _answer(cli: Cli, answer: str, *args: str) -> tuple[str, str]:
    """`rapport import` on a pseudo-terminal: what it asked, once `answer` is typed,
    and what it printed after."""
    primary, secondary = pty.openpty()
    env = {**os.environ, **cli.env, "COLUMNS": "200", "TERM": "dumb"}
    process = subprocess.Popen(
        [sys.executable, "-m", "rapport", "import", *args],
        stdin=secondary, stdout=secondary, stderr=secondary, env=env, close_fds=True,
    )  # fmt: skip
    os.close(secondary)
    seen, asked, answered = b"", "", False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"[Y/n]" in seen:
            asked, seen, answered = seen.decode(), b"", True
            os.write(primary, answer.encode() + b"\n")
        if process.poll() is not None and not ready:
            break
    process.wait(timeout=30)
    os.close(primary)
    assert process.returncode == 0, seen.decode()
    return asked, seen.decode()


@pytest.mark.parametrize(("answer", "direction"), [("y", "me"), ("n", "them")])
def test_on_a_terminal_the_import_asks_and_goes_on(cli: Cli, answer: str, direction: str) -> None:
    _calendar_user(cli)
    asked, after = _answer(cli, answer, CALENDAR)
    assert "sam@example.com is on 6 of 7 meetings. Is this you? [Y/n]" in asked
    assert "google-calendar.ics (ics): 6 interactions created" in after
    timeline = cli("person", "show", "ana", "--json").json()["interactions"]
    assert {i["summary"]: i["direction"] for i in timeline}["1:1 Ana / Sam"] == direction
    view = cli("settings", "me", "--json").json()
    if answer == "y":
        assert [a["address"] for a in view["addresses"]][-1] == "sam@example.com"
    else:
        assert view["not_me"] == ["sam@example.com"]
