"""Setting up the daily digest in the web app: the mail server, the time, a test send,
and the scheduler delivering it the next morning with no cron."""

from __future__ import annotations

import datetime as dt

from aiosmtpd.controller import Controller

from rapport.services import digest
from tests.test_digest import Inbox, free_port
from tests.web.conftest import User, Web


def test_a_new_user_sets_smtp_in_the_web_app_and_gets_the_digest(web: Web, ana: User) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        browser = web.browser(ana)
        page = browser.get("/settings")
        assert "Daily digest by email" in page.text and "The digest is off." in page.text
        saved = browser.post(
            "/settings/digest",
            {
                "enabled": "on",
                "time": "07:30",
                "to": "ana@example.com",
                "base_url": "https://rapport.example.org",
                "smtp_host": "127.0.0.1",
                "smtp_port": str(port),
                "smtp_security": "none",
                "smtp_user": "",
                "smtp_password": "pa55word",
                "smtp_from": "rapport@example.org",
            },
        )
        assert "Daily digest saved." in saved.text
        assert "pa55word" not in saved.text and "set; leave empty to keep it" in saved.text
        sent = browser.post("/settings/digest/send", {})
        assert "Digest sent to ana@example.com" in sent.text
        assert len(inbox.messages) == 1
        # the next morning, the scheduler inside `rapport serve` sends it by itself
        with web.open(ana, write=False) as ctx:
            zone = ctx.tz
        # (the test send above went out at the real time, so "next" is the real next)
        tomorrow = dt.datetime.now(zone).date() + dt.timedelta(days=1)
        morning = dt.datetime.combine(tomorrow, dt.time(7, 31), zone)
        outcomes = [d.outcome for d in digest.tick(web.rapport, morning)]
        assert outcomes == ["sent"]
        assert [d.outcome for d in digest.tick(web.rapport, morning)] == ["already-sent"]
    finally:
        controller.stop()
    assert len(inbox.messages) == 2
    assert inbox.messages[1]["To"] == "ana@example.com"
    status = browser.get("/settings").text
    assert "Last sent:" in status and "never" not in status.split("Last sent:")[1][:40]


def test_bad_digest_settings_are_refused_with_the_field(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    wrong = browser.post("/settings/digest", {"time": "7.30pm"})
    assert wrong.status_code == 422 and "time: " in wrong.text
    unreachable = browser.post(
        "/settings/digest",
        {
            "smtp_host": "127.0.0.1",
            "smtp_port": str(free_port()),
            "smtp_security": "none",
            "smtp_from": "a@example.org",
            "to": "ana@example.com",
        },
    )
    assert unreachable.status_code in (200, 303)
    failed = browser.post("/settings/digest/send", {})
    assert failed.status_code == 502 and "cannot reach the SMTP server" in failed.text
