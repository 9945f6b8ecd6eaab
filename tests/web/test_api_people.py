"""/api/v1/people: list, filters, pagination, add, change, archive, bulk with undo,
and one person's profile, health, brief and conversations."""

from __future__ import annotations

from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web


def test_add_get_change_a_person(ana: User) -> None:
    created = ana.client.post(
        "/api/v1/people",
        json={
            "full_name": "Carla Dias",
            "organization": "Initech",
            "title": "Designer",
            "emails": ["carla@initech.example"],
            "types": ["client"],
            "tags": ["conference"],
            "met_on": "2026-10-01",
        },
    )
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["name"] == "Carla Dias"
    assert person["effective_cadence_days"] == 30
    got = ana.client.get(f"/api/v1/people/{person['id']}").json()
    assert got == {k: v for k, v in person.items() if k != "similar"}
    changed = ana.client.patch(
        f"/api/v1/people/{person['id']}", json={"title": "Head of Design", "tags": []}
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["title"] == "Head of Design"
    assert body["tags"] == []
    assert [r["title"] for r in body["roles"]] == ["Designer", "Head of Design"]


def test_a_null_list_is_never_a_server_error(ana: User) -> None:
    for key in ("emails", "phones", "urls", "tags", "types"):
        created = ana.client.post("/api/v1/people", json={"full_name": "Dan Null", key: None})
        # null is read as an empty list, or refused where the body declares lists
        # non-null; either way an answer about the field, never a 500
        assert created.status_code in (201, 422), created.text
        if created.status_code == 201:
            assert created.json()[key] == []
        else:
            assert key in created.text


def test_list_filters_sorts_and_pages(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        for i in range(7):
            make_person(ctx, f"Client {i}", types=["client"], organization="Acme")
        make_person(ctx, "Peer Person", types=["peer"], tags=["climbing"])
        archived = make_person(ctx, "Old Friend")
        from rapport.services import people

        people.archive(ctx, archived.id)
    page = ana.client.get("/api/v1/people", params={"type": "client", "limit": 3, "offset": 3})
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["total"] == 7
    assert [p["person"]["name"] for p in body["items"]] == ["Client 3", "Client 4", "Client 5"]
    assert all(isinstance(p["health"], int) for p in body["items"])
    tagged = ana.client.get("/api/v1/people", params={"tag": "#climbing"}).json()
    assert [p["person"]["name"] for p in tagged["items"]] == ["Peer Person"]
    by_org = ana.client.get("/api/v1/people", params={"organization": "acm"}).json()
    assert by_org["total"] == 7
    gone = ana.client.get("/api/v1/people", params={"archived": "true"}).json()
    assert [p["person"]["name"] for p in gone["items"]] == ["Old Friend"]
    weak = ana.client.get("/api/v1/people", params={"health": "at-risk"}).json()
    assert (
        weak["total"]
        + ana.client.get("/api/v1/people", params={"health": "strong"}).json()["total"]
        <= 8
    )
    bad = ana.client.get("/api/v1/people", params={"health": "great"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "health"


def test_archive_and_unarchive(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx).id
    assert ana.client.post(f"/api/v1/people/{pid}/archive").json()["archived"] is True
    assert ana.client.post(f"/api/v1/people/{pid}/unarchive").json()["archived"] is False


def test_bulk_changes_and_their_undo(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        ids = [make_person(ctx, f"P {i}", cadence_days=10).id for i in range(3)]
    tagged = ana.client.post(
        "/api/v1/people/bulk", json={"ids": ids, "action": "tag", "value": "vip"}
    ).json()
    assert tagged["changed"] == 3
    assert ana.client.get("/api/v1/people", params={"tag": "vip"}).json()["total"] == 3
    assert ana.client.post("/api/v1/people/bulk", json=tagged["undo"]).status_code == 200
    assert ana.client.get("/api/v1/people", params={"tag": "vip"}).json()["total"] == 0

    cadence = ana.client.post(
        "/api/v1/people/bulk", json={"ids": ids[:2], "action": "cadence", "value": 45}
    ).json()
    assert ana.client.get(f"/api/v1/people/{ids[0]}").json()["cadence_days"] == 45
    ana.client.post("/api/v1/people/bulk", json=cadence["undo"])
    assert ana.client.get(f"/api/v1/people/{ids[0]}").json()["cadence_days"] == 10

    archived = ana.client.post("/api/v1/people/bulk", json={"ids": ids, "action": "archive"}).json()
    assert archived["message"] == "archived 3 people"
    assert ana.client.get("/api/v1/people").json()["total"] == 0
    ana.client.post("/api/v1/people/bulk", json=archived["undo"])
    assert ana.client.get("/api/v1/people").json()["total"] == 3

    typed = ana.client.post(
        "/api/v1/people/bulk", json={"ids": ids, "action": "type", "value": "mentor"}
    ).json()
    assert ana.client.get("/api/v1/people", params={"type": "mentor"}).json()["total"] == 3
    ana.client.post("/api/v1/people/bulk", json=typed["undo"])
    assert ana.client.get("/api/v1/people", params={"type": "mentor"}).json()["total"] == 0
    nobody = ana.client.post("/api/v1/people/bulk", json={"ids": [], "action": "archive"})
    assert nobody.status_code == 422
    assert nobody.json()["error"]["message"] == "ids: select at least one person, or name a list"
    assert nobody.json()["error"]["field"] == "ids"
    for body, field in (
        ({"ids": ids, "action": "tag"}, "value"),
        ({"ids": ids, "action": "tag", "value": 5}, "value"),
        ({"ids": ids, "action": "type", "value": "Client"}, "value"),
        ({"ids": ids, "action": "cadence", "value": "45"}, "value"),
        ({"action": "cadence-each", "values": {}}, "values"),
        ({"action": "cadence-each", "values": {"²": 5}}, "values.².[key]"),
    ):
        refused = ana.client.post("/api/v1/people/bulk", json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["error"]["field"] == field, (body, refused.text)


def test_profile_health_brief_and_conversations(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, types=["client"], interests="trail running").id
        for day in (3, 10, 40):
            make_interaction(ctx, [pid], on=ctx.today.replace(day=1) if day == 40 else None)
    profile = ana.client.get(f"/api/v1/people/{pid}/profile").json()
    assert profile["person"]["id"] == pid
    assert profile["interaction_count"] == 3
    health = ana.client.get(f"/api/v1/people/{pid}/health").json()
    assert 0 <= health["value"] <= 100
    assert health["explanation"]
    assert {c["name"] for c in health["components"]} >= {"recency", "reciprocity"}
    brief = ana.client.get(f"/api/v1/people/{pid}/brief").json()
    assert "Ask about trail running" in brief["talking_points"]
    page = ana.client.get(f"/api/v1/people/{pid}/interactions", params={"limit": 2}).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2


def test_validation_errors_name_the_field(ana: User) -> None:
    missing = ana.client.post("/api/v1/people", json={"title": "CTO"})
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "full_name"
    assert missing.json()["error"]["message"] == "full_name: field required"
    typo = ana.client.post("/api/v1/people", json={"full_name": "Ana", "titel": "CTO"})
    assert typo.status_code == 422
    assert typo.json()["error"]["field"] == "titel"
    wrong_type = ana.client.post("/api/v1/people", json={"full_name": "Ana", "types": ["boss"]})
    assert wrong_type.status_code == 422
    error = wrong_type.json()["error"]
    assert error["field"] == "types.0"
    assert error["message"] == (
        "types.0: input should be 'peer', 'colleague', 'manager', 'report', 'mentor', "
        "'mentee', 'client', 'prospect', 'partner', 'industry', 'competitor' or 'friend'"
    )
    bad_email = ana.client.post(
        "/api/v1/people", json={"full_name": "Ana", "emails": ["not an address"]}
    )
    assert bad_email.json()["error"]["field"] == "emails.0"


def test_a_body_that_is_not_json_is_400_with_a_useful_message(ana: User) -> None:
    response = ana.client.post(
        "/api/v1/people",
        content=b'{"full_name": "Ana",',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "bad_request"
    assert error["field"] == "body"
    assert error["message"].startswith("the request body is not valid JSON")
    empty = ana.client.post("/api/v1/people")
    assert empty.status_code == 422
    assert empty.json()["error"]["message"] == "body: a JSON body is required"
