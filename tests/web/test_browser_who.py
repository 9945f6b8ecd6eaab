""" "Who do I know who…" in Chromium: found from the search page, a question typed in
plain words, the people answering it with their reasons (screenshots looked at)."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.services import events
from rapport.services.context import Ctx
from tests.factories import make_person
from tests.web.test_browser import (
    Live,
    _page,
    _shoot,
    _sign_in,
    browser,
    live_on_each_backend,
)

__all__ = ["browser"]  # Chromium, launched once for the module

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("meaning_model")]


def _people(ctx: Ctx) -> None:
    summit = events.create(ctx, "Lisbon Energy Summit", ctx.today, place="Lisbon")
    ines = make_person(
        ctx,
        "Inês Carvalho",
        title="Head of Sustainability",
        organization="Voltfront",
        location="Lisbon, Portugal",
        interests="climate tech, offshore wind, surfing",
    )
    events.met(ctx, summit.id, ines.id)
    make_person(
        ctx,
        "Tiago Moreira",
        title="Founder",
        organization="SolarNest",
        interests="rooftop solar for apartment buildings",
    )


live = live_on_each_backend(_people)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_who_do_i_know_who(browser: Any, live: Live, size: str) -> None:
    page = _page(browser, live, size)
    _sign_in(page, live)
    page.goto(live.url + "/search?q=lisbon")
    page.click("a:has-text('Who do I know who…')")
    page.wait_for_url("**/who?q=lisbon")
    box = page.get_by_label("Who do I know who…")
    box.fill("works on renewable energy in Portugal")
    page.click("button:has-text('Ask')")
    page.wait_for_selector("ol.who-results li")
    first = page.locator("ol.who-results li").first
    assert first.locator("a.entry-name").inner_text() == "Inês Carvalho"
    reason = first.locator(".who-reason").inner_text()
    assert "lives in Lisbon, Portugal" in reason or "interests:" in reason, reason
    names = page.locator("ol.who-results a.entry-name").all_inner_texts()
    assert "Tiago Moreira" in names[:5], names
    _shoot(page, live, "who-do-i-know-who", size)
    page.context.close()
    assert not live.problems, live.problems
