"""`rapport review`: list, accept, keep separate, all of a kind, --json, and one
clear sentence for a wrong number; the import summary points to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def _proposals(cli: Cli, tmp_path: Path) -> None:
    cli("person", "add", "Ana Lima", "--org", "Acme Robotics", "--title", "CTO")
    cli("person", "add", "Bruno Souza", "--org", "Globex")
    cli("person", "add", "Carla Dias", "--org", "Initech")
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Name,Email,Organization,Title\n"
        "Ana Lima,ana@initech.example,Initech,Designer\n"
        "Bruno Souza,,Hooli,Director\n"
        "Carla Dias,,Initech,Architect\n",
        encoding="utf-8",
    )
    dry = cli("import", str(crm), "--dry-run").stdout
    assert "3 kept for review" in dry and "dry run: nothing was saved" in dry
    assert cli("review", "--json").json()["total"] == 0
    out = cli("import", str(crm)).stdout
    assert "(csv): 0 people created\n" in out
    assert "3 kept for review (matched by name only) — see `rapport review`" in out


def test_review_lists_accepts_and_keeps_separate(cli: Cli, tmp_path: Path) -> None:
    _proposals(cli, tmp_path)
    listed = cli("review").stdout
    assert "3 kept for review" in listed
    assert "organization: Acme Robotics → Initech" in listed and "title: CTO → Designer" in listed
    data = cli("review", "--json").json()
    assert data["total"] == 3 and data["kinds"] == {"same-name": 2, "same-name-org": 1}
    ana, bruno, carla = (item["id"] for item in data["items"])
    out = cli("review", "accept", str(ana)).stdout
    assert "Accepted 1 proposal: 1 person updated" in out and "rapport undo" in out
    assert "Initech" in cli("person", "show", "Ana Lima").stdout
    kept = cli("review", "separate", str(bruno), "--json").json()
    assert kept["separated"] == 1 and len(kept["person_ids"]) == 1
    assert cli("person", "list", "--json").json()["total"] == 4
    done = cli("review", "accept", "--all", "--kind", "same-name-org", "--json").json()
    assert done["accepted"] == 1
    assert "Architect" in cli("person", "show", "Carla Dias").stdout
    assert "nothing to review" in cli("review").stdout
    cli("undo")
    assert cli("review", "--json").json()["items"][0]["id"] == carla


def test_a_wrong_number_is_one_clear_sentence(cli: Cli, tmp_path: Path) -> None:
    _proposals(cli, tmp_path)
    wrong = cli("review", "accept", "99", ok=False)
    assert wrong.exit_code != 0
    assert wrong.stderr.strip() == (
        "error: there is no proposal #99 waiting for review (decided already, or never "
        "made: `rapport review` lists them)"
    )
    assert "--all needs --kind" in cli("review", "separate", "--all", ok=False).stderr
    assert "not a kind of proposal" in cli("review", "--kind", "x", ok=False).stderr
