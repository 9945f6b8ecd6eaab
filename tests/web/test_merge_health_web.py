"""A health correction kept by a merge, through /api/v1 and the merge page."""

from __future__ import annotations

from rapport.services import health
from tests.factories import make_person
from tests.web.conftest import User, Web


def test_the_api_and_the_page_show_and_keep_the_correction(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        keep = make_person(ctx, "Ana Lima", emails=["ana@acme.com"]).id
        dup = make_person(ctx, "Ana L.", emails=["ana@acme.com"]).id
        health.adjust(ctx, dup, 15, "weekly on Signal")
    shown = ana.client.get(f"/api/v1/people/{keep}/merge/{dup}").json()
    assert "health correction: +15 (weekly on Signal)" in shown["filled"]
    page = web.browser(ana).get(f"/people/{keep}/merge/{dup}")
    assert "health correction: +15 (weekly on Signal)" in page.text
    done = ana.client.post(f"/api/v1/people/{keep}/merge/{dup}")
    assert done.status_code == 200, done.text
    with web.open(ana, write=False) as ctx:
        assert health.person_health(ctx, keep).adjustment == 15
