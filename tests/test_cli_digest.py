from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from rapport.cli import app, runtime
from tests.cli_runner import Cli
from tests.conftest import TODAY
from tests.test_digest import Inbox, free_port


@pytest.fixture
def cli(database_url: str, tmp_path) -> Cli:
    c = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    c("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", "Europe/Lisbon")
    c("person", "add", "Ana Lima", "--type", "client", "--met-on", "2026-08-01")
    return c


def test_digest_prints_today_and_doctor_reports(cli: Cli) -> None:
    out = cli("digest").stdout
    assert out.startswith("Subject: Rapport for Monday 23 November: 1 person to reach out to")
    assert "1. Ana Lima" in out
    assert cli("digest", "--html").stdout.startswith("<!DOCTYPE html>\n<html")
    report = cli("doctor", "--json").json()["report"]
    assert report["mail server"].startswith("not set")
    assert report["daily digest"].startswith("off")


def test_send_by_cli_once_a_day_and_password_from_stdin(cli: Cli) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        runtime.reset()
        result = CliRunner().invoke(
            app,
            [
                "settings",
                "smtp",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--security",
                "none",
                "--password-stdin",
            ],
            input="hunter2\n",
            env=cli.env,
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.stderr
        assert "hunter2" not in cli("settings", "show").stdout
        cli("settings", "digest", "--on", "--time", "07:30")
        assert cli("digest", "--send").stdout.startswith("sent to sam@example.com")
        assert cli("digest", "--send").stdout.startswith("already sent")
        cli("digest", "--send", "--force")
    finally:
        controller.stop()
    assert len(inbox.messages) == 2
    report = cli("doctor", "--json").json()["report"]
    assert report["daily digest"] == "on, 07:30 Europe/Lisbon, to sam@example.com"
    assert report["last error"] == "none" and report["last sent"] != "never"


def test_a_send_failure_exits_non_zero_with_the_reason(cli: Cli) -> None:
    port = free_port()
    cli("settings", "smtp", "--host", "127.0.0.1", "--port", str(port), "--security", "none")
    result = cli("digest", "--send", ok=False)
    assert result.exit_code == 8
    assert f"cannot reach the SMTP server 127.0.0.1:{port}" in result.stdout
    assert "cannot reach" in cli("doctor", "--json").json()["report"]["last error"]
