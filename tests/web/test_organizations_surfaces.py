"""Organisations through the API, the Organisations pages and the CLI: the same
service, each surface's errors in its own words, Undo after a merge on the page,
and names escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rapport.services import organizations, people, roles
from rapport.services.roles import RoleSpec
from tests.cli_runner import Cli
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web


def test_organizations_through_the_api(web: Web, ana: User, bruno: User) -> None:
    with web.open(ana) as ctx:
        carla = make_person(ctx, "Carla Dias", organization="Acme").id
        dora = make_person(ctx, "Dora Reis", organization="Globex").id
        roles.add(ctx, dora, RoleSpec("Analyst", "Acme", "2020", "2022"))
        make_person(ctx, "Eva Lopes", organization="ACME Inc")
        make_interaction(ctx, [carla], summary="Lunch")
    api = ana.client
    listed = api.get("/api/v1/organizations").json()
    assert [(o["name"], o["people_now"], o["people_before"]) for o in listed] == [
        ("Acme", 1, 1),
        ("ACME Inc", 1, 0),
        ("Globex", 1, 0),
    ]
    shown = api.get("/api/v1/organizations/acme")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert [m["name"] for m in body["now"]] == ["Carla Dias"]
    assert [(m["name"], m["title"]) for m in body["before"]] == [("Dora Reis", "Analyst")]
    assert body["health"] == body["now"][0]["health"]
    assert [c["summary"] for c in body["conversations"]] == ["Lunch"]
    assert api.get(f"/api/v1/organizations/{listed[0]['id']}").json()["organization"]["name"] == (
        "Acme"
    )
    assert api.get("/api/v1/organizations/a").status_code == 409  # ambiguous
    assert api.get("/api/v1/organizations/initech").status_code == 404
    assert bruno.client.get("/api/v1/organizations").json() == []  # another workspace
    assert bruno.client.get("/api/v1/organizations/acme").status_code == 404
    merged = api.post("/api/v1/organizations/acme inc/merge", json={"into": "Acme"})
    assert merged.status_code == 200, merged.text
    assert merged.json()["message"] == "merged ACME Inc into Acme: 1 person moved"
    assert merged.json()["organization"]["people_now"] == 2
    same = api.post("/api/v1/organizations/acme/merge", json={"into": "ACME"})
    assert same.status_code == 422 and same.json()["error"]["field"] == "into"


def test_the_organisation_pages_merge_after_asking_and_offer_undo(web: Web, ana: User) -> None:
    hostile = "<script>alert(1)</script> Corp"
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", title="<b>CTO</b>").id
        make_person(ctx, "Bruno Souza", organization=hostile)
        acme = organizations.find(ctx, "Acme").id
        other = organizations.find(ctx, "Corp").id
    browser = web.browser(ana)
    assert 'href="/organizations"' in browser.get("/people").text  # found from People
    page = browser.get("/organizations")
    assert page.status_code == 200
    assert f'href="/organizations/{acme}"' in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    shown = browser.get(f"/organizations/{acme}").text
    assert f'href="/people/{pid}"' in shown and "&lt;b&gt;CTO&lt;/b&gt;" in shown
    assert "There now" in shown and "Merge into another" in shown
    asked = browser.get(f"/organizations/{other}", params={"merging": "1"}).text
    assert "<script>alert" not in asked
    assert f'<option value="{acme}">Acme</option>' in asked
    merged = browser.post(f"/organizations/{other}/merge", {"into": acme})
    assert merged.status_code == 200 and merged.url.path == f"/organizations/{acme}"
    assert "1 person moved." in merged.text and "Undo" in merged.text
    assert "<script>alert" not in merged.text
    assert browser.get(f"/organizations/{other}").status_code == 404
    refused = browser.post(f"/organizations/{acme}/merge", {"into": acme})
    assert "Not merged: Acme and Acme are the same organisation" in refused.text
    with web.open(ana, write=False) as ctx:
        assert {m.name for m in organizations.profile(ctx, "Acme").now} == {
            "Ana Lima",
            "Bruno Souza",
        }
        assert people.show(ctx, pid).organization == "Acme"
    undo = re.search(r'action="(/history/\d+/undo)"', merged.text)
    assert undo is not None
    browser.post(undo.group(1))  # the flash's Undo: both organisations are back
    back = browser.get(f"/organizations/{other}")
    assert back.status_code == 200 and "Bruno Souza" in back.text
    with web.open(ana, write=False) as ctx:
        assert [o.name for o in organizations.listing(ctx)] == [hostile, "Acme"]


def test_organizations_from_the_command_line(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("person", "add", "Ana Lima", "--org", "Acme")
    cli("person", "add", "Bruno Souza", "--org", "Acme Corp")
    listed = cli("org", "list", "--json").json()
    assert [(o["name"], o["people_now"]) for o in listed] == [("Acme", 1), ("Acme Corp", 1)]
    assert "Acme Corp" in cli("org", "list").stdout
    shown = cli("org", "show", "acme").stdout
    assert "There now" in shown and "Ana Lima" in shown and "Bruno" not in shown
    said = cli("org", "merge", "acme corp", "acme").stdout
    assert said == "Merged Acme Corp into Acme: 1 person moved. Undo with `rapport undo`.\n"
    profile = json.loads(cli("org", "show", "acme", "--json").stdout)
    assert sorted(m["name"] for m in profile["now"]) == ["Ana Lima", "Bruno Souza"]
    cli("undo")
    assert len(cli("org", "list", "--json").json()) == 2
    missing = cli("org", "show", "Initech", ok=False)
    assert missing.exit_code != 0 and "no organisation matches 'Initech'" in missing.stderr


def test_an_organisation_is_edited_through_the_api(web: Web, ana: User, bruno: User) -> None:
    with web.open(ana) as ctx:
        make_person(ctx, "Ana Lima", organization="Acme")
        acme = organizations.find(ctx, "Acme").id
    api = ana.client
    done = api.patch(f"/api/v1/organizations/{acme}", json={"industry": "Fintech",
                                                           "website": "acme.com"})  # fmt: skip
    assert done.status_code == 200, done.text
    assert (done.json()["organization"]["industry"], done.json()["organization"]["website"]) == (
        "Fintech", "https://acme.com",
    )  # fmt: skip
    noted = api.patch("/api/v1/organizations/acme", json={"notes": "HQ in Lisbon", "industry": ""})
    assert noted.json()["notes"] == "HQ in Lisbon"
    assert noted.json()["organization"]["industry"] is None
    assert noted.json()["organization"]["website"] == "https://acme.com"
    bad = api.patch(f"/api/v1/organizations/{acme}", json={"website": "not a site"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "website"
    unknown = api.patch(f"/api/v1/organizations/{acme}", json={"sector": "x"})
    assert unknown.status_code == 422
    assert bruno.client.patch(f"/api/v1/organizations/{acme}", json={"notes": "x"}).status_code == (
        404
    )


def test_the_organisation_page_edits_and_the_people_link_to_it(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", title="CTO").id
        acme = organizations.find(ctx, "Acme").id
    browser = web.browser(ana)
    assert f'at <a href="/organizations/{acme}">Acme</a>' in browser.get(f"/people/{pid}").text
    assert f'<a href="/organizations/{acme}">Acme</a>' in browser.get("/people").text
    page = browser.get(f"/organizations/{acme}").text
    assert f'action="/organizations/{acme}/edit"' in page
    saved = browser.post(
        f"/organizations/{acme}/edit",
        {"industry": "Fintech", "website": "acme.com", "notes": "<b>HQ</b> in Lisbon"},
    )
    assert saved.url.path == f"/organizations/{acme}"
    assert "Saved the details of Acme." in saved.text and "Undo" in saved.text
    assert 'href="https://acme.com"' in saved.text and "&lt;b&gt;HQ&lt;/b&gt;" in saved.text
    refused = browser.post(f"/organizations/{acme}/edit", {"website": "not a site"})
    assert "Not saved: &#39;not a site&#39; is not a web address" in refused.text
    with web.open(ana, write=False) as ctx:
        assert organizations.profile(ctx, "Acme").organization.website == "https://acme.com"
    assert browser.post("/organizations/999999/edit", {"industry": "x"}).status_code == 404


def test_an_organisation_is_edited_from_the_command_line(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("person", "add", "Ana Lima", "--org", "Acme")
    said = cli("org", "edit", "acme", "--industry", "Fintech", "--website", "acme.com").stdout
    assert said.splitlines()[:3] == [
        "Saved Acme (#1). Undo with `rapport undo`.",
        "  industry: Fintech",
        "  website: https://acme.com",
    ]
    shown = cli("org", "edit", "acme", "--notes", "HQ in Lisbon", "--industry", "", "--json")
    assert (
        shown.json()["notes"] == "HQ in Lisbon" and shown.json()["organization"]["industry"] is None
    )
    nothing = cli("org", "edit", "acme", ok=False)
    assert (
        nothing.exit_code != 0
        and "give --industry, --website, --notes or --field" in nothing.stderr
    )
    bad = cli("org", "edit", "acme", "--website", "not a site", ok=False)
    assert bad.exit_code != 0 and "'not a site' is not a web address" in bad.stderr
    cli("undo")
    assert cli("org", "show", "acme", "--json").json()["notes"] is None
