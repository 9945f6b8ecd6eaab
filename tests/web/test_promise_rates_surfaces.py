"""Promise rates both ways on the API, Insights and the person's page (issue 23)."""

from __future__ import annotations

from tests.factories import make_person
from tests.web.conftest import User, Web


def _kept_and_broken(web: Web, user: User) -> int:
    with web.open(user) as ctx:
        pid = make_person(ctx, "Ana Lima").id
    for owner, status in (("me", "kept"), ("me", "kept"), ("me", "broken"), ("them", "broken")):
        made = user.client.post(
            "/api/v1/promises", json={"person_id": pid, "description": "x", "owner": owner}
        )
        user.client.post(f"/api/v1/promises/{made.json()['id']}/resolve", json={"status": status})
    return pid


def test_the_api_gives_both_rates_per_person_and_for_everyone(
    web: Web, ana: User, bruno: User
) -> None:
    pid = _kept_and_broken(web, ana)
    one = ana.client.get("/api/v1/promises/rates", params={"person_id": pid})
    assert one.status_code == 200, one.text
    body = one.json()
    assert body["summary"] == "you kept 2 of 3 (67%); they kept 0 of 1 (0%)"
    assert body["person"] == "Ana Lima" and len(body["months"]) == 12
    assert body["months"][-1]["mine"] == {"kept": 2, "broken": 1, "rate": 0.6667}
    everyone = ana.client.get("/api/v1/promises/rates").json()
    assert everyone["person_id"] is None and everyone["theirs"]["broken"] == 1
    # another workspace's person: not found, never their figures
    assert bruno.client.get("/api/v1/promises/rates", params={"person_id": pid}).status_code == 404
    assert bruno.client.get("/api/v1/promises/rates").json()["mine"]["rate"] is None
    reliability = next(
        c
        for c in ana.client.get(f"/api/v1/people/{pid}/health").json()["components"]
        if c["name"] == "reliability"
    )
    assert reliability["explanation"] == "you kept 2 of 3 promises; they kept 0 of 1"


def test_insights_and_the_person_page_show_both_rates(web: Web, ana: User) -> None:
    pid = _kept_and_broken(web, ana)
    browser = web.browser(ana)
    insights = browser.get("/insights").text
    assert "Promises kept" in insights
    assert "You kept 2 of 3 (67%); others kept 0 of 1 (0%)." in insights
    assert "<title>yours: 67%</title>" in insights and "<title>theirs: 0%</title>" in insights
    assert "<title>yours: —</title>" in insights  # a month with nothing resolved
    page = browser.get(f"/people/{pid}").text
    assert "You kept 2 of 3 (67%); they kept 0 of 1 (0%)." in page
    assert "<script" not in insights.split("</head>")[1]  # SVG from the server, no script
