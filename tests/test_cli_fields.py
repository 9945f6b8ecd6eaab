"""`rapport field …` and `--field NAME=VALUE` on people and organisations, on
SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def test_define_fill_show_filter_and_delete(cli: Cli) -> None:
    cli("field", "add", "Stage", "--type", "choice", "--options", "Seed, Series A")
    cli("field", "add", "Fund size", "--type", "number")
    cli("field", "add", "Tier", "--for", "organizations")
    cli("person", "add", "Ana Lima", "--org", "Acme", "--field", "stage=seed",
        "--field", "Fund size=1,500,000")  # fmt: skip
    cli("person", "add", "Bruno Souza", "--field", "Stage=Series A")
    shown = cli("person", "show", "Ana", "--json").json()
    assert shown["person"]["fields"] == {"Stage": "Seed", "Fund size": "1,500,000"}
    assert "Fund size: 1,500,000" in cli("person", "show", "Ana").stdout
    listed = cli("person", "list", "--field", "Stage=Seed", "--json").json()
    assert [p["name"] for p in listed["people"]] == ["Ana Lima"]
    cli("person", "edit", "Ana", "--field", "Stage=")
    assert cli("person", "show", "Ana", "--json").json()["person"]["fields"] == {
        "Fund size": "1,500,000"
    }
    cli("org", "edit", "Acme", "--field", "Tier=Gold")
    assert cli("org", "show", "Acme", "--json").json()["fields"] == {"Tier": "Gold"}
    fields = cli("field", "list", "--json").json()
    assert [(f["name"], f["applies_to"], f["values"]) for f in fields] == [
        ("Stage", "people", 1), ("Fund size", "people", 1), ("Tier", "organizations", 1),
    ]  # fmt: skip
    cli("field", "rename", "stage", "Round")
    cli("field", "options", "Round", "Seed,Series A,Series B")
    gone = cli("field", "delete", "Round")
    assert "Deleted the field Round, with its 1 value" in gone.stdout
    cli("undo")
    assert cli("person", "list", "--field", "Round=series a", "--json").json()["total"] == 1


def test_bad_values_are_one_clear_line(cli: Cli) -> None:
    cli("field", "add", "Stage", "--type", "choice", "--options", "Seed,Series A")
    cli("field", "add", "Deck", "--type", "url")
    cli("person", "add", "Ana Lima")
    for args, said in (
        (("--field", "Stage=Series B"), "Stage: 'Series B' is not one of: Seed, Series A"),
        (("--field", "Deck=ftp://example.com"), "is not a web address"),
        (("--field", "Colour=red"), "no field 'Colour' for people"),
        (("--field", "Stage"), "write it as NAME=VALUE"),
    ):
        result = cli("person", "edit", "Ana", *args, ok=False)
        assert result.exit_code != 0
        assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
    refused = cli("field", "add", "stage", ok=False)
    assert "already a field named 'stage'" in refused.stderr
    assert cli("field", "add", "Kind", "--type", "colour", ok=False).exit_code == 2
    assert cli("person", "show", "Ana", "--json").json()["person"]["fields"] == {}
