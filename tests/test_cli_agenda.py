"""The agenda, drafts, briefs and health from the command line."""

from __future__ import annotations

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path) -> Cli:
    c = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    c("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", "UTC")
    c("person", "add", "Carla Dias", "--type", "client", "--met-on", "2026-08-01", "--org", "Acme")
    c("got", "Carla", "intro", "to a designer", "--on", "2026-11-18")
    c("person", "add", "Bruno Souza", "--type", "peer", "--met-on", "2026-01-10")
    return c


def test_agenda_lists_people_with_reasons_and_actions(cli: Cli) -> None:
    out = cli("agenda").stdout
    assert "Agenda for 2026-11-23: 2 people" in out
    assert "1. Carla Dias (Acme)" in out
    assert "made an introduction (to a designer) 5 days ago, not yet thanked" in out
    data = cli("agenda", "--json").json()
    assert data["total"] == 2
    first = data["entries"]
    assert [e["person"] for e in first] == ["Carla Dias", "Bruno Souza"]
    assert [r["kind"] for r in first[0]["reasons"]] == ["thanks", "keep-in-touch"]


def test_draft_then_done_removes_the_item(cli: Cli) -> None:
    cli("agenda")
    draft = cli("draft", "1").stdout
    assert "To: Carla Dias" in draft and "Subject: Thank you" in draft and "to a designer" in draft
    assert "Sam" in draft
    refused = cli("done", "1", ok=False)  # two reasons: which one?
    assert refused.exit_code == 4 and "Carla Dias has 2 reasons" in refused.stderr
    assert cli(
        "done", "1", "--all", "--note", "Thanked her by email", "--kind", "email"
    ).stdout == ("Carla Dias: done th1, t1 (thanks recorded; email logged: Thanked her by email)\n")
    people = [e["person"] for e in cli("agenda", "--json").json()["entries"]]
    assert people == ["Bruno Souza"]
    shown = cli("person", "show", "carla", "--json").json()
    assert shown["interactions"][0]["summary"] == "Thanked her by email"


def test_snooze_and_dismiss(cli: Cli) -> None:
    assert cli("snooze", "bruno", "--until", "2026-12-01").stdout.strip() == (
        "Bruno Souza: snoozed t2 until 1 December"
    )
    assert cli("dismiss", "carla", "--all").stdout == (
        "Carla Dias: dismissed th1 until 30 November; t1 until 23 December\n"
    )
    assert cli("agenda", "--json").json()["entries"] == []
    later = cli("agenda", "--date", "2026-12-01", "--json").json()["entries"]
    assert [(e["person"], [r["kind"] for r in e["reasons"]]) for e in later] == [
        ("Carla Dias", ["thanks"]),  # back after a week; the check-in after her rhythm
        ("Bruno Souza", ["keep-in-touch"]),
    ]
    cli("agenda")
    result = cli("done", "7", ok=False)
    assert result.exit_code == 3
    assert result.stderr.startswith("error: the agenda listed last had 0 items")


def test_health_brief_for_a_person_and_the_network(cli: Cli) -> None:
    h = cli("health", "carla", "--json").json()
    assert 0 <= h["value"] <= 100 and len(h["components"]) == 5
    assert "Carla Dias:" in cli("health", "carla").stdout
    net = cli("health", "--json").json()
    assert net["people"] == 2 and net["composition_by_type"] == {"client": 1, "peer": 1}
    brief = cli("brief", "carla").stdout
    assert (
        "Brief: Carla Dias" in brief and "Thank them for the introduction: to a designer" in brief
    )


def test_the_brief_shows_notes_and_keeps_many_lines_under_their_label(cli: Cli) -> None:
    cli("person", "edit", "carla", "--notes", "Prefers mornings.\n\nAsk about the move.")
    agenda = "Agenda:\n- pilot scope\n- pricing"
    cli("log", "carla", "--kind", "meeting", "--summary", "Review", "--notes", agenda)
    lines = cli("brief", "carla").stdout.splitlines()
    notes = next(i for i, line in enumerate(lines) if "your notes" in line)
    column = lines[notes].index("Prefers mornings.")
    assert lines[notes + 1][:column].strip() == ""  # the second paragraph under the first
    assert lines[notes + 1][column:].startswith("Ask about the move.")
    pricing = next(line for line in lines if "- pricing" in line)
    assert pricing.startswith(" " * 6)  # under the conversation, not at the margin


@pytest.mark.parametrize("ref", ["²", "³", "٢", "１", "#²", "1²"])
def test_a_number_in_other_digits_is_refused_not_a_crash(cli: Cli, ref: str) -> None:
    """Item numbers are written in the digits 0-9: a superscript, Arabic-Indic or
    full-width digit names no item (it used to reach `int()`: a crash, or an item)."""
    for command in ("done", "draft", "snooze", "dismiss"):
        result = cli(command, ref, ok=False)
        assert result.exit_code == 2, (command, result.stderr)
        assert result.stderr.startswith("error: ref: ") and "0-9" in result.stderr
    assert cli("agenda", "--json").json()["total"] == 2  # nothing was marked
