"""The date order and a person's one birthday, over the API and the web pages."""

from __future__ import annotations

import re

from rapport.services import interactions, milestones, people
from tests.web.conftest import User, Web


def _person(web: Web, user: User, name: str = "Ana Lima") -> int:
    with web.open(user) as ctx:
        return people.add(ctx, {"full_name": name}).id


def test_the_api_settings_show_and_set_the_date_order(ana: User) -> None:
    zone = ana.client.patch("/api/v1/settings", json={"timezone": "Europe/Lisbon"}).json()
    assert (zone["date_order"], zone["date_order_used"]) == ("auto", "DMY")
    chosen = ana.client.patch("/api/v1/settings", json={"date_order": "MDY"}).json()
    assert (chosen["date_order"], chosen["date_order_used"]) == ("MDY", "MDY")
    assert ana.client.get("/api/v1/settings").json()["date_order"] == "MDY"
    back = ana.client.patch("/api/v1/settings", json={"date_order": "auto"}).json()
    assert (back["date_order"], back["date_order_used"]) == ("auto", "DMY")
    tokyo = ana.client.patch("/api/v1/settings", json={"timezone": "Asia/Tokyo"}).json()
    assert tokyo["date_order_used"] == "YMD"
    wrong = ana.client.patch("/api/v1/settings", json={"date_order": "DDMM"})
    assert wrong.status_code == 422


def test_the_api_refuses_a_second_birthday_unless_replaced_or_added(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    first = ana.client.post(
        "/api/v1/milestones",
        json={"person_id": pid, "kind": "birthday", "month": 10, "day": 12, "year": 1985},
    )
    assert first.status_code == 201
    body = {"person_id": pid, "kind": "birthday", "month": 10, "day": 13, "year": 1985}
    refused = ana.client.post("/api/v1/milestones", json=body)
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "Ana Lima already has a birthday: 12 October 1985. "
        'Send "replace": true to change it, or "another": true to record a second one.'
    )
    replaced = ana.client.post("/api/v1/milestones", json={**body, "replace": True}).json()
    assert (replaced["id"], replaced["day"]) == (first.json()["id"], 13)
    second = ana.client.post(
        "/api/v1/milestones", json={**body, "day": 1, "month": 5, "another": True}
    )
    assert second.status_code == 201 and second.json()["id"] != replaced["id"]
    both = ana.client.post("/api/v1/milestones", json={**body, "replace": True, "another": True})
    assert both.status_code == 422
    listed = ana.client.get("/api/v1/milestones", params={"person_id": pid}).json()["items"]
    assert sorted((m["month"], m["day"]) for m in listed) == [(5, 1), (10, 13)]


def test_the_settings_page_has_a_dates_section(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    browser.post("/settings", {"timezone": "America/New_York"})
    page = browser.get("/settings").text
    assert 'id="dates"' in page and "month first: 12/10/1985 is 10 December 1985" in page
    saved = browser.post("/settings/dates", {"date_order": "DMY"})
    assert "Date order saved. Dates are read day first" in saved.text
    assert re.search(r'<option value="DMY" selected>', saved.text)
    with web.open(ana) as ctx:
        from rapport.services import date_order

        assert date_order.order(ctx) == "DMY"
    wrong = browser.post("/settings/dates", {"date_order": "sideways"})
    assert wrong.status_code == 422 and "is not one of DMY, MDY, YMD, auto" in wrong.text


def test_a_typed_due_date_is_read_in_the_order_and_said_in_words(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    browser = web.browser(ana)
    browser.post("/settings", {"timezone": "Europe/Lisbon"})
    browser.get(f"/people/{pid}")
    page = browser.post(
        f"/people/{pid}/promises", {"description": "send the deck", "due": "3/12"}
    ).text
    assert "You promised: send the deck (by 3 December 2026)." in page


def test_the_person_page_refuses_a_second_birthday_and_offers_the_choice(
    web: Web, ana: User
) -> None:
    pid = _person(web, ana)
    browser = web.browser(ana)
    browser.get(f"/people/{pid}")
    added = browser.post(f"/people/{pid}/milestones", {"kind": "birthday", "date": "1985-10-12"})
    assert "Added Ana Lima&#39;s birthday: 12 October 1985." in added.text
    assert 'name="if_exists"' in added.text
    refused = browser.post(f"/people/{pid}/milestones", {"kind": "birthday", "date": "1985-10-13"})
    assert "Ana Lima already has a birthday: 12 October 1985." in refused.text
    assert "flash-error" in refused.text
    browser.post(
        f"/people/{pid}/milestones",
        {"kind": "birthday", "date": "1985-10-13", "if_exists": "replace"},
    )
    browser.post(
        f"/people/{pid}/milestones",
        {"kind": "birthday", "date": "1990-05-01", "if_exists": "another"},
    )
    with web.open(ana) as ctx:
        days = sorted((m.month, m.day, m.year) for m in milestones.for_person(ctx, pid))
    assert days == [(5, 1, 1990), (10, 13, 1985)]


def test_a_typed_log_date_is_read_in_the_order_and_said_in_words(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    browser = web.browser(ana)
    browser.post("/settings/dates", {"date_order": "MDY"})
    browser.get("/")
    logged = browser.post("/log", {"who": f"#{pid}", "summary": "Coffee", "when": "11/2/2026"})
    assert "Logged meeting with Ana Lima on 2 November 2026." in logged.text
    with web.open(ana) as ctx:
        found = interactions.timeline(ctx, pid)
        assert found[0].occurred_at.astimezone(ctx.tz).date().isoformat() == "2026-11-02"


def test_the_birthday_flags_are_booleans(web: Web, ana: User) -> None:
    pid = _person(web, ana)
    body = {"person_id": pid, "kind": "birthday", "month": 3, "day": 9, "another": 0}
    assert ana.client.post("/api/v1/milestones", json=body).status_code == 422
