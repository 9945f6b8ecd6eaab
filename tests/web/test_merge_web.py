"""Merging through /api/v1 and the pages: the preview, the merge, and undo."""

from __future__ import annotations

import re

from tests.factories import make_person
from tests.web.conftest import User, Web


def _two(web: Web, user: User) -> tuple[int, int, int]:
    with web.open(user) as ctx:
        ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"], organization="Initech",
                          title="Engineer").id  # fmt: skip
        dup = make_person(ctx, "Ana L.", emails=["ana@acme.com"], organization="Acme",
                          title="Designer", location="Porto").id  # fmt: skip
        bruno = make_person(ctx, "Bruno Costa").id
    return ana, dup, bruno


def test_api_preview_then_merge_then_undo(web: Web, ana: User) -> None:
    keep, dup, bruno = _two(web, ana)
    shown = ana.client.get(f"/api/v1/people/{keep}/merge/{dup}")
    assert shown.status_code == 200, shown.text
    plan = shown.json()
    assert plan["evidence"] == ["same email ana@acme.com"] and plan["warning"] is None
    assert [c["field"] for c in plan["conflicts"]] == ["name", "role"]
    assert ana.client.get(f"/api/v1/people/{dup}").status_code == 200  # nothing written
    unrelated = ana.client.get(f"/api/v1/people/{keep}/merge/{bruno}").json()
    assert unrelated["evidence"] == [] and "are you sure" in unrelated["warning"]

    done = ana.client.post(f"/api/v1/people/{keep}/merge/{dup}")
    assert done.status_code == 200, done.text
    result = done.json()
    assert result["preview"] == plan
    current = [r for r in result["person"]["roles"] if r["ended_on"] is None]
    assert [(r["organization"], r["title"]) for r in current] == [("Initech", "Engineer")]
    assert ana.client.get(f"/api/v1/people/{dup}").status_code == 404

    undone = ana.client.post(f"/api/v1/history/{result['entry_id']}/undo")
    assert undone.status_code == 200, undone.text
    assert ana.client.get(f"/api/v1/people/{dup}").json()["location"] == "Porto"


def test_api_refuses_a_person_with_themselves_and_other_workspaces(
    web: Web, ana: User, bruno: User
) -> None:
    keep, dup, _ = _two(web, ana)
    same = ana.client.post(f"/api/v1/people/{keep}/merge/{keep}")
    assert same.status_code == 409 and same.json()["error"]["field"] == "merge"
    assert bruno.client.get(f"/api/v1/people/{keep}/merge/{dup}").status_code == 404
    assert bruno.client.post(f"/api/v1/people/{keep}/merge/{dup}").status_code == 404


def test_pages_choose_preview_confirm_and_undo(web: Web, ana: User) -> None:
    keep, dup, _ = _two(web, ana)
    browser = web.browser(ana)
    assert f'href="/people/{keep}/merge"' in browser.get(f"/people/{keep}").text
    listed = browser.get("/duplicates")
    assert (
        f'href="/people/{keep}/merge/{dup}"' in listed.text
        and "<strong>100</strong>" in listed.text
    )
    assert 'href="/duplicates"' in browser.get("/people").text
    chooser = browser.get(f"/people/{keep}/merge")
    assert f'href="/people/{keep}/merge/{dup}"' in chooser.text
    assert "same email ana@acme.com" in chooser.text
    typed = browser.get(f"/people/{keep}/merge", params={"who": "Bruno"})
    assert typed.url.path == f"/people/{keep}/merge/3"
    assert "share no email, phone, name or organization" in typed.text
    unknown = browser.get(f"/people/{keep}/merge", params={"who": "Zed"})
    assert unknown.status_code == 200 and "no person" in unknown.text

    page = browser.get(f"/people/{keep}/merge/{dup}")
    assert "Why these two: same email ana@acme.com" in page.text
    assert "Designer at Acme becomes a past role" in page.text
    refused = browser.client.post(f"/people/{keep}/merge/{dup}", data={})  # no CSRF token
    assert refused.status_code == 403
    merged = browser.post(f"/people/{keep}/merge/{dup}")
    assert merged.url.path == f"/people/{keep}"
    assert f"Merged Ana L. (#{dup}) into Ana Lima (#{keep})." in merged.text
    found = re.search(r'action="/history/(\d+)/undo"', merged.text)
    assert found is not None
    undone = browser.post(f"/history/{found.group(1)}/undo", headers={"referer": f"/people/{keep}"})
    assert "Undid" in undone.text
    assert browser.get(f"/people/{dup}").status_code == 200
