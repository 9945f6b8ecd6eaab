"""A multi-day event and its follow-up window on the web and in the API; bulk
delete (to the archive) from the People page and the API, undone."""

from __future__ import annotations

import datetime as dt

from rapport.services import events, people
from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web


def test_a_three_day_event_on_its_pages_and_in_the_api(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    made = browser.post("/events", {"name": "WebSummit", "on": "2026-11-16", "ends": "2026-11-18"})
    assert "16–18 Nov 2026" in made.text
    assert "Follow up within 14 days: until 2 Dec" in made.text
    assert 'href="/settings#agenda-rules"' in made.text
    assert "16–18 Nov 2026" in browser.get("/events").text
    listed = ana.client.get("/api/v1/events").json()["items"][0]
    assert listed["dates"] == "16–18 Nov 2026"
    assert (listed["follow_up_days"], listed["follow_up_until"]) == (14, "2026-12-02")
    changed = ana.client.patch("/api/v1/settings", json={"agenda": {"follow_up_days": 7}})
    assert changed.status_code == 200, changed.text
    assert "Follow up within 7 days: until 25 Nov" in browser.get(f"/events/{listed['id']}").text


def test_a_contact_logged_first_is_the_follow_up_through_the_api(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        summit = events.create(
            ctx, "WebSummit", dt.date(2026, 11, 16), ends_on=dt.date(2026, 11, 18)
        )
        pid = make_person(ctx, "Nadia Rahman").id
        make_interaction(ctx, [pid], on=dt.date(2026, 11, 19), summary="Coffee")
    met = ana.client.post(f"/api/v1/events/{summit.id}/attendees", json={"person_id": pid})
    assert met.status_code == 200, met.text
    assert met.json()["attendees"][0]["followed_up_at"] is not None
    today = ana.client.get("/api/v1/agenda").json()
    assert all(e["person"] != "Nadia Rahman" for e in today["entries"])


def test_bulk_delete_to_the_archive_on_the_page_and_the_api(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        first = make_person(ctx, "Ana Lima").id
        second = make_person(ctx, "Bruno Souza").id
    browser = web.browser(ana)
    assert "Delete (to the archive)" in browser.get("/people").text
    page = browser.post("/people/bulk", {"ids": [str(first)], "action": "delete"})
    assert "Deleted 1 person to the archive, their history kept." in page.text
    assert "Undo" in page.text
    with web.open(ana, write=False) as ctx:
        assert people.show(ctx, first).archived
    api = ana.client.post("/api/v1/people/bulk", json={"ids": [second], "action": "delete"})
    assert api.status_code == 200, api.text
    undo = api.json()["undo"]
    assert undo == {"action": "unarchive", "ids": [second]}
    assert ana.client.post("/api/v1/people/bulk", json=undo).status_code == 200
    with web.open(ana, write=False) as ctx:
        assert not people.show(ctx, second).archived
