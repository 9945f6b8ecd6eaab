"""`rapport correspondents`: list, add, ignore (the exchanges counted by the sync's
own service call; the sync itself is tested against Dovecot)."""

from __future__ import annotations

from pathlib import Path

from rapport.services.context import Rapport
from rapport.settings import Settings
from tests.cli_runner import Cli
from tests.conftest import TODAY
from tests.web.test_correspondents_surfaces import exchanges


def test_the_cli_lists_adds_and_ignores(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    app = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    with app.open(write=True, today=TODAY) as ctx:
        exchanges(ctx, "dee@other.org", "Dee Ford", 3)
        exchanges(ctx, "eli@other.org", "Eli", 3)
    app.dispose()
    listed = cli("correspondents", "--json").json()
    assert [c["address"] for c in listed] == ["dee@other.org", "eli@other.org"]
    assert "Dee Ford <dee@other.org>" in cli("correspondents").stdout
    assert "added dee@other.org" in cli("correspondents", "add", "dee@other.org").stdout
    assert cli("correspondents", "ignore", "eli@other.org", "--json").json()["addresses"] == [
        "eli@other.org"
    ]
    assert "no one to offer" in cli("correspondents").stdout
    failed = cli("correspondents", "add", "nobody@x.org", ok=False)
    assert failed.exit_code != 0 and "no exchanges with nobody@x.org" in failed.stderr
