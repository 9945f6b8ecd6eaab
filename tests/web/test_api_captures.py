"""Offline capture through /api/v1: the directory a phone keeps, and captures sent
with a key, each acted on once however often it is sent — by a token, or by the
signed-in page with its CSRF token; a person merged or archived meanwhile."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from rapport.services import merge, people
from tests.factories import make_person
from tests.web.conftest import User, Web


def _person(web: Web, user: User, name: str, **fields: object) -> int:
    with web.open(user) as ctx:
        return make_person(ctx, name, **fields).id


def _timeline(user: User, pid: int) -> list[dict[str, Any]]:
    listing = user.client.get(f"/api/v1/people/{pid}/interactions").json()
    items: list[dict[str, Any]] = listing["items"]
    return items


def _log(pid: int, key: str | None = None, **extra: object) -> dict[str, Any]:
    return {
        "key": key or str(uuid.uuid4()),
        "kind": "log",
        "person_id": pid,
        "summary": "Coffee at the summit",
        "occurred_at": "2026-11-22T10:00:00Z",
        **extra,
    }


def test_the_directory_lists_people_not_archived(web: Web, ana: User, bruno: User) -> None:
    lima = _person(web, ana, "Ana Lima", organization="Acme")
    gone = _person(web, ana, "Zed Old")
    _person(web, bruno, "Someone Else")
    with web.open(ana) as ctx:
        people.archive(ctx, gone)
    found = ana.client.get("/api/v1/people/directory")
    assert found.status_code == 200
    assert found.json() == [{"id": lima, "name": "Ana Lima", "organization": "Acme"}]


def test_a_capture_sent_twice_is_logged_once(web: Web, ana: User) -> None:
    pid = _person(web, ana, "Ana Lima")
    body = _log(pid)
    first = ana.client.post("/api/v1/captures", json=body)
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["person_id"] == pid
    assert answer["replayed"] is False
    assert answer["message"] == "Logged meeting with Ana Lima."
    again = ana.client.post("/api/v1/captures", json=body)
    assert again.status_code == 200
    assert again.json() == answer | {"replayed": True}
    timeline = _timeline(ana, pid)
    assert [i["summary"] for i in timeline] == ["Coffee at the summit"]
    assert timeline[0]["id"] == answer["interaction_id"]
    assert timeline[0]["occurred_at"].startswith("2026-11-22T10:00:00")


def test_the_same_key_sent_at_once_is_logged_once(web: Web, ana: User) -> None:
    pid = _person(web, ana, "Ana Lima")
    body = _log(pid)
    codes: list[int] = []

    def send() -> None:
        codes.append(ana.client.post("/api/v1/captures", json=body).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 200, 200, 201]
    assert len(_timeline(ana, pid)) == 1


def test_keys_belong_to_a_workspace(web: Web, ana: User, bruno: User) -> None:
    mine = _person(web, ana, "Ana Lima")
    theirs = _person(web, bruno, "Bruno Souza")
    key = str(uuid.uuid4())
    assert ana.client.post("/api/v1/captures", json=_log(mine, key)).status_code == 201
    other = bruno.client.post("/api/v1/captures", json=_log(theirs, key))
    assert other.status_code == 201
    assert other.json()["person"] == "Bruno Souza"
    stranger = bruno.client.post("/api/v1/captures", json=_log(mine))
    assert stranger.status_code == 404  # not bruno's person


def test_meeting_someone_new(web: Web, ana: User) -> None:
    body = {
        "key": str(uuid.uuid4()),
        "kind": "met",
        "name": "Imani Okafor",
        "where": "the Lisbon summit",
        "notes": "Runs the solar pilot",
        "occurred_at": "2026-11-23T09:00:00Z",
    }
    first = ana.client.post("/api/v1/captures", json=body)
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["message"] == "Added Imani Okafor, met at the Lisbon summit."
    assert ana.client.post("/api/v1/captures", json=body).status_code == 200
    listing = ana.client.get("/api/v1/people").json()
    assert [p["person"]["name"] for p in listing["items"]].count("Imani Okafor") == 1
    person = ana.client.get(f"/api/v1/people/{answer['person_id']}").json()
    assert person["how_met"] == "the Lisbon summit"
    assert person["met_on"] == "2026-11-23"
    timeline = _timeline(ana, answer["person_id"])
    assert [(i["summary"], i["notes"]) for i in timeline] == [
        ("Met at the Lisbon summit", "Runs the solar pilot")
    ]


def test_a_capture_for_someone_merged_since_lands_on_the_person_kept(web: Web, ana: User) -> None:
    kept = _person(web, ana, "Ana Lima")
    copy = _person(web, ana, "Ana Lima (LinkedIn)")
    third = _person(web, ana, "A. Lima")
    with web.open(ana) as ctx:
        merge.merge(ctx, third, kept)  # kept goes into third…
    with web.open(ana) as ctx:
        merge.merge(ctx, third, copy)
    answer = ana.client.post("/api/v1/captures", json=_log(kept, name="Ana Lima"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["person_id"] == third
    assert answer.json()["merged_from"] == kept
    assert [i["summary"] for i in _timeline(ana, third)] == ["Coffee at the summit"]


def test_a_chain_of_merges_is_followed(web: Web, ana: User) -> None:
    first = _person(web, ana, "Ana Lima")
    second = _person(web, ana, "Ana L.")
    last = _person(web, ana, "Ana Lima Souza")
    with web.open(ana) as ctx:
        merge.merge(ctx, second, first)
    with web.open(ana) as ctx:
        merge.merge(ctx, last, second)
    answer = ana.client.post("/api/v1/captures", json=_log(first)).json()
    assert (answer["person_id"], answer["merged_from"]) == (last, first)


def test_archived_people_still_get_their_capture(web: Web, ana: User) -> None:
    pid = _person(web, ana, "Ana Lima")
    with web.open(ana) as ctx:
        people.archive(ctx, pid)
    answer = ana.client.post("/api/v1/captures", json=_log(pid)).json()
    assert answer["archived"] is True
    assert answer["message"].endswith("Ana Lima is archived.")
    assert len(_timeline(ana, pid)) == 1


def test_a_person_gone_is_refused_and_the_key_stays_unused(web: Web, ana: User) -> None:
    pid = _person(web, ana, "Ana Lima")
    body = _log(pid, name="Ana Lima")
    ana.client.post("/api/v1/captures", json=body | {"person_id": 999})  # noise
    gone = ana.client.post("/api/v1/captures", json=body | {"person_id": 998})
    assert gone.status_code == 404
    assert "#998 (Ana Lima) is no longer in your network" in gone.json()["error"]["message"]
    # nothing was kept under the key: sent right, it is acted on
    assert ana.client.post("/api/v1/captures", json=body).status_code == 201


def test_bad_captures_are_refused_by_field(web: Web, ana: User) -> None:
    pid = _person(web, ana, "Ana Lima")
    short = ana.client.post("/api/v1/captures", json=_log(pid, key="abc"))
    assert short.status_code == 422
    assert short.json()["error"]["field"] == "key"
    nobody = ana.client.post("/api/v1/captures", json={"key": str(uuid.uuid4()), "kind": "met"})
    assert nobody.status_code == 422
    assert nobody.json()["error"]["field"] == "name"
    who = ana.client.post("/api/v1/captures", json={"key": str(uuid.uuid4()), "kind": "log"})
    assert who.json()["error"]["field"] == "person_id"


def test_a_clock_ahead_is_taken_as_now(web: Web, ana: User) -> None:
    pid = _person(web, ana, "Ana Lima")
    answer = ana.client.post("/api/v1/captures", json=_log(pid, occurred_at="2027-01-05T10:00:00Z"))
    assert answer.status_code == 201, answer.text
    assert _timeline(ana, pid)[0]["occurred_at"].startswith("2026-11-23")


def test_the_signed_in_page_sends_with_its_csrf_token(web: Web, ana: User) -> None:
    pid = _person(web, ana, "Ana Lima")
    browser = web.browser(ana)
    body = _log(pid)
    refused = browser.client.post("/api/v1/captures", json=body)
    assert refused.status_code == 403  # a cookie alone is no authority to write
    sent = browser.client.post(
        "/api/v1/captures", json=body, headers={"X-CSRF-Token": browser.csrf}
    )
    assert sent.status_code == 201, sent.text
    assert ana.client.post("/api/v1/captures", json=body).status_code == 200
    assert len(_timeline(ana, pid)) == 1
