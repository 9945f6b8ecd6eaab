"""Warm paths through the API and the pages (SQLite and PostgreSQL): a person's paths
and who knows them, the introduction request, an organisation's paths; another
user's ids are not found."""

from __future__ import annotations

import datetime as dt

from rapport.services import mentoring, organizations
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web


def _network(web: Web, ana: User) -> dict[str, int]:
    with web.open(ana) as ctx:
        ids = {
            "lucia": make_person(ctx, "Lucía Fernández", organization="Globex").id,
            "david": make_person(ctx, "David Cohen", organization="Globex", title="CTO").id,
            "dora": make_person(ctx, "Dora Quist").id,
        }
        for days in (3, 40, 80):
            make_interaction(ctx, [ids["lucia"]], on=TODAY - dt.timedelta(days=days))
        mentoring.introduce(
            ctx, ids["dora"], to_person_id=ids["david"], introducer_id=ids["lucia"],
            occurred_on=TODAY - dt.timedelta(days=10),
        )  # fmt: skip
        ids["globex"] = organizations.find(ctx, "Globex").id
    return ids


def test_paths_through_the_api(web: Web, ana: User, bruno: User) -> None:
    ids = _network(web, ana)
    api = ana.client
    found = api.get(f"/api/v1/people/{ids['david']}/paths")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["target"] == "David Cohen"
    first = body["paths"][0]["hops"]
    assert [h["name"] for h in first] == ["Lucía Fernández", "David Cohen"]
    assert first[0]["reason"].startswith("you: ")
    assert first[1]["reason"] == "Lucía introduced Dora to David (Nov 2026)"
    assert {h["name"] for h in body["known_by"]} == {"Lucía Fernández", "Dora Quist"}
    draft = api.get(
        f"/api/v1/people/{ids['david']}/introduction-request", params={"about": "their API"}
    )
    assert draft.status_code == 200 and draft.json()["to"] == "Lucía Fernández"
    assert "I'd like to their API." in draft.json()["body"]
    none = api.get(f"/api/v1/people/{ids['lucia']}/introduction-request")
    assert none.status_code == 409, none.text
    org = api.get("/api/v1/organizations/globex/paths").json()
    assert org["target"] == "Globex" and org["paths"][0]["hops"][0]["name"] == "Lucía Fernández"
    assert api.get(f"/api/v1/people/{ids['david']}/paths", params={"limit": 0}).status_code == 422
    assert bruno.client.get(f"/api/v1/people/{ids['david']}/paths").status_code == 404
    assert bruno.client.get("/api/v1/organizations/globex/paths").status_code == 404


def test_paths_on_the_pages(web: Web, ana: User, bruno: User) -> None:
    ids = _network(web, ana)
    browser = web.browser(ana)
    person = browser.get(f"/people/{ids['david']}")
    assert f'hx-get="/people/{ids["david"]}/paths"' in person.text
    card = browser.get(f"/people/{ids['david']}/paths", headers={"HX-Request": "true"})
    assert card.status_code == 200 and "<html" not in card.text
    assert "Ask <a href=" in card.text and "Lucía Fernández" in card.text
    assert "Lucía introduced Dora to David (Nov 2026)" in card.text
    assert "Draft the request to Lucía Fernández" in card.text
    page = browser.get(f"/people/{ids['david']}/paths")
    assert "<html" in page.text and "How to reach David Cohen" in page.text
    draft = browser.get(
        f"/people/{ids['david']}/paths/draft",
        params={"about": "<b>their API</b>"},
        headers={"HX-Request": "true"},
    )
    assert "An introduction to David Cohen?" in draft.text
    assert "&lt;b&gt;their API&lt;/b&gt;" in draft.text  # escaped
    refused = browser.get(f"/people/{ids['lucia']}/paths/draft")
    assert "no one Rapport knows of can introduce you" in refused.text
    org = browser.get(f"/organizations/{ids['globex']}/paths")
    assert "Who can introduce you at Globex" in org.text
    assert (
        f'href="/organizations/{ids["globex"]}/paths"'
        in browser.get(f"/organizations/{ids['globex']}").text
    )
    other = web.browser(bruno)
    assert other.get(f"/people/{ids['david']}/paths").status_code == 404
    assert other.get(f"/organizations/{ids['globex']}/paths").status_code == 404
