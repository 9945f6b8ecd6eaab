"""The API refuses text no backend can store with a 422 naming the field."""

from __future__ import annotations

import json
from typing import Any

from tests.web.conftest import User


def _send(user: User, method: str, path: str, body: dict[str, Any]) -> Any:
    # json.dumps writes the surrogate as the escape "\ud800", as a client would
    headers = {"content-type": "application/json"}
    return user.client.request(method, path, content=json.dumps(body), headers=headers)


def test_the_api_refuses_a_lone_surrogate_with_422(ana: User) -> None:
    for body in ({"full_name": "Lone \ud800 surrogate"}, {"full_name": "Ok", "notes": "\udc80"}):
        answer = _send(ana, "POST", "/api/v1/people", body)
        assert answer.status_code == 422, answer.text
        assert "surrogate" in answer.text
    pid = ana.client.post("/api/v1/people", json={"full_name": "Ana Lima"}).json()["id"]
    patched = _send(ana, "PATCH", f"/api/v1/people/{pid}", {"title": "x\ud800"})
    assert patched.status_code == 422, patched.text
