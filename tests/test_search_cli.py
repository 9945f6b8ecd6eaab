"""`rapport search` over every record (--json, --kind, --sort, filters, did you mean)
and `rapport reindex`."""

from __future__ import annotations

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY


@pytest.fixture
def cli(database_url: str, tmp_path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def test_search_every_record_from_the_cli(cli: Cli) -> None:
    cli("event", "add", "WebSummit", "--on", "2026-11-16", "--place", "Lisbon")
    cli("event", "met", "websummit", "Ana Lima", "--org", "Acme", "--note", "voice agents")
    cli("event", "met", "websummit", "李小龙")
    found = cli("search", "voice agents", "--json").json()
    assert [(h["kind"], h["title"]) for h in found] == [
        ("person", "Ana Lima"),
        ("event", "WebSummit"),
    ]
    assert found[1]["href"].startswith("/events/")
    assert [h["title"] for h in cli("search", "小龙", "--json").json()] == ["李小龙"]
    events = cli("search", "lisbon", "--kind", "event", "--sort", "newest", "--json").json()
    assert [h["kind"] for h in events] == ["event"]
    assert "Ana Lima" in cli("search", "met:websummit org:acme").stdout
    bad = cli("search", "colour:red", ok=False)
    assert bad.exit_code != 0 and "unknown filter colour:" in bad.stderr
    assert "Did you mean Ana Lima?" in cli("search", "Ana Lmia").stdout
    rebuilt = cli("reindex", "--json").json()
    assert rebuilt["person"] == 2 and rebuilt["event"] == 1
    assert "Search index rebuilt" in cli("reindex").stdout
