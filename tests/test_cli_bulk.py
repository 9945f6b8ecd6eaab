"""`rapport person bulk`: the bulk bar on the command line, on ids or on the
filters of `rapport person list`, with a dry run and `rapport undo`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("person", "add", "Ana Lima", "--org", "Acme", "--tag", "summit")
    cli("person", "add", "Bruno Souza", "--org", "Acme", "--type", "client")
    cli("person", "add", "Carla Dias", "--org", "Globex", "--tag", "summit")
    return cli


def _names(cli: Cli, *filters: str) -> list[str]:
    return [p["name"] for p in cli("person", "list", *filters, "--json").json()["people"]]


def test_a_dry_run_lists_who_would_change_and_changes_nothing(cli: Cli) -> None:
    said = cli("person", "bulk", "tag", "investor", "--org", "Acme", "--dry-run").stdout
    assert "tag investor would apply to 2 people" in said
    assert "Ana Lima" in said and "Bruno Souza" in said and "Carla" not in said
    assert _names(cli, "--tag", "investor") == []


def test_bulk_tag_on_a_filter_then_undo(cli: Cli) -> None:
    said = cli("person", "bulk", "tag", "investor", "--org", "Acme").stdout
    assert said == "Tagged 2 people #investor.\nUndo with `rapport undo`.\n"
    assert _names(cli, "--tag", "investor") == ["Ana Lima", "Bruno Souza"]
    cli("undo")
    assert _names(cli, "--tag", "investor") == []


def test_bulk_delete_goes_to_the_archive_and_comes_back(cli: Cli) -> None:
    done = cli("person", "bulk", "delete", "--tag", "summit", "--json").json()
    assert done["action"] == "delete" and done["changed"] == 2
    assert done["undo"]["action"] == "unarchive"
    assert _names(cli) == ["Bruno Souza"]
    assert _names(cli, "--archived") == ["Ana Lima", "Carla Dias"]  # history kept
    cli("undo")
    assert _names(cli) == ["Ana Lima", "Bruno Souza", "Carla Dias"]


def test_bulk_on_people_chosen_by_a_field_of_yours(cli: Cli) -> None:
    cli("field", "add", "Stage", "--type", "choice", "--options", "Seed,Series A")
    cli("person", "edit", "Ana Lima", "--field", "Stage=Seed")
    cli("person", "edit", "Carla Dias", "--field", "Stage=seed")
    cli("person", "edit", "Bruno Souza", "--field", "Stage=Series A")
    would = cli("person", "bulk", "tag", "seed-round", "--field", "Stage=Seed", "--dry-run")
    assert "would apply to 2 people" in would.stdout and "Bruno" not in would.stdout
    done = cli("person", "bulk", "tag", "seed-round", "--field", "Stage=Seed", "--json").json()
    assert done["changed"] == 2
    assert _names(cli, "--tag", "seed-round") == ["Ana Lima", "Carla Dias"]
    unknown = cli("person", "bulk", "archive", "--field", "Round=Seed", ok=False)
    assert unknown.exit_code != 0 and "Round" in unknown.stderr
    assert _names(cli) == ["Ana Lima", "Bruno Souza", "Carla Dias"]


def test_bulk_by_ids_and_its_errors(cli: Cli) -> None:
    ids = {p["name"]: p["id"] for p in cli("person", "list", "--json").json()["people"]}
    chosen = f"{ids['Ana Lima']},{ids['Carla Dias']}"
    cli("person", "bulk", "cadence", "30", "--ids", chosen)
    shown = cli("person", "show", "Carla", "--json").json()["person"]
    assert shown["cadence_days"] == 30
    nobody = cli("person", "bulk", "archive", ok=False)
    assert nobody.exit_code != 0 and "name the people" in nobody.stderr
    missing = cli("person", "bulk", "archive", "--ids", "999", ok=False)
    assert missing.exit_code != 0 and "no person with id 999" in missing.stderr
    wrong = cli("person", "bulk", "explode", "--ids", chosen, ok=False)
    assert wrong.exit_code != 0 and "'explode' is not one of" in wrong.stderr
    none = cli("person", "bulk", "tag", "x", "--tag", "nobody-has-this").stdout
    assert "Nobody matches" in none


def test_more_than_ten_people_are_confirmed_on_a_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from rapport.cli import app, bulk, runtime

    for n in range(10):
        cli("person", "add", f"Guest {n:02d}", "--tag", "fair")
    cli("person", "edit", "Ana", "--tag", "fair")
    monkeypatch.setattr(bulk, "on_a_terminal", lambda: True)
    args = ["person", "bulk", "delete", "--tag", "fair"]
    runtime.reset()
    refused = CliRunner().invoke(app, args, input="n\n", env=cli.env)
    runtime.reset()
    assert "delete on 11 people?" in refused.stdout and refused.exit_code != 0
    assert len(_names(cli, "--tag", "fair")) == 11  # nothing changed
    runtime.reset()
    agreed = CliRunner().invoke(app, args, input="y\n", env=cli.env)
    runtime.reset()
    assert agreed.exit_code == 0, agreed.stderr
    assert "Deleted 11 people to the archive" in agreed.stdout
    assert _names(cli, "--tag", "fair") == []
    back = cli("person", "bulk", "unarchive", "--tag", "fair", "--archived", "--yes")
    assert back.stdout.startswith("Restored 11 people.")
    assert len(_names(cli, "--tag", "fair")) == 11
