"""Conversations, promises, favours, dates, events, mentoring, feedback and
introductions through /api/v1."""

from __future__ import annotations

from tests.factories import make_person
from tests.web.conftest import User, Web


def _person(web: Web, user: User, name: str = "Ana Lima", **fields: object) -> int:
    with web.open(user) as ctx:
        return make_person(ctx, name, **fields).id


def test_interactions(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    other = _person(web, ana, "Bruno Souza")
    logged = ana.client.post(
        "/api/v1/interactions",
        json={
            "participant_ids": [pid, other],
            "kind": "meal",
            "summary": "Pilot scope",
            "occurred_at": "2026-11-20T09:30:00",
            "direction": "me",
        },
    )
    assert logged.status_code == 201, logged.text
    body = logged.json()
    assert body["kind"] == "meal"
    assert body["participants"] == ["Ana Lima", "Bruno Souza"]
    assert body["occurred_at"].startswith("2026-11-20T09:30:00")  # the workspace is UTC
    now = ana.client.post("/api/v1/interactions", json={"participant_ids": [pid]}).json()
    assert now["kind"] == "meeting"
    listing = ana.client.get("/api/v1/interactions", params={"limit": 1}).json()
    assert listing["total"] == 2
    assert [i["id"] for i in listing["items"]] == [now["id"]]
    mine = ana.client.get("/api/v1/interactions", params={"person_id": other}).json()
    assert [i["id"] for i in mine["items"]] == [body["id"]]
    assert ana.client.get(f"/api/v1/interactions/{body['id']}").json() == body
    assert ana.client.delete(f"/api/v1/interactions/{body['id']}").status_code == 204
    assert ana.client.get(f"/api/v1/interactions/{body['id']}").status_code == 404
    future = ana.client.post(
        "/api/v1/interactions",
        json={"participant_ids": [pid], "occurred_at": "2027-06-01T10:00:00"},
    )
    assert future.status_code == 409  # well-formed, but after today
    assert future.json()["error"]["field"] == "when"
    nobody = ana.client.post("/api/v1/interactions", json={"participant_ids": []})
    assert nobody.json()["error"]["field"] == "participant_ids"


def test_promises(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    made = ana.client.post(
        "/api/v1/promises",
        json={"person_id": pid, "description": "send the proposal", "due_on": "2026-11-27"},
    )
    assert made.status_code == 201, made.text
    theirs = ana.client.post(
        "/api/v1/promises", json={"person_id": pid, "description": "intro", "owner": "them"}
    ).json()
    assert ana.client.get("/api/v1/promises").json()["total"] == 2
    mine = ana.client.get("/api/v1/promises", params={"owner": "me"}).json()
    assert [p["description"] for p in mine["items"]] == ["send the proposal"]
    kept = ana.client.post(
        f"/api/v1/promises/{made.json()['id']}/resolve", json={"status": "kept"}
    ).json()
    assert kept["status"] == "kept"
    assert ana.client.get("/api/v1/promises").json()["total"] == 1
    assert ana.client.get("/api/v1/promises", params={"status": "all"}).json()["total"] == 2
    by_person = ana.client.get("/api/v1/promises", params={"person_id": pid, "status": "all"})
    assert by_person.json()["total"] == 2
    wrong = ana.client.post(f"/api/v1/promises/{theirs['id']}/resolve", json={"status": "done"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"] == "status"


def test_favours(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    got = ana.client.post(
        "/api/v1/favours",
        json={
            "person_id": pid,
            "direction": "received",
            "kind": "introduction",
            "note": "to a CFO",
        },
    )
    assert got.status_code == 201, got.text
    ana.client.post(
        "/api/v1/favours", json={"person_id": pid, "direction": "given", "kind": "advice"}
    )
    assert ana.client.get("/api/v1/favours/balance").json() == {
        "given": 1,
        "received": 1,
        "unthanked": 1,
    }
    thanked = ana.client.post(f"/api/v1/favours/{got.json()['id']}/thank").json()
    assert thanked["thanked_on"] == "2026-11-23"
    listing = ana.client.get("/api/v1/favours", params={"person_id": pid}).json()
    assert listing["total"] == 2
    balance = ana.client.get("/api/v1/favours/balance", params={"person_id": pid}).json()
    assert balance["unthanked"] == 0


def test_milestones(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    made = ana.client.post(
        "/api/v1/milestones",
        json={"person_id": pid, "kind": "birthday", "month": 11, "day": 25, "year": 1988},
    )
    assert made.status_code == 201, made.text
    assert made.json()["next_on"] == "2026-11-25"
    upcoming = ana.client.get("/api/v1/milestones", params={"within_days": 7}).json()
    assert [m["id"] for m in upcoming["items"]] == [made.json()["id"]]
    theirs = ana.client.get("/api/v1/milestones", params={"person_id": pid}).json()
    assert theirs["total"] == 1
    impossible = ana.client.post(
        "/api/v1/milestones", json={"person_id": pid, "kind": "birthday", "month": 2, "day": 30}
    )
    assert impossible.status_code == 422
    assert ana.client.delete(f"/api/v1/milestones/{made.json()['id']}").status_code == 204
    assert ana.client.get("/api/v1/milestones", params={"person_id": pid}).json()["total"] == 0


def test_events_and_people_met(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    event = ana.client.post(
        "/api/v1/events", json={"name": "WebSummit", "starts_on": "2026-11-16", "place": "Lisbon"}
    )
    assert event.status_code == 201, event.text
    eid = event.json()["id"]
    known = ana.client.post(f"/api/v1/events/{eid}/attendees", json={"person_id": pid})
    assert known.status_code == 200, known.text
    new = ana.client.post(
        f"/api/v1/events/{eid}/attendees",
        json={"name": "Nadia Rahman", "organization": "Solaris", "note": "climate startup"},
    ).json()
    assert [a["person"] for a in new["attendees"]] == ["Ana Lima", "Nadia Rahman"]
    assert ana.client.get(f"/api/v1/events/{eid}").json() == new
    listing = ana.client.get("/api/v1/events").json()
    assert listing["total"] == 1
    nobody = ana.client.post(f"/api/v1/events/{eid}/attendees", json={"note": "?"})
    assert nobody.status_code == 422
    # the event is there; a person named in the body who is not is a refused value
    stranger = ana.client.post(f"/api/v1/events/{eid}/attendees", json={"person_id": 999_999})
    assert stranger.status_code == 409
    assert stranger.json()["error"]["field"] == "person_id"
    backwards = ana.client.post(
        "/api/v1/events",
        json={"name": "X", "starts_on": "2026-11-16", "ends_on": "2026-11-10"},
    )
    assert backwards.json()["error"]["field"] == "ends"


def test_mentoring_feedback_and_introductions(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    other = _person(web, ana, "Bruno Souza")
    mentorship = ana.client.post(
        "/api/v1/mentorships",
        json={"person_id": pid, "their_role": "mentee", "session_cadence_days": 21},
    )
    assert mentorship.status_code == 201, mentorship.text
    assert ana.client.get("/api/v1/mentorships").json()["total"] == 1
    feedback = ana.client.post(
        "/api/v1/feedback",
        json={"person_id": pid, "content": "Slides too dense", "actions": ["simplify slides"]},
    )
    assert feedback.status_code == 201, feedback.text
    assert feedback.json()["actions"][0]["description"] == "simplify slides"
    assert ana.client.get("/api/v1/feedback", params={"person_id": pid}).json()["total"] == 1
    intro = ana.client.post(
        "/api/v1/introductions", json={"person_id": pid, "introducer_id": other}
    )
    assert intro.status_code == 201, intro.text
    assert intro.json()["introducer"] == "Bruno Souza"
    assert ana.client.get("/api/v1/introductions").json()["total"] == 1
    alone = ana.client.post("/api/v1/introductions", json={"person_id": pid})
    assert alone.status_code == 422
