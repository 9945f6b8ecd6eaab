"""The daily loop a user can trust, from the command line (issue 14): each test
replays what a user reported, on both backends."""

from __future__ import annotations

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path) -> Cli:
    """Ana's promise is late (#1), Sofia is owed thanks (#2), Kenji's promise is due
    tomorrow (#3)."""
    c = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    c("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", "UTC")
    c("person", "add", "Ana Okafor")
    c("promise", "Ana", "send the deck", "--due", "2026-11-20")
    c("person", "add", "Sofia Marques")
    c("got", "Sofia", "advice", "on the pitch", "--on", "2026-11-18")
    c("person", "add", "Kenji Watanabe")
    c("promise", "Kenji", "share two data-engineer CVs", "--due", "2026-11-24")
    return c


def _refs(cli: Cli, person: str) -> dict[str, str]:
    """`person`'s reasons on today's agenda, kind → reference (lists the agenda)."""
    for entry in cli("agenda", "--json").json()["entries"]:
        if entry["person"] == person:
            return {r["kind"]: r["ref"] for r in entry["reasons"]}
    return {}


def _open_promises(cli: Cli) -> list[str]:
    return [p["description"] for p in cli("promises", "list", "--json").json()]


def test_a_number_means_the_listing_the_user_saw(cli: Cli) -> None:
    """Reported: after `done 1` the listing renumbered, and `done 2 --note "emailed
    Sofia"` kept Kenji's promise."""
    out = cli("agenda").stdout
    assert " 1. Ana Okafor" in out and " 2. Sofia Marques" in out and " 3. Kenji Watanabe" in out
    cli("done", "1")
    answer = cli("done", "2", "--note", "emailed Sofia").stdout
    assert answer.startswith("Sofia Marques: done th") and "thanks recorded" in answer
    assert "Kenji" not in answer
    assert _open_promises(cli) == ["share two data-engineer CVs"]
    # #2 of that listing has been answered since: refused, with today's references
    again = cli("done", "2", ok=False)
    assert again.exit_code == 4
    assert again.stderr.startswith("error: #2 (Sofia Marques) has changed since the agenda")
    kenji = _refs(cli, "Kenji Watanabe")["promise"]
    assert cli("done", "1").stdout.startswith(f"Kenji Watanabe: done {kenji}")


def test_a_number_before_any_listing_is_refused(cli: Cli) -> None:
    result = cli("done", "2", ok=False)
    assert result.exit_code == 4 and "no agenda was listed here today" in result.stderr
    assert len(_open_promises(cli)) == 2


def test_every_reason_prints_its_reference(cli: Cli) -> None:
    out = cli("agenda").stdout
    for ref in _refs(cli, "Ana Okafor").values():
        assert f"    {ref} " in out
    # the hint at the foot names a reference the listing printed, not a made-up one
    hint = " ".join(out.split()).split("rapport done ", 1)[1].split(" ", 1)[0]
    assert f"    {hint} " in out and "answers that one reason" in out


def test_done_answers_one_reason_and_all_only_when_asked(cli: Cli) -> None:
    """Reported: `done nadia` on 'thanks owed' + 'feedback action due in 6 days'
    recorded the thanks and also kept the feedback promise."""
    cli("person", "add", "Nadia Rahman")
    cli("got", "Nadia", "advice", "--on", "2026-11-19")
    cli("feedback", "Nadia", "Be concise", "--action", "cut the deck to ten", "--due", "in 6 days")
    refs = _refs(cli, "Nadia Rahman")
    assert set(refs) == {"thanks", "feedback"}
    refused = cli("done", "nadia", ok=False)
    assert refused.exit_code == 4
    assert f"Name one ({refs['thanks']}, {refs['feedback']})" in refused.stderr
    assert "--all" in refused.stderr
    answer = cli("done", refs["thanks"]).stdout
    assert "thanks recorded" in answer and "promise kept" not in answer
    assert "cut the deck to ten" in _open_promises(cli)
    assert _refs(cli, "Nadia Rahman") == {"feedback": refs["feedback"]}


def test_done_all_says_what_it_did(cli: Cli) -> None:
    cli("person", "add", "Nadia Rahman")
    cli("got", "Nadia", "advice", "--on", "2026-11-19")
    cli("promise", "Nadia", "send the notes", "--due", "2026-11-23")
    answer = cli("done", "nadia", "--all", "--note", "called her").stdout
    assert "thanks recorded" in answer and "promise kept: send the notes" in answer
    assert "logged: called her" in answer
    assert _refs(cli, "Nadia Rahman") == {}


def test_done_on_a_promise_logs_the_contact_with_the_note(cli: Cli) -> None:
    """Reported: `done` on a promise dropped --note and logged no contact."""
    kenji = _refs(cli, "Kenji Watanabe")["promise"]
    answer = cli("done", kenji, "--note", "sent both CVs", "--kind", "email").stdout
    assert answer == (
        f"Kenji Watanabe: done {kenji} (promise kept: share two data-engineer CVs; "
        "email logged: sent both CVs)\n"
    )
    shown = cli("person", "show", "kenji", "--json").json()
    assert [(i["kind"], i["summary"]) for i in shown["interactions"]] == [
        ("email", "sent both CVs")
    ]
    ana = _refs(cli, "Ana Okafor")["promise"]
    assert "logged" not in cli("done", ana, "--no-log").stdout
    assert cli("person", "show", "ana", "--json").json()["interactions"] == []


def test_coffee_is_logged_as_a_meeting_called_coffee(cli: Cli) -> None:
    """Reported: `--kind coffee` was logged as 'meal'."""
    sofia = _refs(cli, "Sofia Marques")["thanks"]
    cli("done", sofia, "--kind", "coffee", "--note", "thanked her in person")
    shown = cli("person", "show", "sofia", "--json").json()
    assert [(i["kind"], i["summary"]) for i in shown["interactions"]] == [
        ("meeting", "Coffee: thanked her in person")
    ]


def test_a_dismissed_nudge_returns_at_the_next_check(cli: Cli) -> None:
    """Reported: a dismissed overdue nudge never returned, even weeks later."""
    cli("promise", "Kenji", "intro to Dana", "--they", "--due", "2026-11-20")
    nudge = _refs(cli, "Kenji Watanabe")["nudge"]
    answer = cli("dismiss", nudge).stdout
    assert answer == f"Kenji Watanabe: dismissed {nudge} until 30 November\n"

    def kinds(day: str) -> list[str]:
        entries = cli("agenda", "--date", day, "--json").json()["entries"]
        return [r["kind"] for e in entries if e["person"] == "Kenji Watanabe" for r in e["reasons"]]

    assert "nudge" not in kinds("2026-11-29")
    assert "nudge" in kinds("2026-11-30")


def test_the_agenda_delays_are_settings_with_their_defaults(cli: Cli) -> None:
    """Reported: thanks owed appeared only after an unexplained 2-day delay, and
    event follow-ups lapsed silently after about 14 days."""
    shown = cli("settings", "agenda", "--json").json()
    assert shown["defaults"]["thanks_after_days"] == 2 and shown["defaults"]["follow_up_days"] == 14
    table = cli("settings", "agenda").stdout
    assert "--thanks-after" in table and "--follow-up-days" in table
    cli("person", "add", "Lea Braun", "--met-on", "2026-11-20")
    out = cli("agenda").stdout
    assert "not yet followed up" in out and "(shown until 4 December)" in out
    cli("got", "Ana", "introduction", "--on", "2026-11-23")
    assert "thanks" not in _refs(cli, "Ana Okafor")
    changed = cli("settings", "agenda", "--thanks-after", "0", "--follow-up-days", "20", "--json")
    assert changed.json()["agenda"]["thanks_after_days"] == 0
    assert "thanks" in _refs(cli, "Ana Okafor")
    assert "(shown until 10 December)" in cli("agenda").stdout
    bad = cli("settings", "agenda", "--follow-up-days", "0", ok=False)
    assert bad.exit_code == 2 and "agenda.follow_up_days" in bad.stderr
    cli("settings", "agenda", "--reset")
    assert cli("settings", "agenda", "--json").json()["agenda"]["follow_up_days"] == 14
