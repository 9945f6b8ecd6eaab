"""The command line, used as a person would."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def test_a_realistic_week_from_the_cli(cli: Cli) -> None:
    cli("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", "Europe/Lisbon")
    cli("event", "add", "WebSummit", "--on", "2026-11-16", "--place", "Lisbon")
    # five people met at the conference, captured on the spot
    cli("event", "met", "websummit", "Ana Lima", "--org", "Acme", "--note", "building AI agents")
    cli("event", "met", "websummit", "Bruno Souza", "--email", "bruno@globex.io")
    cli("event", "met", "websummit", "Carla Dias", "--note", "hiring designers")
    cli("event", "met", "websummit", "Diego Ramos")
    cli("event", "met", "websummit", "Eva Chen", "--org", "Initech")
    cli("person", "edit", "ana", "--type", "client", "--email", "ana@acme.com", "--title", "CTO")
    cli("person", "edit", "bruno", "--type", "peer")
    cli("person", "add", "Fiona Mentor", "--type", "mentor", "--met-on", "2025-01-10")
    # two meetings
    cli(
        "log",
        "Ana",
        "-k",
        "coffee",
        "-s",
        "Pilot scope",
        "-w",
        "2026-11-18",
        "-n",
        "Wants a proposal by Friday",
        "-d",
        "me",
    )
    cli("log", "Bruno", "Carla", "-k", "video", "-s", "Design hiring", "-w", "yesterday")
    # a promise, a favour received, a birthday
    promise = cli(
        "promise", "Ana", "send the pilot proposal", "--due", "2026-11-27", "--json"
    ).json()
    cli("got", "Carla", "intro", "to a designer she knows", "--on", "2026-11-20")
    cli("milestone", "Ana", "birthday", "1988-11-25")

    shown = cli("person", "show", "Ana Lima").stdout
    for expected in (
        "Ana Lima",
        "CTO at Acme",
        "client",
        "ana@acme.com",
        "Pilot scope",
        "send the pilot proposal",
        "2026-11-25",
        "WebSummit",
    ):
        assert expected in shown
    profile = cli("person", "show", "Ana", "--json").json()
    assert profile["person"]["organization"] == "Acme"
    assert profile["commitments"][0]["id"] == promise["id"]
    assert cli("ledger", "carla", "--json").json()["balance"]["unthanked"] == 1
    event = cli("event", "show", "WebSummit", "--json").json()
    assert len(event["attendees"]) == 5
    assert sum(1 for a in event["attendees"] if a["followed_up_at"]) == 3  # Ana, Bruno, Carla
    upcoming = cli("milestones", "--json").json()
    assert [(m["person"], m["next_on"]) for m in upcoming] == [("Ana Lima", "2026-11-25")]
    agenda = cli("agenda", "--json").json()
    by_person = {e["person"]: [r["kind"] for r in e["reasons"]] for e in agenda["entries"]}
    # the two met at the conference and not yet followed up, the mentor overdue,
    # Carla's favour three days without thanks, Ana's birthday in two days
    assert by_person == {
        "Ana Lima": ["milestone"],
        "Carla Dias": ["thanks"],
        "Diego Ramos": ["follow-up"],
        "Eva Chen": ["follow-up"],
        "Fiona Mentor": ["keep-in-touch"],
    }
    fiona = next(e for e in agenda["entries"] if e["person"] == "Fiona Mentor")
    assert "against a 45-day rhythm" in fiona["reasons"][0]["text"]
    assert "Fiona Mentor" in cli("agenda").stdout
    # a month later: the promise to Ana is overdue and leads; Bruno the peer is not yet
    # due; Carla is still owed thanks; the follow-up window for Diego and Eva has passed
    later = cli("agenda", "--date", "2026-12-20", "--json").json()
    assert [e["person"] for e in later["entries"]] == ["Ana Lima", "Fiona Mentor", "Carla Dias"]
    assert [r["kind"] for r in later["entries"][0]["reasons"]] == ["promise", "keep-in-touch"]


def test_every_listing_speaks_json(cli: Cli) -> None:
    cli("person", "add", "Ana Lima", "--type", "client", "--tag", "vip")
    for args in (
        ["person", "list"],
        ["person", "show", "ana"],
        ["search", "ana"],
        ["agenda"],
        ["promises", "list"],
        ["ledger"],
        ["milestones"],
        ["event", "list"],
        ["db", "status"],
    ):
        data = cli(*args, "--json").json()
        assert data is not None
    listing = cli("person", "list", "--json").json()
    assert listing["total"] == 1 and listing["people"][0]["tags"] == ["vip"]


def test_db_status_and_upgrade_name_the_schema_revision(cli: Cli) -> None:
    from rapport.storage import migrate

    status = cli("db", "status", "--json").json()
    assert status["revision"] == status["latest"] == migrate.HEAD
    assert status["backend"] in ("sqlite", "postgresql") and status["people"] == 0
    upgraded = cli("db", "upgrade").stdout.strip()
    assert upgraded == f"schema at {migrate.HEAD} (latest {migrate.HEAD})"


def test_ambiguous_names_give_one_clear_line(cli: Cli) -> None:
    cli("person", "add", "Ana Lima")
    cli("person", "add", "Ana Souza")
    result = cli("log", "ana", "-s", "hi", ok=False)
    assert result.exit_code == 4
    assert result.stderr.startswith("error: 'ana' matches 2 people: Ana Lima (#1); Ana Souza (#2)")
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["person", "show", "nobody"], "error: no person matches 'nobody'"),
        (["log", "Ana", "-w", "the day after never"], "error: when: cannot read"),
        (["log", "Ana", "-k", "telepathy"], "error: kind: 'telepathy' is not one of"),
        (["person", "add", "X", "--email", "nope"], "error: email: 'nope' is not an email address"),
        (["milestone", "Ana", "birthday", "02-30"], "error: date: '02-30' is not a day"),
        (["promises", "kept", "99"], "error: no promise with id 99"),
        (["gave", "Ana", "money"], "error: kind: 'money' is not one of"),
        (["init", "--timezone", "Nowhere/City"], "error: timezone: unknown time zone"),
        (["settings", "smtp", "--host", "mail.example.com"], "error: from: give the sender"),
        (
            ["settings", "smtp", "--host", "mail.example.com", "--from", "ana"],
            "error: from: 'ana' is not an email address",
        ),
    ],
)
def test_errors_are_one_line_without_traceback(cli: Cli, args, message) -> None:
    cli("person", "add", "Ana Lima")
    result = cli(*args, ok=False)
    assert result.exit_code != 0
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("ref", ["²", "#²", "٣", "#٣", "１", "1²"])
def test_an_id_in_other_digits_is_refused_not_a_crash(cli: Cli, ref: str) -> None:
    """Ids are written in the digits 0-9: '²' used to reach `int()` and crash, '٣' was
    read as 3 and showed someone."""
    for _ in range(3):
        cli("person", "add", "Ana Lima")
    for args in (["person", "show", ref], ["event", "show", ref]):
        result = cli(*args, ok=False)
        assert result.exit_code == 2, (args, result.stderr)
        assert "digits 0-9" in result.stderr and result.stderr.count("\n") == 1


def test_a_failed_command_saves_nothing(cli: Cli) -> None:
    cli("person", "add", "Ana Lima")
    cli("person", "edit", "ana", "--email", "ana@acme.com", "--phone", "not a phone", ok=False)
    assert cli("person", "show", "ana", "--json").json()["person"]["emails"] == []


def test_help_does_not_load_the_database_stack() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from rapport.cli import app; "
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output; "
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'psycopg', 'dateparser', 'fastapi', 'mcp') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "RAPPORT_DATA_DIR": "/nonexistent"},
    )
    assert out.stdout.strip() == ""


def test_unreachable_database_is_a_clear_error(tmp_path) -> None:
    cli = Cli("postgresql+psycopg://nobody@127.0.0.1:1/none", TODAY.isoformat(), str(tmp_path))
    result = cli("person", "list", ok=False)
    assert result.exit_code == 7
    assert result.stderr.startswith("error: cannot open the database")


def test_tables_at_80_columns_wrap_between_words(cli: Cli) -> None:
    org, title = "International Business Machines Corporation", "Principal Solutions Architect"
    cli("person", "add", "Maximiliana Ortega-Fernández", "--org", org, "--title", title)
    cli("person", "add", "Ana Lima", "--org", "Acme")
    cli.env["COLUMNS"] = "80"
    shown = cli("person", "list").stdout
    lines = shown.splitlines()
    assert max(len(line) for line in lines) <= 80
    words = {w for line in lines for w in line.replace("│", " ").split()}
    # every word whole (none folded into "Internationa" + "l"), the empty columns gone
    assert {"International", "Corporation", "Architect", "Ortega-Fernández"} <= words
    assert "types" not in shown and "tags" not in shown
