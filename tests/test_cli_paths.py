"""`rapport path` on SQLite and PostgreSQL: the paths in words, the organisation as a
target, the introduction request, --json, and one-line refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def _day(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def _network(cli: Cli) -> None:
    """The user sees Ana every month; Ana introduced Zoe (Vento) to Omar, whom the
    user has never spoken to; Zoe is the one the user would like to meet."""
    cli("init", "--email", "sam@work.example", "--name", "Sam Reyes", "--timezone", "UTC")
    cli("person", "add", "Ana Lima", "--org", "Acme")
    cli("person", "add", "Zoe Park", "--org", "Vento", "--title", "CEO")
    cli("person", "add", "Omar Haddad")
    cli("person", "add", "Dora Quist")
    for days in (2, 30, 60):
        cli("log", "Ana Lima", "--when", _day(days), "--summary", "Catch-up")
    cli("intro", "Zoe Park", "--to", "Omar Haddad", "--by", "Ana Lima", "--on", _day(30))


def test_the_path_in_words_and_as_json(cli: Cli) -> None:
    _network(cli)
    out = cli("path", "zoe").stdout
    assert "How to reach Zoe Park:" in out
    assert "1. Ask Ana Lima (you: strong (" in out
    assert "→ Zoe Park: Ana introduced Zoe to Omar" in out
    assert 'Draft the request: rapport path "zoe" --draft' in out
    data = cli("path", "zoe", "--json").json()
    assert data["target"] == "Zoe Park"
    assert [h["name"] for h in data["paths"][0]["hops"]] == ["Ana Lima", "Zoe Park"]
    assert {h["name"] for h in data["known_by"]} == {"Ana Lima", "Omar Haddad"}


def test_the_request_and_the_organisation(cli: Cli) -> None:
    _network(cli)
    out = cli("path", "zoe", "--draft", "--about", "compare notes on hiring").stdout
    assert out.startswith("To Ana Lima\nSubject: An introduction to Zoe Park?\n")
    assert "Hi Ana,\n\nI hope you're well. Would you be open to introducing me to " in out
    assert "Zoe Park (CEO at Vento)? I believe you know each other." in out
    assert "I'd like to compare notes on hiring." in out
    assert out.rstrip().endswith("Thank you,\nSam")
    org = cli("path", "--org", "vento").stdout
    assert "How to reach anyone at Vento:" in org and "Ask Ana Lima" in org


def test_refusals_are_one_line(cli: Cli) -> None:
    _network(cli)
    both = cli("path", "zoe", "--org", "vento", ok=False)
    assert both.exit_code == 2 and "name one person, or an organisation" in both.stderr
    nobody = cli("path", "dora", "--draft", ok=False)
    assert nobody.exit_code == 4
    assert "no one Rapport knows of can introduce you to Dora Quist" in nobody.stderr
    assert "No way to Dora Quist yet" in cli("path", "dora").stdout
    unknown = cli("path", "--org", "nowhere", ok=False)
    assert unknown.exit_code != 0 and "no organisation matches 'nowhere'" in unknown.stderr
