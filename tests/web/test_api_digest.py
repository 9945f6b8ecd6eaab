"""The digest over the API: settings without the password, preview, send, errors."""

from __future__ import annotations

from aiosmtpd.controller import Controller

from tests.test_digest import Inbox, free_port
from tests.web.conftest import User, Web


def test_set_preview_and_send_the_digest_over_the_api(web: Web, ana: User) -> None:
    api = ana.client
    start = api.get("/api/v1/digest").json()
    assert start["status"]["enabled"] is False and start["settings"]["smtp"] is None
    unsent = api.post("/api/v1/digest/send")
    assert unsent.status_code == 422 and unsent.json()["error"]["field"] == "smtp"
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        body = {
            "enabled": True,
            "time": "06:45",
            "to": "ana@example.com",
            "smtp": {
                "host": "127.0.0.1",
                "port": port,
                "security": "none",
                "password": "s3cret",
                "sender": "rapport@example.org",
            },
        }
        view = api.patch("/api/v1/digest", json=body)
        assert view.status_code == 200, view.text
        assert view.json()["settings"]["smtp"]["password_set"] is True
        assert "s3cret" not in view.text
        assert view.json()["status"]["time"] == "06:45"
        preview = api.get("/api/v1/digest/preview", params={"date": "2026-11-24"}).json()
        assert preview["subject"].startswith("Rapport for Tuesday 24 November")
        sent = api.post("/api/v1/digest/send").json()
        assert sent["outcome"] == "sent"
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    bad = api.patch("/api/v1/digest", json={"time": "25:99"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "time"
    extra = api.patch("/api/v1/digest", json={"smtp": {"host": "x", "pasword": "typo"}})
    assert extra.status_code == 422
