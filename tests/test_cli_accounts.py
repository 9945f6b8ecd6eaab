"""`rapport accounts …` and `rapport sync` against a server that is not there: the
password comes from stdin or the environment and is never printed; a failed check
saves nothing; the state is said in words; `rapport sync` fails with a non-zero
code; `rapport doctor` lists each account."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rapport.cli import app, runtime
from tests.cli_runner import Cli, Result
from tests.conftest import TODAY
from tests.test_sync_accounts import closed_port

PASSWORD = "Cli-PASSWORD-5512"


@pytest.fixture
def cli(database_url: str, tmp_path) -> Cli:
    c = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    c("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", "Europe/Lisbon")
    return c


def run(cli: Cli, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> Result:
    runtime.reset()
    result = CliRunner().invoke(
        app, list(args), input=stdin, env={**cli.env, **(env or {})}, catch_exceptions=False
    )
    runtime.reset()
    return Result(result.exit_code, result.stdout, result.stderr)


def add_imap(cli: Cli, *extra: str, port: int | None = None) -> Result:
    return run(
        cli, "accounts", "add", "imap", "--host", "127.0.0.1",
        "--port", str(port or closed_port()), "--security", "none",
        "--user", "sam@example.com", "--password-stdin", *extra, stdin=PASSWORD + "\n",
    )  # fmt: skip


def test_a_failed_check_says_why_and_saves_nothing(cli: Cli) -> None:
    failed = add_imap(cli)
    assert failed.exit_code == 8
    assert "nothing was saved" in failed.stderr and PASSWORD not in failed.stderr
    assert cli("accounts", "list", "--json").json() == []


def test_add_without_check_then_list_sync_doctor_remove(cli: Cli) -> None:
    added = add_imap(cli, "--no-check", "--name", "work mail", "--folder", "Clients")
    assert added.exit_code == 0, added.stderr
    assert "account “work mail” added" in added.stdout and PASSWORD not in added.stdout
    listed = cli("accounts", "list", "--json").json()
    assert [a["name"] for a in listed] == ["work mail"]
    assert listed[0]["folders"] == ["Clients"] and listed[0]["has_password"] is True
    assert listed[0]["state"]["says"] == "not synced yet; first sync now"
    assert PASSWORD not in cli("accounts", "list", "--json").stdout

    synced = run(cli, "sync")
    assert synced.exit_code == 8
    assert synced.stdout.startswith("work mail: failed — ")
    state = cli("accounts", "list", "--json").json()[0]["state"]
    assert state["says"].startswith("failed once: ") and "next try in " in state["says"]
    assert state["error"]
    assert "failed once" in cli("accounts", "list").stdout
    assert run(cli, "sync").stdout.startswith("nothing is due")  # backing off
    forced = run(cli, "sync", "work mail", "--json")
    assert forced.exit_code == 8 and forced.json()[0]["outcome"] == "failed"

    doctor = cli("doctor", "--json").json()["report"]
    assert doctor["account work mail"].startswith("failed 2 times: ")

    tested = run(cli, "accounts", "test", "work mail")
    assert tested.exit_code == 8 and tested.stderr.startswith("error: ")
    refused = run(cli, "accounts", "remove", "work mail")
    assert refused.exit_code != 0 and "--yes" in refused.stderr
    assert "removed" in cli("accounts", "remove", "work mail", "--yes").stdout
    assert cli("accounts", "list", "--json").json() == []
    assert cli("doctor", "--json").json()["report"]["sync accounts"].startswith("none")


def test_pause_resume_set_and_a_new_password(cli: Cli) -> None:
    assert add_imap(cli, "--no-check", "--name", "mail").exit_code == 0
    paused = cli("accounts", "pause", "mail", "--json").json()
    assert paused["enabled"] is False and paused["state"]["next_sync"] == "paused"
    assert run(cli, "sync").stdout.startswith("nothing is due")
    assert cli("accounts", "resume", "mail", "--json").json()["enabled"] is True
    changed = cli(
        "accounts", "set", "mail", "--folder", "A", "--folder", "B", "--interval", "60", "--json"
    ).json()
    assert changed["folders"] == ["A", "B"] and changed["interval_minutes"] == 60
    assert run(cli, "accounts", "set", "mail").exit_code != 0
    bad = run(cli, "accounts", "set", "mail", "--interval", "0")
    assert bad.exit_code == 2 and "interval" in bad.stderr
    renewed = run(
        cli, "accounts", "password", "mail", env={"RAPPORT_ACCOUNT_PASSWORD": "another one"}
    )
    assert renewed.exit_code == 0 and "new password" in renewed.stdout
    assert "another one" not in renewed.stdout


def test_the_password_comes_from_the_environment_never_an_option(cli: Cli) -> None:
    made = run(
        cli, "accounts", "add", "caldav", "--host", f"http://127.0.0.1:{closed_port()}/dav/",
        "--user", "sam", "--calendar", "Work", "--no-check",
        env={"RAPPORT_ACCOUNT_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    shown = cli("accounts", "list", "--json").json()[0]
    assert shown["kind"] == "caldav" and shown["folders"] == ["Work"]
    no_password = run(
        cli, "accounts", "add", "imap", "--host", "imap.example.com", "--user", "x", "--no-check"
    )
    assert no_password.exit_code != 0 and "--password-stdin" in no_password.stderr
    assert run(cli, "accounts", "add", "imap", "--password", "x").exit_code != 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("pop3", "--host", "h.example.com"), "kind"),
        (("imap", "--host", "not a host"), "host"),
        (("imap", "--host", "h.example.com", "--port", "0"), "port"),
        (("imap", "--host", "h.example.com", "--security", "ssl"), "security"),
        (("imap", "--host", "h.example.com", "--calendar", "Work"), "--folder"),
        (("caldav", "--host", "https://d.example.com", "--folder", "INBOX"), "--calendar"),
    ],
)
def test_bad_input_is_one_line_and_saves_nothing(
    cli: Cli, args: tuple[str, ...], says: str
) -> None:
    result = run(
        cli, "accounts", "add", *args, "--user", "u", "--password-stdin", "--no-check",
        stdin="pw\n",
    )  # fmt: skip
    assert result.exit_code != 0 and says in result.stderr
    assert cli("accounts", "list", "--json").json() == []


def test_unknown_accounts_are_named(cli: Cli) -> None:
    for command in (("test", "nope"), ("pause", "nope"), ("remove", "nope", "--yes")):
        result = run(cli, "accounts", *command)
        assert result.exit_code == 3 and "no account 'nope'" in result.stderr
    assert run(cli, "sync", "nope").exit_code == 3
