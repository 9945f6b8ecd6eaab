"""Health the user corrects, through the API and the pages (issue 23)."""

from __future__ import annotations

import datetime as dt
import re

from tests.conftest import TODAY
from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web


def _ana_lima(web: Web, user: User) -> int:
    with web.open(user) as ctx:
        person = make_person(ctx, "Ana Lima", types=["peer"])
        make_interaction(ctx, [person.id], on=TODAY - dt.timedelta(days=20))
    return person.id


def test_the_api_corrects_a_score_refuses_bad_points_and_clears(web: Web, ana: User) -> None:
    pid = _ana_lima(web, ana)
    measured = ana.client.get(f"/api/v1/people/{pid}/health").json()["value"]
    path = f"/api/v1/people/{pid}/health/adjustment"
    h = ana.client.put(path, json={"points": 15, "reason": "weekly on Signal"})
    assert h.status_code == 200, h.text
    body = h.json()
    assert body["value"] == min(100, measured + 15) and body["measured"] == measured
    assert body["adjustment"] == 15 and body["adjustment_reason"] == "weekly on Signal"
    assert f"+15 you added: weekly on Signal (measured {measured})" in body["explanation"]
    assert ana.client.get(f"/api/v1/people/{pid}/health").json()["value"] == body["value"]
    for bad, field in (
        ({"points": 500, "reason": "x"}, "points"),
        ({"points": "lots", "reason": "x"}, "points"),
        ({"points": 5, "reason": ""}, "reason"),
        ({"points": 5}, "reason"),
    ):
        refused = ana.client.put(path, json=bad)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == field, (bad, refused.text)
    zero = ana.client.put(path, json={"points": 0, "reason": "none after all"})
    assert zero.status_code == 200 and zero.json()["adjustment"] == 0  # 0: no correction
    ana.client.put(path, json={"points": 15, "reason": "weekly on Signal"})
    cleared = ana.client.delete(path)
    assert cleared.status_code == 200 and cleared.json()["value"] == measured


def test_the_api_weights_health_and_names_a_bad_weight(web: Web, ana: User) -> None:
    got = ana.client.patch("/api/v1/settings", json={"health_weights": {"tone": 0.6}})
    assert got.status_code == 200, got.text
    weights = got.json()["health_weights"]
    assert abs(sum(weights.values()) - 1) < 1e-3 and weights["tone"] > 0.3
    for bad, field in (({"tone": "warm"}, "tone"), ({"mood": 1}, "mood"), ({"tone": -1}, "tone")):
        refused = ana.client.patch("/api/v1/settings", json={"health_weights": bad})
        assert refused.status_code == 422, refused.text
        assert field in refused.json()["error"]["field"], (bad, refused.text)
    zero = ana.client.patch("/api/v1/settings", json={"health_weights": {"recency": 0}})
    assert zero.status_code == 409 and zero.json()["error"]["field"] == "weights.recency"
    back = ana.client.patch("/api/v1/settings", json={"health_weights": {}})
    assert back.json()["health_weights"] == back.json()["health_weights_default"]


def test_the_health_card_corrects_a_score_and_the_flash_undoes_it(web: Web, ana: User) -> None:
    pid = _ana_lima(web, ana)
    browser = web.browser(ana)
    page = browser.get(f"/people/{pid}")
    assert "Correct this score for what Rapport cannot see" in page.text
    refused = browser.post(f"/people/{pid}/health", {"adjust": "500", "reason": "weekly"})
    assert "adjust: must be from -100 to +100 points" in refused.text
    done = browser.post(f"/people/{pid}/health", {"adjust": "+15", "reason": "weekly on Signal"})
    assert "Your correction: +15 points (weekly on Signal)" in done.text
    assert "+15 you added: weekly on Signal" in done.text
    assert "+15 you added: weekly on Signal (measured" in done.text.split('class="score"')[1]
    entry = re.search(r'action="/history/(\d+)/undo"', done.text)
    assert entry, "the flash offers Undo"
    undone = browser.post(f"/history/{entry.group(1)}/undo")
    assert f"Undid #{entry.group(1)}: Health of Ana Lima +15: weekly on Signal" in undone.text
    assert "Correct this score for what" in browser.get(f"/people/{pid}").text
    browser.post(f"/people/{pid}/health", {"adjust": "-10", "reason": "quiet lately"})
    cleared = browser.post(f"/people/{pid}/health/clear")
    assert "Correction cleared" in cleared.text and "you added" not in cleared.text


def test_settings_weigh_health_in_percent_and_name_a_bad_weight(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    page = browser.get("/settings")
    assert 'name="health_weight_recency" value="40"' in page.text
    form = {f"health_weight_{n}": "20" for n in ("recency", "consistency", "reciprocity")}
    form |= {"health_weight_reliability": "20", "health_weight_tone": "20"}
    saved = browser.post("/settings", form)
    assert saved.status_code == 200 and 'name="health_weight_tone" value="20"' in saved.text
    bad = browser.post("/settings", {"health_weight_tone": "loud"})
    assert bad.status_code == 422 and "weights.tone" in bad.text
    with web.open(ana, write=False) as ctx:
        assert ctx.settings["health_weights"]["tone"] == 0.2
