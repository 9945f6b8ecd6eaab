"""Your own addresses through the API (`/api/v1/settings/me`, `me`/`not_me` on
`/api/v1/imports`) and the Settings page's "Your addresses", on both backends."""

from __future__ import annotations

from pathlib import Path

from rapport.services import owner, resolve
from tests.factories import make_person
from tests.web.conftest import User, Web

CALENDAR = (Path(__file__).parents[1] / "samples" / "google-calendar.ics").read_bytes()


def _upload(user: User, **fields: object) -> dict[str, object]:
    response = user.client.post(
        "/api/v1/imports", files={"file": ("calendar.ics", CALENDAR)}, data=fields
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_own_addresses_over_the_api(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        other = make_person(ctx, "Ana Lima (home)", emails=["ana@home.example"]).id
    mine = ana.client.get("/api/v1/settings/me").json()
    assert mine == {
        "addresses": [
            {"address": "ana@example.com", "origin": "sign-in", "person_id": None,
             "person_name": None, "hint": None},
        ],
        "not_me": [],
    }  # fmt: skip
    added = ana.client.post("/api/v1/settings/me", json={"address": "Ana@Home.example"})
    assert added.status_code == 200, added.text
    (_, home) = added.json()["addresses"]
    assert (home["address"], home["origin"], home["person_id"]) == (
        "ana@home.example",
        "settings",
        other,
    )
    assert home["hint"] == (
        f"ana@home.example is on Ana Lima (home) (#{other}): if that record is you, "
        f"archive it with `rapport person archive {other}`"
    )
    assert ana.client.get("/api/v1/settings").json()["own_emails"] == [
        "ana@example.com",
        "ana@home.example",
    ]
    removed = ana.client.delete("/api/v1/settings/me", params={"address": "ana@home.example"})
    assert [a["address"] for a in removed.json()["addresses"]] == ["ana@example.com"]
    missing = ana.client.delete("/api/v1/settings/me", params={"address": "ana@home.example"})
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "ana@home.example is not one of your addresses"
    wrong = ana.client.post("/api/v1/settings/me", json={"address": "ana at home"})
    assert wrong.status_code == 422


def test_an_import_answers_the_question_in_its_body(web: Web, ana: User, bruno: User) -> None:
    for user in (ana, bruno):
        with web.open(user) as ctx:
            make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
            make_person(ctx, "Bruno Souza", emails=["bruno@globex.io"])
    asked = _upload(ana)
    assert (asked["maybe_you"], asked["created"]) == (["sam@example.com"], 0)
    assert asked["question"] == "sam@example.com is on 6 of 7 meetings. Is this you?"
    yes = _upload(ana, me=["sam@example.com"])
    assert (yes["maybe_you"], yes["created"], yes["offered"]) == (
        [],
        6,
        ["Diego Ramos <diego@vandelay.example>", "Helena Costa <helena@globex.io>"],
    )  # Sam is neither added nor offered
    mine = ana.client.get("/api/v1/settings/me").json()["addresses"]
    assert [(a["address"], a["origin"]) for a in mine][-1] == ("sam@example.com", "import")
    # another workspace, another answer: Sam is a contact candidate there
    no = _upload(bruno, not_me=["sam@example.com"])
    assert no["created"] == 6 and "Sam <sam@example.com>" in no["offered"]  # type: ignore[operator]
    assert bruno.client.get("/api/v1/settings/me").json()["not_me"] == ["sam@example.com"]
    with web.open(bruno, write=False) as ctx:
        assert resolve.find_person_id(ctx, "sam@example.com") is None
    both = ana.client.post(
        "/api/v1/imports",
        files={"file": ("calendar.ics", CALENDAR)},
        data={"me": ["x@example.com"], "not_me": ["x@example.com"]},
    )
    assert both.status_code == 422 and both.json()["error"]["field"] == "not_me"


def test_the_settings_page_adds_and_removes_addresses(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        home = make_person(ctx, "Ana at home", emails=["ana@home.example"]).id
    browser = web.browser(ana)
    page = browser.get("/settings")
    assert "Your addresses" in page.text and "your sign-in address" in page.text
    refused = browser.client.post("/settings/me", data={"address": "x@example.com"})
    assert refused.status_code == 403  # no CSRF token
    added = browser.post("/settings/me", {"address": "ana@home.example"})
    assert (added.url.path, added.url.fragment) == ("/settings", "me")
    assert (
        "ana@home.example is yours now. Ana at home has it too: if that record is you, "
        "archive it (below)."
    ) in added.text
    assert f'action="/people/{home}/archive"' in added.text
    wrong = browser.post("/settings/me", {"address": "not an address"})
    assert wrong.status_code == 422 and "is not an email address" in wrong.text
    removed = browser.post("/settings/me/remove", {"address": "ana@home.example"})
    assert "ana@home.example is no longer one of your addresses." in removed.text
    assert f'action="/people/{home}/archive"' not in removed.text


def test_the_settings_page_forgets_an_address_said_not_to_be_yours(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        owner.add_not_me(ctx, ["sam@example.com"])
    browser = web.browser(ana)
    page = browser.get("/settings")
    assert 'aria-label="Forget sam@example.com"' in page.text
    forgotten = browser.post("/settings/me/remove", {"address": "sam@example.com"})
    assert "Imports may ask again whether sam@example.com is you." in forgotten.text
    assert 'aria-label="Forget sam@example.com"' not in forgotten.text
    with web.open(ana) as ctx:
        assert owner.not_me(ctx) == []
