"""Lists through the API and the pages: the same service, each surface's errors in
its own words, the board moving a card with and without htmx, the People page's
"Save as list" and "Add to list", and the Today page's list filter."""

from __future__ import annotations

import datetime as dt

from tests.factories import make_person
from tests.web.conftest import User, Web


def _people(web: Web, ana: User) -> dict[str, int]:
    with web.open(ana) as ctx:
        return {
            "carla": make_person(ctx, "Carla Dias", tags=["investor"], types=["client"],
                                 met_on=dt.date(2026, 1, 10)).id,
            "dora": make_person(ctx, "Dora Reis", tags=["investor"]).id,
            "eva": make_person(ctx, "Eva Lopes", types=["client"], met_on=dt.date(2026, 1, 10)).id,
        }  # fmt: skip


def test_a_bulk_change_through_the_api_takes_a_saved_list(web: Web, ana: User) -> None:
    ids = _people(web, ana)
    api = ana.client
    api.post("/api/v1/lists", json={"name": "Investors", "filter": {"tag": "investor"}})
    raise_ = api.post("/api/v1/lists", json={"name": "Raise", "ids": [ids["eva"]]}).json()
    by_name = api.post("/api/v1/people/bulk",
                       json={"list": "investors", "action": "tag", "value": "seed"})  # fmt: skip
    assert by_name.status_code == 200, by_name.text
    assert by_name.json()["changed"] == 2
    seeded = api.get("/api/v1/people", params={"tag": "seed"}).json()["items"]
    assert sorted(p["person"]["name"] for p in seeded) == ["Carla Dias", "Dora Reis"]
    # by its id, and with ids besides: everyone named, each once
    both = api.post("/api/v1/people/bulk", json={"list": raise_["id"], "ids": [ids["carla"]],
                                                 "action": "cadence", "value": 20})  # fmt: skip
    assert both.status_code == 200, both.text
    assert sorted(both.json()["undo"]["values"]) == sorted(str(ids[n]) for n in ("eva", "carla"))
    undone = api.post("/api/v1/people/bulk", json=by_name.json()["undo"])
    assert (
        undone.status_code == 200
        and api.get("/api/v1/people", params={"tag": "seed"}).json()["total"] == 0
    )
    # a list that is not there, or has nobody: one line, nothing changed
    missing = api.post("/api/v1/people/bulk", json={"list": "Nope", "action": "archive"})
    assert missing.status_code == 404
    assert "no list called 'Nope'" in missing.json()["error"]["message"]
    empty = api.post("/api/v1/lists", json={"name": "Empty", "ids": []}).json()
    nobody = api.post("/api/v1/people/bulk", json={"list": empty["id"], "action": "archive"})
    assert nobody.status_code == 422
    assert nobody.json()["error"]["message"] == "list: nobody is on that list, so nothing changed"
    assert api.get("/api/v1/people").json()["total"] == 3


def test_lists_through_the_api(web: Web, ana: User, bruno: User) -> None:
    ids = _people(web, ana)
    api = ana.client
    made = api.post("/api/v1/lists", json={"name": "Investors", "filter": {"tag": "investor"}})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["kind"], body["filter"], body["people"]) == ("filter", {"tag": "investor"}, 2)
    raise_ = api.post(
        "/api/v1/lists",
        json={"name": "Raise", "stages": ["To contact", "Talking"], "ids": [ids["carla"]]},
    ).json()
    assert raise_["kind"] == "picked" and raise_["people"] == 1
    lid = raise_["id"]
    added = api.post(f"/api/v1/lists/{lid}/people", json={"ids": [ids["eva"], ids["carla"]]})
    assert added.json()["message"] == "added 1 person to Raise (1 person already there)"
    moved = api.put(f"/api/v1/lists/{lid}/people/{ids['eva']}/stage", json={"stage": "talking"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["stage"] == "Talking"
    view = api.get(f"/api/v1/lists/{lid}").json()
    assert [(c["stage"], [m["person"]["name"] for m in c["members"]]) for c in view["board"]] == [
        ("To contact", ["Carla Dias"]), ("Talking", ["Eva Lopes"])
    ]  # fmt: skip
    people = api.get(f"/api/v1/lists/{lid}/people").json()
    assert [(m["person"]["name"], m["stage"]) for m in people] == [
        ("Carla Dias", "To contact"), ("Eva Lopes", "Talking")
    ]  # fmt: skip
    assert [x["name"] for x in api.get("/api/v1/lists").json()] == ["Investors", "Raise"]
    agenda = api.get("/api/v1/agenda", params={"list_id": lid}).json()
    assert {e["person"] for e in agenda["entries"]} == {"Carla Dias", "Eva Lopes"}
    only = api.get("/api/v1/agenda", params={"list_id": body["id"]}).json()
    assert [e["person"] for e in only["entries"]] == ["Carla Dias"]
    bulk = api.post("/api/v1/people/bulk",
                    json={"ids": [ids["dora"]], "action": "list", "value": "raise"})  # fmt: skip
    assert bulk.status_code == 200, bulk.text
    assert bulk.json()["undo"] == {"action": "unlist", "ids": [ids["dora"]], "value": "Raise"}
    patched = api.patch(f"/api/v1/lists/{lid}", json={"name": "Seed round", "stages": ["A"]})
    assert (patched.json()["name"], patched.json()["stages"]) == ("Seed round", ["A"])
    gone = api.delete(f"/api/v1/lists/{lid}/people/{ids['dora']}")
    assert gone.json()["message"] == "took 1 person off Seed round"
    # errors: one line naming the field, the right status
    same = api.post("/api/v1/lists", json={"name": "INVESTORS"})
    assert same.status_code == 409 and same.json()["error"]["field"] == "name"
    on_filter = api.post(f"/api/v1/lists/{body['id']}/people", json={"ids": [ids["eva"]]})
    assert on_filter.status_code == 409 and "saved filter" in on_filter.json()["error"]["message"]
    bad_stage = api.put(f"/api/v1/lists/{lid}/people/{ids['carla']}/stage", json={"stage": "Z"})
    assert bad_stage.status_code == 409 and bad_stage.json()["error"]["field"] == "stage"
    bad_band = api.post("/api/v1/lists", json={"name": "X", "filter": {"health": "great"}})
    assert bad_band.status_code == 422
    assert bruno.client.get(f"/api/v1/lists/{lid}").status_code == 404
    assert api.delete(f"/api/v1/lists/{lid}").status_code == 200
    assert api.get(f"/api/v1/lists/{lid}").status_code == 404


def test_lists_on_the_pages(web: Web, ana: User, bruno: User) -> None:
    ids = _people(web, ana)
    browser = web.browser(ana)
    page = browser.get("/people?tag=investor")
    assert "Save as list" in page.text
    saved = browser.post("/lists", {"name": "Investors", "tag": "investor", "back": "/people"})
    assert saved.status_code == 200 and saved.url.path.startswith("/lists/")
    assert "Made the list Investors: everyone with tag #investor." in saved.text
    assert (
        "Carla Dias" in saved.text and "Dora Reis" in saved.text and "Eva Lopes" not in saved.text
    )
    again = browser.post("/lists", {"name": "investors", "tag": "investor", "back": "/people"})
    assert "The list was not made: name: there is already a list called" in again.text
    made = browser.post("/lists", {"name": "Raise", "stages": "To contact, Talking"})
    lid = int(made.url.path.rsplit("/", 1)[1])
    assert "Nobody on this list yet" in made.text
    browser.get("/people")
    added = browser.post("/people/bulk", {"ids": [ids["carla"], ids["eva"]], "action": "list",
                                          "value": "Raise", "back": "/people"})  # fmt: skip
    assert "Added 2 people to Raise." in added.text
    on_filter = {"ids": [ids["eva"]], "action": "list", "value": "Investors", "back": "/people"}
    refused = browser.post("/people/bulk", on_filter)
    assert refused.url.path == "/people"
    assert (
        "Nothing was changed: people: Investors is a saved filter (tag #investor)" in refused.text
    )
    board = browser.get(f"/lists/{lid}")
    assert board.text.count('class="board-card"') == 2
    # without a script: the form posts and the page comes back
    moved = browser.post(f"/lists/{lid}/move", {"person_id": ids["eva"], "stage": "Talking"})
    assert "Eva Lopes is now at Talking." in moved.text
    # with htmx: the board alone, in place
    browser.get(f"/lists/{lid}")
    partial = browser.client.post(
        f"/lists/{lid}/move",
        data={"csrf_token": browser.csrf, "person_id": ids["carla"], "stage": "Talking"},
        headers={"HX-Request": "true"},
    )
    assert partial.status_code == 200 and partial.text.lstrip().startswith('<div id="list-body">')
    assert "Carla Dias is now at Talking." in partial.text
    wrong = browser.post(f"/lists/{lid}/move", {"person_id": ids["carla"], "stage": "Nope"})
    assert "Nobody was moved: stage: &#39;Nope&#39; is not one of Raise" in wrong.text
    # the bulk bar on a list's page acts on its members and comes back there
    browser.get(f"/lists/{lid}")
    tagged = browser.post("/people/bulk", {"ids": [ids["carla"], ids["eva"]], "action": "tag",
                                           "value": "seed", "back": f"/lists/{lid}"})  # fmt: skip
    assert tagged.url.path == f"/lists/{lid}" and "Tagged 2 people #seed." in tagged.text
    off = browser.post(f"/lists/{lid}/remove", {"person_id": ids["eva"]})
    assert "Took 1 person off Raise." in off.text
    # Today, for one list
    today = browser.get(f"/?list={lid}")
    assert (
        "Whose agenda" in today.text
        and "Carla Dias" in today.text
        and "Eva Lopes" not in today.text
    )
    assert "Lists" in browser.get("/lists").text
    browser.post(f"/lists/{lid}/edit", {"name": "Seed", "stages": ""})
    assert "Seed" in browser.get("/lists").text
    gone = browser.post(f"/lists/{lid}/delete")
    assert "Deleted the list Seed; its people are unchanged." in gone.text
    stale = browser.get(f"/?list={lid}")  # a link to a deleted list: everyone's agenda
    assert stale.status_code == 200 and "Eva Lopes" in stale.text
    # another workspace's list is not there
    other = web.browser(bruno)
    assert other.get(f"/lists/{lid - 1}").status_code == 404
    assert (
        other.post(f"/lists/{lid - 1}/move", {"person_id": ids["carla"], "stage": "A"}).status_code
        == 404
    )
