"""The correspondents the mail sync offers, on the web: `/api/v1/correspondents` and
the Review page, each adding or ignoring through the one service. The exchanges are
counted by the sync's own service call (the sync itself is tested against Dovecot in
tests/test_sync_imap.py)."""

from __future__ import annotations

import datetime as dt

from rapport.adapters.records import Address, Conversation
from rapport.services import correspondents
from rapport.services.context import Ctx
from tests.web.conftest import User, Web

AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def exchanges(ctx: Ctx, address: str, name: str, days: int, written: int = 1) -> None:
    """`days` days of a thread with `address`, the user writing on the first `written`."""
    correspondents.count(ctx, [
        Conversation(
            line=None, external_id=f"2026-10-{n + 1:02d}/t{n}.{address}",
            started_at=AT + dt.timedelta(days=n), subject=f"Plans {n}", direction="them",
            counterparts=[Address(address, name)], messages=2, written=1 if n < written else 0,
        )
        for n in range(days)
    ])  # fmt: skip


def test_the_api_lists_adds_and_ignores(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        exchanges(ctx, "dee@other.org", "Dee Ford", 3)
        exchanges(ctx, "eli@other.org", "Eli", 4)
        exchanges(ctx, "cold@spam.org", "Cold", 5, written=0)
    listed = ana.client.get("/api/v1/correspondents").json()
    assert [(c["address"], c["exchanges"], c["written"]) for c in listed] == [
        ("eli@other.org", 4, 1), ("dee@other.org", 3, 1),
    ]  # fmt: skip
    added = ana.client.post("/api/v1/correspondents/add", json={"addresses": ["dee@other.org"]})
    assert added.status_code == 200, added.text
    assert added.json()["people_created"] == 1 and added.json()["interactions_created"] == 3
    people = ana.client.get("/api/v1/people", params={"q": "Dee Ford"}).json()
    assert "Dee Ford" in str(people)
    ignored = ana.client.post(
        "/api/v1/correspondents/ignore", json={"addresses": ["eli@other.org"]}
    )
    assert ignored.status_code == 200
    assert ana.client.get("/api/v1/correspondents").json() == []
    missing = ana.client.post("/api/v1/correspondents/add", json={"addresses": ["x@y.org"]})
    assert missing.status_code == 404
    assert ana.client.post("/api/v1/correspondents/add", json={"addresses": []}).status_code == 422


def test_the_review_page_offers_add_and_not_now(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        exchanges(ctx, "dee@other.org", "Dee Ford", 3)
        exchanges(ctx, "eli@other.org", "Eli", 3)
    browser = web.browser(ana)
    page = browser.get("/review").text
    assert "People you email, not in your network" in page
    assert 'aria-label="Add dee@other.org"' in page and "Not now: eli@other.org" in page
    done = browser.post("/review/correspondents/add", {"address": "dee@other.org"})
    assert done.status_code == 200 and "Added dee@other.org with 3 conversations." in done.text
    later = browser.post("/review/correspondents/ignore", {"address": "eli@other.org"})
    assert "eli@other.org will not be offered again." in later.text
    assert "People you email, not in your network" not in browser.get("/review").text
