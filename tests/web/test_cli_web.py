"""`rapport user` and `rapport token` (the web's accounts from the command line), and
`rapport serve --help`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rapport.cli import app, runtime
from rapport.services import tokens
from rapport.services.context import Rapport
from rapport.settings import Settings
from tests.conftest import TODAY


class Run:
    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.env = {
            "RAPPORT_DATABASE_URL": database_url,
            "RAPPORT_DATA_DIR": str(data_dir),
            "RAPPORT_TODAY": TODAY.isoformat(),
            "COLUMNS": "200",
        }

    def __call__(self, *args: str, stdin: str | None = None, code: int = 0) -> str:
        runtime.reset()
        result = CliRunner().invoke(app, list(args), env=self.env, input=stdin)
        runtime.reset()
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result.stdout + result.stderr


@pytest.fixture
def run(database_url: str, tmp_path: Path) -> Run:
    return Run(database_url, tmp_path)


def test_users_and_tokens_from_the_command_line(
    run: Run, database_url: str, tmp_path: Path
) -> None:
    made = json.loads(
        run("user", "add", "sam@example.com", "--password-stdin", "--json", stdin="a long secret\n")
    )
    assert made["is_owner"] is True
    assert "already exists" in run(
        "user", "add", "SAM@example.com", "--password-stdin", stdin="a long secret\n", code=4
    )
    assert "at least 10 characters" in run(
        "user", "add", "eva@example.com", "--password-stdin", stdin="short\n", code=2
    )
    second = json.loads(
        run(
            "user", "add", "eva@example.com", "--password-stdin", "--json", stdin="another secret\n"
        )
    )
    assert second["workspace_id"] != made["workspace_id"]
    said = run("user", "add", "lee@example.com", "--password-stdin", stdin="a third secret\n")
    assert "with a network of its own, empty" in said and "owns" not in said
    assert "eva@example.com" in run("user", "list")

    created = json.loads(run("token", "create", "calendar sync", "--json"))
    secret = created["secret"]
    assert secret.startswith("rpt_")
    assert created["token"]["user_email"] == "sam@example.com"
    handle = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    try:
        user = tokens.authenticate(handle, secret)
        assert user is not None and user.email == "sam@example.com"
        listed = json.loads(run("token", "list", "--json"))
        assert [t["name"] for t in listed] == ["calendar sync"]
        assert secret not in run("token", "list")
        run("token", "revoke", str(created["token"]["id"]))
        assert tokens.authenticate(handle, secret) is None
    finally:
        handle.dispose()
    evas = json.loads(run("token", "create", "phone", "--user", "eva@example.com", "--json"))
    assert evas["token"]["user_email"] == "eva@example.com"
    assert "no token with id" in run(
        "token", "revoke", str(evas["token"]["id"]), code=3
    )  # Eva's token is not in the owner's network
    assert "no account for nobody@example.com" in run(
        "token", "list", "--user", "nobody@example.com", code=3
    )


def test_token_needs_an_account(run: Run) -> None:
    assert "rapport user add EMAIL" in run("token", "create", "x", code=3)


def test_serve_help(run: Run) -> None:
    out = run("serve", "--help")
    for option in ("--host", "--port", "--demo"):
        assert option in out
