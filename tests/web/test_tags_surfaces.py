"""Tags through the API, the Tags page and the CLI: the same service, each
surface's errors in its own words, and Undo after a change on the page."""

from __future__ import annotations

import json
from pathlib import Path

from rapport.services import people
from tests.cli_runner import Cli
from tests.conftest import TODAY
from tests.factories import make_person
from tests.web.conftest import User, Web


def test_tags_through_the_api(web: Web, ana: User, bruno: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", tags=["investor", "vc"]).id
    api = ana.client
    assert api.get("/api/v1/tags").json() == [
        {"name": "investor", "people": 1},
        {"name": "vc", "people": 1},
    ]
    renamed = api.patch("/api/v1/tags/vc", json={"name": "venture"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["tag"] == {"name": "venture", "people": 1}
    merged = api.post("/api/v1/tags/venture/merge", json={"into": "investor"})
    assert merged.json()["message"] == "merged #venture into #investor: 1 person moved"
    assert api.delete("/api/v1/tags/nope").status_code == 404
    assert bruno.client.get("/api/v1/tags").json() == []  # another workspace sees none
    assert bruno.client.delete("/api/v1/tags/investor").status_code == 404
    gone = api.delete("/api/v1/tags/investor")
    assert gone.status_code == 200 and gone.json()["tag"] is None
    with web.open(ana, write=False) as ctx:
        assert people.show(ctx, pid).tags == []


def test_the_tags_page_renames_deletes_after_asking_and_offers_undo(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", tags=["summit-2026", "<b>bold</b>"]).id
    browser = web.browser(ana)
    page = browser.get("/tags")
    assert "#summit-2026" in page.text and "&lt;b&gt;bold&lt;/b&gt;" in page.text
    assert 'href="/tags"' in browser.get("/people").text  # found from People
    renamed = browser.post("/tags/rename", {"tag": "summit-2026", "name": "Web Summit 2026"})
    assert "Renamed #summit-2026 to #Web Summit 2026 on 1 person." in renamed.text
    assert "Undo" in renamed.text
    asked = browser.get("/tags", params={"deleting": "Web Summit 2026"}).text
    assert "Take #Web Summit 2026 off 1 person?" in asked
    deleted = browser.post("/tags/delete", {"tag": "Web Summit 2026"})
    assert "Deleted #Web Summit 2026 from 1 person." in deleted.text
    refused = browser.post("/tags/delete", {"tag": "Web Summit 2026"})
    assert "was not deleted: no tag #Web Summit 2026" in refused.text
    with web.open(ana, write=False) as ctx:
        assert people.show(ctx, pid).tags == ["<b>bold</b>"]


def test_tags_from_the_command_line(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("person", "add", "Ana Lima", "--tag", "investor")
    cli("person", "add", "Bruno Souza", "--tag", "investors", "--tag", "summit")
    listed = cli("tags", "--json").json()
    assert [(t["name"], t["people"]) for t in listed] == [
        ("investor", 1),
        ("investors", 1),
        ("summit", 1),
    ]
    said = cli("tags", "rename", "investors", "#investor").stdout
    assert said == "Merged #investors into #investor: 1 person moved. Undo with `rapport undo`.\n"
    assert "#investor" in cli("tags").stdout
    cli("undo")
    assert len(cli("tags", "--json").json()) == 3
    missing = cli("tags", "delete", "nope", ok=False)
    assert missing.exit_code != 0 and "no tag #nope" in missing.stderr
    done = json.loads(cli("tags", "delete", "summit", "--json").stdout)
    assert done["people"] == 1 and done["tag"] is None
