"""History and undo through /api/v1."""

from __future__ import annotations

from tests.factories import make_person
from tests.web.conftest import User, Web


def test_history_and_undo(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima").id
    made = ana.client.post("/api/v1/promises", json={"person_id": pid, "description": "a deck"})
    assert made.status_code == 201, made.text
    promise_id = made.json()["id"]
    kept = ana.client.post(f"/api/v1/promises/{promise_id}/resolve", json={"status": "kept"})
    assert kept.status_code == 200, kept.text
    listed = ana.client.get("/api/v1/history", params={"limit": 2}).json()
    assert [e["action"] for e in listed] == ["kept", "promise"]
    assert listed[0]["user"] is not None  # who did it, when known
    undone = ana.client.post(f"/api/v1/history/{listed[0]['id']}/undo")
    assert undone.status_code == 200, undone.text
    assert undone.json()["undoes"] == listed[0]["id"]
    promise = ana.client.get("/api/v1/promises", params={"status": "open"}).json()
    assert promise["items"][0]["status"] == "open"
    again = ana.client.post(f"/api/v1/history/{listed[0]['id']}/undo")
    assert again.status_code == 409
    assert "already undone" in again.json()["error"]["message"]


def test_another_workspace_cannot_undo(web: Web, ana: User, bruno: User) -> None:
    with web.open(ana) as ctx:
        make_person(ctx, "Ana Lima")
    with web.open(ana) as ctx:
        make_person(ctx, "Bo Chen")
    mine = ana.client.get("/api/v1/history").json()[0]["id"]
    assert bruno.client.post(f"/api/v1/history/{mine}/undo").status_code == 404
