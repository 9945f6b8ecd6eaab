"""The review queue through /api/v1: list, accept, keep separate, accept all of a
kind, and the error envelope for a wrong number or kind."""

from __future__ import annotations

from rapport.services import imports
from tests.factories import make_person
from tests.web.conftest import User, Web

CSV = (
    b"Name,Email,Organization,Title\n"
    b"Ana Lima,ana@initech.example,Initech,Designer\n"
    b"Bruno Souza,,Hooli,Director\n"
    b"Carla Dias,,Initech,Architect\n"
)


def _proposals(web: Web, ana: User) -> dict[str, int]:
    with web.open(ana) as ctx:
        ids = {
            "ana": make_person(ctx, "Ana Lima", organization="Acme", title="CTO").id,
            "bruno": make_person(ctx, "Bruno Souza", organization="Globex").id,
            "carla": make_person(ctx, "Carla Dias", organization="Initech").id,
        }
    with web.open(ana) as ctx:
        assert imports.run(ctx, CSV).proposed == 3
    return ids


def test_list_accept_separate_and_accept_all(web: Web, ana: User) -> None:
    people = _proposals(web, ana)
    listed = ana.client.get("/api/v1/review", params={"per_page": 2})
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 2)
    assert page["kinds"] == {"same-name": 2, "same-name-org": 1}
    first = page["items"][0]
    assert first["person_id"] == people["ana"] and first["kind"] == "same-name"
    assert "organization: Acme → Initech" in [c["text"] for c in first["changes"]]
    accepted = ana.client.post(f"/api/v1/review/{first['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["person_ids"] == [people["ana"]]
    assert ana.client.get(f"/api/v1/people/{people['ana']}").json()["title"] == "Designer"
    second = page["items"][1]
    kept = ana.client.post(f"/api/v1/review/{second['id']}/separate")
    assert kept.status_code == 200 and kept.json()["separated"] == 1
    new_id = kept.json()["person_ids"][0]
    assert ana.client.get(f"/api/v1/people/{new_id}").json()["organization"] == "Hooli"
    only = ana.client.get("/api/v1/review", params={"kind": "same-name-org"}).json()
    assert [p["person_id"] for p in only["items"]] == [people["carla"]]
    every = ana.client.post("/api/v1/review/accept-all", json={"kind": "same-name-org"})
    assert every.status_code == 200 and every.json()["accepted"] == 1
    assert ana.client.get("/api/v1/review").json()["total"] == 0


def test_wrong_numbers_kinds_and_workspaces(web: Web, ana: User, bruno: User) -> None:
    _proposals(web, ana)
    mine = ana.client.get("/api/v1/review").json()["items"][0]["id"]
    missing = ana.client.post("/api/v1/review/9999/accept")
    assert missing.status_code == 404
    assert "no proposal #9999 waiting" in missing.json()["error"]["message"]
    assert bruno.client.post(f"/api/v1/review/{mine}/separate").status_code == 404
    assert bruno.client.get("/api/v1/review").json()["total"] == 0
    wrong = ana.client.post("/api/v1/review/accept-all", json={"kind": "same-face"})
    assert wrong.status_code == 422
    assert ana.client.get("/api/v1/review", params={"kind": "x"}).status_code == 422
