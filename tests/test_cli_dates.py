"""Dates typed on the command line: read in the workspace's order (from its time
zone, or `rapport settings dates`), said back in words when another order would read
them otherwise; and a person's one birthday."""

from __future__ import annotations

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


def _cli(database_url: str, tmp_path, zone: str) -> Cli:
    c = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    c("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", zone)
    c("person", "add", "Ana Lima")
    return c


@pytest.fixture
def lisbon(database_url: str, tmp_path) -> Cli:
    return _cli(database_url, tmp_path, "Europe/Lisbon")


@pytest.fixture
def new_york(database_url: str, tmp_path) -> Cli:
    return _cli(database_url, tmp_path, "America/New_York")


def test_a_lisbon_user_s_12_10_1985_is_12_october(lisbon: Cli) -> None:
    out = lisbon("milestone", "Ana", "birthday", "12-10-1985")
    assert "Ana Lima: birthday on 12 October 1985" in out.stdout
    row = lisbon("milestones", "--within", "366", "--json").json()[0]
    assert (row["month"], row["day"], row["year"]) == (10, 12, 1985)


def test_a_new_york_user_s_12_10_1985_is_december_10(new_york: Cli) -> None:
    out = new_york("milestone", "Ana", "birthday", "12/10/1985")
    assert "Ana Lima: birthday on 10 December 1985" in out.stdout


def test_an_ambiguous_due_date_is_echoed_in_words_and_an_unambiguous_one_is_not(
    lisbon: Cli,
) -> None:
    out = lisbon("promise", "Ana", "send the deck", "--due", "12/12", "--json")
    assert out.stderr == ""  # 12/12 reads the same in every order
    assert out.json()["due_on"] == "2026-12-12"
    out = lisbon("promise", "Ana", "call back", "--due", "3/12", "--json")
    assert out.json()["due_on"] == "2026-12-03"  # stdout stays JSON
    assert "due: 3 December 2026 (read from '3/12'" in out.stderr
    out = lisbon("log", "Ana", "-s", "coffee", "-w", "2.11.2026")
    assert "when: 2 November 2026" in out.stderr


def test_the_order_can_be_chosen_and_shown(lisbon: Cli) -> None:
    shown = lisbon("settings", "dates", "--json").json()
    assert (shown["setting"], shown["order"]) == ("auto", "DMY")
    assert "day first" in lisbon("settings", "dates").stdout
    chosen = lisbon("settings", "dates", "--order", "mdy", "--json").json()
    assert (chosen["setting"], chosen["order"]) == ("MDY", "MDY")
    out = lisbon("milestone", "Ana", "work-anniversary", "3/1")
    assert "work-anniversary on 1 March" in out.stdout
    assert lisbon("settings", "dates", "--order", "auto", "--json").json()["order"] == "DMY"
    bad = lisbon("settings", "dates", "--order", "DDMM", ok=False)
    assert bad.exit_code == 2 and "'DDMM' is not one of DMY, MDY, YMD, auto" in bad.stderr


def test_with_no_order_an_ambiguous_date_is_refused_and_iso_works(
    database_url: str, tmp_path
) -> None:
    utc = _cli(database_url, tmp_path, "UTC")
    assert utc("settings", "dates", "--json").json()["order"] is None
    refused = utc("milestone", "Ana", "birthday", "12/10/1985", ok=False)
    assert refused.exit_code == 2
    assert "could be 12 October 1985 or 10 December 1985" in refused.stderr
    assert (
        "birthday on 10 December 1985" in utc("milestone", "Ana", "birthday", "1985-12-10").stdout
    )
    assert "1 March" in utc("milestone", "Ana", "custom", "1 March", "--label", "Day").stdout


def test_a_second_birthday_is_refused_unless_replaced_or_added(lisbon: Cli) -> None:
    lisbon("milestone", "Ana", "birthday", "12-10-1985")
    refused = lisbon("milestone", "Ana", "birthday", "13-10-1985", ok=False)
    assert refused.exit_code == 4
    assert refused.stderr.strip() == (
        "error: Ana Lima already has a birthday: 12 October 1985. "
        "Use --replace to change it, or --another to record a second one."
    )
    again = lisbon("milestone", "Ana", "birthday", "1985-10-12", "--json").json()
    assert again["day"] == 12  # the day stored already: that one, not a refusal

    replaced = lisbon("milestone", "Ana", "birthday", "13-10-1985", "--replace", "--json").json()
    assert (replaced["id"], replaced["day"]) == (again["id"], 13)
    second = lisbon("milestone", "Ana", "birthday", "1 May", "--another", "--json").json()
    assert second["id"] != again["id"]
    days = {
        (m["month"], m["day"]) for m in lisbon("milestones", "--within", "366", "--json").json()
    }
    assert days == {(10, 13), (5, 1)}
    both = lisbon("milestone", "Ana", "birthday", "2 May", "--replace", "--another", ok=False)
    assert both.exit_code == 2


def test_other_kinds_of_date_may_repeat(lisbon: Cli) -> None:
    lisbon("milestone", "Ana", "custom", "1 May", "--label", "Name day")
    lisbon("milestone", "Ana", "custom", "2 May", "--label", "Graduation")
    assert len(lisbon("milestones", "--within", "366", "--json").json()) == 2


def test_person_add_and_edit_take_a_birthday_by_the_same_rule(lisbon: Cli) -> None:
    added = lisbon("person", "add", "Rui Melo", "--birthday", "12-10-1985")
    assert "birthday: 12 October 1985 (read from '12-10-1985'" in added.stderr
    refused = lisbon("person", "edit", "Rui", "--birthday", "1 May 1985", ok=False)
    assert refused.exit_code == 4 and "Rui Melo already has a birthday: 12 October 1985." in (
        refused.stderr
    )
    lisbon("person", "edit", "Rui", "--birthday", "1 May 1985", "--replace")
    lisbon("person", "edit", "Rui", "--birthday", "2 June", "--another")
    listed = lisbon("milestones", "--within", "366", "--json").json()
    assert sorted((m["month"], m["day"], m["year"]) for m in listed) == [
        (5, 1, 1985),
        (6, 2, None),
    ]
