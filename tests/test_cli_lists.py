"""`rapport lists`: saved filters and hand-picked lists, stages, and a list as the
target of a bulk edit and of the agenda."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("person", "add", "Ana Lima", "--org", "Acme", "--tag", "investor", "--type", "client")
    cli("person", "add", "Bruno Souza", "--org", "Acme", "--type", "client")
    cli("person", "add", "Carla Dias", "--org", "Globex", "--tag", "investor")
    return cli


def _members(cli: Cli, name: str) -> list[tuple[str, str | None]]:
    view = cli("lists", "show", name, "--json").json()
    return [(m["person"]["name"], m["stage"]) for m in view["members"]]


def test_a_saved_filter_follows_the_people_who_match(cli: Cli) -> None:
    made = cli("lists", "add", "Investors", "--tag", "investor", "--json").json()
    assert made["kind"] == "filter" and made["filter"] == {"tag": "investor"}
    assert made["people"] == 2
    assert _members(cli, "investors") == [("Ana Lima", None), ("Carla Dias", None)]
    cli("person", "edit", "Bruno", "--tag", "investor")
    assert [n for n, _ in _members(cli, "INVESTORS")] == ["Ana Lima", "Bruno Souza", "Carla Dias"]
    cli("person", "archive", "Carla")  # archived: out of the view
    assert [n for n, _ in _members(cli, "Investors")] == ["Ana Lima", "Bruno Souza"]
    listed = cli("lists", "--json").json()
    assert [(x["name"], x["people"], x["described"]) for x in listed] == [
        ("Investors", 2, "tag #investor")
    ]


def test_a_picked_list_with_a_pipeline(cli: Cli) -> None:
    said = cli("lists", "add", "Raise", "--stages", "To contact, Talking, Committed").stdout
    assert "Made the list Raise" in said and "picked by hand" in said
    said = cli("lists", "add-people", "Raise", "Ana", "Carla").stdout
    assert said.startswith("Added 2 people to Raise.")
    assert _members(cli, "Raise") == [("Ana Lima", "To contact"), ("Carla Dias", "To contact")]
    moved = cli("lists", "move", "Raise", "Carla", "talking", "--json").json()
    assert moved["stage"] == "Talking"
    assert _members(cli, "Raise") == [("Ana Lima", "To contact"), ("Carla Dias", "Talking")]
    board = cli("lists", "show", "Raise", "--json").json()["board"]
    assert [(c["stage"], len(c["members"])) for c in board] == [
        ("To contact", 1), ("Talking", 1), ("Committed", 0)
    ]  # fmt: skip
    cli("undo")
    assert _members(cli, "Raise")[1] == ("Carla Dias", "To contact")
    cli("person", "archive", "Ana")  # leaves the view, keeps the place
    assert [n for n, _ in _members(cli, "Raise")] == ["Carla Dias"]
    cli("person", "unarchive", "Ana")
    assert [n for n, _ in _members(cli, "Raise")] == ["Ana Lima", "Carla Dias"]
    cli("lists", "remove-people", "Raise", "Ana")
    assert [n for n, _ in _members(cli, "Raise")] == ["Carla Dias"]


def test_rename_stages_and_delete(cli: Cli) -> None:
    cli("lists", "add", "Clients", "--type", "client")
    assert (
        "Renamed Clients to Key clients." in cli("lists", "rename", "clients", "Key clients").stdout
    )
    cli("lists", "stages", "Key clients", "New, Won")
    cli("lists", "move", "Key clients", "Bruno", "Won")
    assert _members(cli, "Key clients") == [("Ana Lima", "New"), ("Bruno Souza", "Won")]
    cli("lists", "stages", "Key clients", "Lead, Won, Lost")
    assert _members(cli, "Key clients") == [("Ana Lima", "Lead"), ("Bruno Souza", "Won")]
    said = cli("lists", "delete", "Key clients").stdout
    assert "its people are unchanged" in said
    assert cli("lists", "--json").json() == []
    assert len(cli("person", "list", "--json").json()["people"]) == 3


def test_mistakes_are_one_clear_line(cli: Cli) -> None:
    cli("lists", "add", "Investors", "--tag", "investor")
    again = cli("lists", "add", "investors", ok=False)
    assert again.exit_code != 0 and "already a list called 'Investors'" in again.stderr
    by_hand = cli("lists", "add-people", "Investors", "Bruno", ok=False)
    assert "is a saved filter (tag #investor)" in by_hand.stderr
    no_stages = cli("lists", "move", "Investors", "Ana", "Talking", ok=False)
    assert "has no stages" in no_stages.stderr
    cli("lists", "add", "Raise", "--stages", "A, B")
    wrong = cli("lists", "move", "Raise", "Ana", "C", ok=False)
    assert "'C' is not one of Raise's stages: A, B" in wrong.stderr
    off = cli("lists", "move", "Raise", "Ana", "B", ok=False)
    assert "Ana Lima is not on Raise" in off.stderr
    assert "two commas" in cli("lists", "add", "X", "--stages", "A,,B", ok=False).stderr
    assert "health" in cli("lists", "add", "X", "--health", "great", ok=False).stderr
    assert "no list called 'Nope'" in cli("lists", "show", "Nope", ok=False).stderr
    assert [x["name"] for x in cli("lists", "--json").json()] == ["Investors", "Raise"]


def test_bulk_on_a_list_and_into_a_list(cli: Cli) -> None:
    cli("lists", "add", "Investors", "--tag", "investor")
    cli("person", "bulk", "cadence", "30", "--list", "Investors")
    shown = cli("person", "show", "Carla", "--json").json()["person"]
    assert shown["cadence_days"] == 30
    cli("lists", "add", "Quarterly")
    done = cli("person", "bulk", "list", "Quarterly", "--org", "Acme", "--json").json()
    assert done["changed"] == 2 and done["undo"]["action"] == "unlist"
    assert [n for n, _ in _members(cli, "Quarterly")] == ["Ana Lima", "Bruno Souza"]
    cli("undo")
    assert _members(cli, "Quarterly") == []


def test_the_agenda_of_one_list(cli: Cli) -> None:
    cli("person", "edit", "Ana", "--met-on", "2026-01-10")
    cli("person", "edit", "Bruno", "--met-on", "2026-01-10")
    everyone = cli("agenda", "--json").json()
    assert {e["person"] for e in everyone["entries"]} == {"Ana Lima", "Bruno Souza"}
    cli("lists", "add", "Raise")
    cli("lists", "add-people", "Raise", "Bruno", "Carla")
    only = cli("agenda", "--list", "raise", "--json").json()
    assert [(e["position"], e["person"]) for e in only["entries"]] == [(1, "Bruno Souza")]
    assert only["total"] == 1
    assert "1 person among Raise" in cli("agenda", "--list", "Raise").stdout


def test_the_digest_follows_a_list_in_a_section_of_its_own(cli: Cli) -> None:
    cli("person", "edit", "Ana", "--met-on", "2026-01-10")
    cli("person", "edit", "Bruno", "--met-on", "2026-01-10")
    cli("lists", "add", "Raise")
    cli("lists", "add-people", "Raise", "Bruno", "Carla")
    cli("lists", "add", "Quiet")
    said = cli("settings", "digest", "--list", "raise", "--list", "Quiet").stdout
    assert "following Quiet, Raise" in said
    text = cli("digest").stdout
    assert "Today (2 people):" in text  # the whole agenda stays
    assert "Raise (1 person today):\n- Bruno Souza: " in text
    assert "Quiet: nobody on this list needs you today." in text
    html = cli("digest", "--html").stdout
    assert "<h3>Raise: 1 person today</h3>" in html
    cli("lists", "delete", "Quiet")  # a deleted list is simply no longer followed
    assert "Quiet" not in cli("digest").stdout
    cli("settings", "digest", "--no-lists")
    assert "Raise (" not in cli("digest").stdout
    missing = cli("settings", "digest", "--list", "Nope", ok=False)
    assert "no list called 'Nope'" in missing.stderr


def test_a_saved_filter_by_one_of_your_fields(cli: Cli) -> None:
    cli("field", "add", "Stage", "--type", "choice", "--options", "Seed,Series A")
    cli("person", "edit", "Ana", "--field", "Stage=Seed")
    cli("person", "edit", "Carla", "--field", "stage=series a")
    made = cli("lists", "add", "Seed rounds", "--field", "Stage=Seed", "--json").json()
    assert made["filter"] == {"field": "Stage=Seed"} and made["people"] == 1
    assert _members(cli, "seed rounds") == [("Ana Lima", None)]
    cli("person", "edit", "Bruno", "--field", "Stage=seed")  # the list follows
    assert [n for n, _ in _members(cli, "Seed rounds")] == ["Ana Lima", "Bruno Souza"]
    assert cli("lists", "--json").json()[0]["described"] == "field Stage=Seed"
