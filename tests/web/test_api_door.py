"""POST /api/v1/people at the door: an email or phone already someone's answers 409
`already_known` with their `person_id` unless `force`; close names come back in
`similar`. The web form refuses the same way, with "add anyway"."""

from __future__ import annotations

from tests.web.conftest import User, Web


def test_api_refuses_a_known_email_and_lists_close_names(ana: User) -> None:
    first = ana.client.post(
        "/api/v1/people",
        json={"full_name": "Katherine Smith", "emails": ["kate@acme.com"], "organization": "Acme"},
    )
    assert first.status_code == 201, first.text
    assert first.json()["similar"] == []
    kid = first.json()["id"]
    refused = ana.client.post(
        "/api/v1/people", json={"full_name": "Kate Smith", "emails": ["Kate@Acme.com"]}
    )
    assert refused.status_code == 409
    assert refused.json() == {
        "error": {
            "type": "already_known",
            "message": f"kate@acme.com is already Katherine Smith's (#{kid}, Acme)",
            "field": "emails",
            "person_id": kid,
        }
    }
    close = ana.client.post("/api/v1/people", json={"full_name": "Kate Smith"})
    assert close.status_code == 201
    similar = close.json()["similar"]
    assert [(s["person"]["id"], s["reasons"]) for s in similar] == [
        (kid, ["Kate is short for Katherine", "same family name Smith"])
    ]
    forced = ana.client.post(
        "/api/v1/people",
        json={"full_name": "Kate Smith", "emails": ["kate@acme.com"], "force": True},
    )
    assert forced.status_code == 201 and forced.json()["emails"] == ["kate@acme.com"]
    edit = ana.client.patch(
        f"/api/v1/people/{close.json()['id']}", json={"emails": ["kate@acme.com"]}
    )
    assert edit.status_code == 409 and edit.json()["error"]["person_id"] == kid


def test_web_form_refuses_a_known_email_then_adds_anyway(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    browser.get("/people/new")
    ana.client.post("/api/v1/people", json={"full_name": "Ana Lima", "emails": ["ana@acme.com"]})
    form = {"full_name": "Ana Souza", "emails": "ana@acme.com", "notes": "typed"}
    refused = browser.post("/people", form)
    assert refused.status_code == 409
    assert "ana@acme.com is already Ana Lima&#39;s" in refused.text
    assert 'name="force" value="1"' in refused.text and ">typed</textarea>" in refused.text
    added = browser.post("/people", {**form, "force": "1"}, follow_redirects=False)
    assert added.status_code == 303


def test_duplicates_page_and_api_explain_each_score(web: Web, ana: User) -> None:
    for name in ("Kate Smith", "Katherine Smith", "李小龙", "李 小龙"):
        assert ana.client.post("/api/v1/people", json={"full_name": name}).status_code == 201
    pairs = ana.client.get("/api/v1/duplicates").json()
    assert [(p["a"]["name"], p["b"]["name"], p["reasons"]) for p in pairs] == [
        ("李小龙", "李 小龙", ["same name written with and without spaces"]),
        (
            "Kate Smith",
            "Katherine Smith",
            ["Kate is short for Katherine", "same family name Smith"],
        ),
    ]
    assert ana.client.get("/api/v1/duplicates?min_score=101").status_code == 422
    page = web.browser(ana).get("/duplicates")
    assert page.status_code == 200
    assert "Kate is short for Katherine; same family name Smith" in page.text
    kate, katherine = pairs[1]["a"]["id"], pairs[1]["b"]["id"]
    assert f'href="/people/{kate}/merge/{katherine}"' in page.text  # the merge preview


def test_web_edit_refuses_someone_else_s_email_and_says_merge(web: Web, ana: User) -> None:
    lima = ana.client.post("/api/v1/people", json={"full_name": "Ana Lima", "emails": ["a@x.io"]})
    other = ana.client.post("/api/v1/people", json={"full_name": "Bruno Souza"}).json()["id"]
    browser = web.browser(ana)
    browser.get(f"/people/{other}/edit")
    refused = browser.post(
        f"/people/{other}/edit", {"full_name": "Bruno Souza", "emails": "a@x.io"}
    )
    assert refused.status_code == 409
    assert f"rapport merge {lima.json()['id']} {other}" in refused.text
    assert 'name="force"' not in refused.text  # an edit is never forced: merge instead
