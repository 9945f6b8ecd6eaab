"""`rapport merge` as a person would use it: the preview, the question, --yes,
--dry-run, --json, and `rapport undo` afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY

SRC = Path(__file__).parent.parent / "src"


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("person", "add", "Ana Lima", "--email", "ana@acme.com", "--org", "Initech",
        "--title", "Engineer")  # fmt: skip
    cli("person", "add", "Ana L.", "--force", "--email", "ana@acme.com", "--org", "Acme",
        "--title", "Designer", "--location", "Porto")  # fmt: skip
    cli("person", "add", "Bruno Costa")
    return cli


def _names(cli: Cli) -> list[str]:
    return sorted(p["name"] for p in cli("person", "list", "--json").json()["people"])


def test_dry_run_shows_the_plan_and_changes_nothing(cli: Cli) -> None:
    out = cli("merge", "#1", "#2", "--dry-run").stdout
    assert out.splitlines()[:3] == [
        "Merge Ana L. (#2) into Ana Lima (#1)",
        "Why: same email ana@acme.com (score 100)",
        "Ana Lima (Engineer at Initech) has: email ana@acme.com",
    ]
    assert "Filled in from Ana L.: location: Porto" in out
    assert (
        "  role: Engineer at Initech / Designer at Acme → Engineer at Initech stays the current "
        "role; Designer at Acme becomes a past role"
    ) in out
    plan = cli("merge", "#1", "#2", "--preview", "--json").json()
    assert plan["evidence"] == ["same email ana@acme.com"] and plan["warning"] is None
    assert _names(cli) == ["Ana L.", "Ana Lima", "Bruno Costa"]


def test_without_a_terminal_it_refuses_unless_told_yes(cli: Cli) -> None:
    refused = cli("merge", "#1", "#3", ok=False)
    assert refused.exit_code == 2
    assert refused.stderr.strip().endswith("add --yes to merge without being asked")
    assert "--yes" in refused.stderr and refused.stderr.count("\n") == 1
    assert _names(cli) == ["Ana L.", "Ana Lima", "Bruno Costa"]


def test_yes_merges_says_how_to_undo_and_undo_restores_both(cli: Cli) -> None:
    before = [cli("person", "show", f"#{i}", "--json").json() for i in (1, 2)]
    warned = cli("merge", "#1", "#3", "--dry-run").stdout
    assert "Careful: Ana Lima and Bruno Costa share no email, phone, name" in warned
    done = cli("merge", "Ana Lima", "#2", "--yes")
    assert done.stdout == "Merged Ana L. into Ana Lima (#1).\nChanged your mind? rapport undo\n"
    assert _names(cli) == ["Ana Lima", "Bruno Costa"]
    assert "Undid" in cli("undo").stdout
    assert [cli("person", "show", f"#{i}", "--json").json() for i in (1, 2)] == before


def test_json_answers_the_person_the_plan_and_the_entry_to_undo(cli: Cli) -> None:
    done = cli("merge", "#1", "#2", "--yes", "--json").json()
    assert done["person"]["name"] == "Ana Lima" and done["person"]["location"] == "Porto"
    assert done["preview"]["other"]["name"] == "Ana L."
    assert cli("history", "--json").json()[0]["id"] == done["entry_id"]


def _in_a_terminal(database_url: str, tmp_path: Path, answer: str) -> tuple[int, str]:
    """`rapport merge #1 #2` run with a real terminal as its input, answering `answer`."""
    leader, follower = os.openpty()
    env = {**os.environ, "PYTHONPATH": str(SRC), "RAPPORT_DATABASE_URL": database_url,
           "RAPPORT_TODAY": TODAY.isoformat(), "RAPPORT_DATA_DIR": str(tmp_path),
           "COLUMNS": "200"}  # fmt: skip
    os.write(leader, answer.encode() + b"\n")
    run = subprocess.run(
        [sys.executable, "-m", "rapport", "merge", "#1", "#2"],
        stdin=follower, capture_output=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    os.close(follower)
    os.close(leader)
    return run.returncode, run.stdout.decode()


def test_in_a_terminal_it_asks_and_no_keeps_both(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    code, out = _in_a_terminal(database_url, tmp_path, "n")
    assert code == 1
    assert "Merge Ana L. into Ana Lima? [y/N]: " in out and "Nothing was merged." in out
    assert _names(cli) == ["Ana L.", "Ana Lima", "Bruno Costa"]
    code, out = _in_a_terminal(database_url, tmp_path, "y")
    assert code == 0 and "Merged Ana L. into Ana Lima (#1)." in out
    assert _names(cli) == ["Ana Lima", "Bruno Costa"]
