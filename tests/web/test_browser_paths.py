"""Warm paths in a real browser (Chromium through Playwright), on the demo network
(SQLite; the backends' answers are the same and tested in test_paths_surfaces): the
person page's "How to reach" card loads when scrolled to, and drafts the request to
the first person to ask; the organisation's page lists who can introduce you."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import Live, _page, _shoot, _sign_in, browser, live

__all__ = ["browser", "live"]  # Chromium and the demo network, once for the module

pytestmark = pytest.mark.browser


def test_how_to_reach_someone_and_the_request(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people")
    page.click("text=David Cohen")
    card = page.locator("#paths")
    card.scroll_into_view_if_needed()
    page.wait_for_selector("#paths .path")
    first = card.locator(".path").first
    assert first.inner_text().startswith("Ask ")
    assert "are both at Globex" in card.inner_text()
    page.fill("#paths input[name=about]", "compare notes on their design system")
    page.click("#paths button:has-text('Draft the request')")
    body = page.wait_for_selector("#intro-draft .draft-body")
    text = body.inner_text()
    assert text.startswith("Hi ") and "introducing me to David Cohen (CTO at Globex)?" in text
    assert "I believe you both work at Globex. I'd like to compare notes on their design" in text
    card.screenshot(path=str(live.shots / "person-how-to-reach-desktop.png"))
    page.goto(live.url + "/organizations")
    page.click("text=Globex")
    page.click("text=Who can introduce you")
    page.wait_for_selector("h2:has-text('Who can introduce you at Globex')")
    _shoot(page, live, "organization-introductions", "desktop")
    page.context.close()
    assert not live.problems, live.problems
