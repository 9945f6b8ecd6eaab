"""A well-formed request that contradicts today's date, another field or what is
stored answers 409 `contradicts`, naming the field: no schema can refuse it, and the
same body may be right on another day or against other data."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.errors import Contradicts, Invalid
from tests.factories import make_person
from tests.web.conftest import User, Web


@pytest.fixture
def three(web: Web, ana: User) -> list[int]:
    with web.open(ana) as ctx:
        return [make_person(ctx, name).id for name in ("Ana Lima", "Bruno Souza", "Carla Dias")]


def _contradicts(response: Any, field: str) -> None:
    assert response.status_code == 409, response.text
    assert response.json()["error"]["type"] == "contradicts"
    assert response.json()["error"]["field"] == field


def test_days_after_today_and_before_the_start(ana: User, three: list[int]) -> None:
    a, _, _ = three
    post = ana.client.post
    _contradicts(post("/api/v1/agenda/snooze", json={"ref": "#1", "until": "2026-11-23"}), "until")
    favour = {"person_id": a, "direction": "received", "kind": "advice"}
    _contradicts(post("/api/v1/favours", json={**favour, "occurred_on": "2026-11-24"}), "on")
    later = {"participant_ids": [a], "occurred_at": "2026-12-01T10:00:00"}
    _contradicts(post("/api/v1/interactions", json=later), "when")
    event = {"name": "Summit", "starts_on": "2026-11-20", "ends_on": "2026-11-19"}
    _contradicts(post("/api/v1/events", json=event), "ends")
    assert post("/api/v1/favours", json={**favour, "occurred_on": "2026-11-23"}).status_code == 201


def test_people_who_must_differ(ana: User, three: list[int]) -> None:
    a, b, _ = three
    intro = {"person_id": a, "to_person_id": b, "introducer_id": b}
    _contradicts(ana.client.post("/api/v1/introductions", json=intro), "intro")
    patch = ana.client.patch(f"/api/v1/people/{a}", json={"introduced_by_id": a})
    _contradicts(patch, "introduced_by")


def test_only_help_received_is_thanked(ana: User, three: list[int]) -> None:
    gave = {"person_id": three[0], "direction": "given", "kind": "advice"}
    favour = ana.client.post("/api/v1/favours", json=gave).json()
    _contradicts(ana.client.post(f"/api/v1/favours/{favour['id']}/thank"), "favour")


def test_a_mail_server_s_sender_is_an_address_or_falls_back(ana: User) -> None:
    smtp = {"host": "mail.example.com", "user": "ana"}
    wrong = ana.client.patch("/api/v1/digest", json={"smtp": {**smtp, "sender": "ana"}})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "smtp.sender"
    kept = ana.client.patch("/api/v1/digest", json={"smtp": smtp})  # the owner's address
    assert kept.json()["settings"]["smtp"]["sender"] == "ana@example.com"


def test_the_excel_form_is_the_csv_s_alone(ana: User) -> None:
    _contradicts(ana.client.get("/api/v1/exports/ics", params={"excel": "true"}), "excel")


def test_the_cli_answers_them_as_it_answers_invalid_input() -> None:
    assert issubclass(Contradicts, Invalid) and Contradicts.exit_code == Invalid.exit_code == 2
