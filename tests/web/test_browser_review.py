"""The review queue in a real browser over the demo network: a LinkedIn export whose
rows share only a name with people already there changes nothing and says so; on
the review page one is accepted, one kept separate, and the result shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.test_browser import (
    Live,
    _page,
    _shoot,
    _sign_in,
    browser,
    live_on_each_backend,
)

pytestmark = pytest.mark.browser
SAMPLES = Path(__file__).parent.parent / "samples"
__all__ = ["browser"]  # Chromium, launched once for the module


live = live_on_each_backend()


def test_review_accept_one_keep_one_separate(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/io")
    page.set_input_files("input[name=file]", str(SAMPLES / "linkedin-Connections.csv"))
    page.click("#import-form button:has-text('Import')")
    summary = page.wait_for_selector("#import-result .import-summary")
    assert "2 kept for review" in summary.inner_text()
    page.goto(live.url + "/")
    page.wait_for_selector(".review-waiting:has-text('2 imported records matched only by name')")
    page.goto(live.url + "/io")
    page.click("a[href='/review']:has-text('Review')")
    page.wait_for_selector("h1:has-text('Review')")
    ana = page.locator("tr", has=page.locator("strong:text-is('Ana Lima')"))
    assert "organization: Acme Robotics → Acme Corp" in ana.inner_text()
    assert "linkedin-Connections.csv (linkedin), line 5" in ana.inner_text()
    _shoot(page, live, "review", "desktop")
    ana.locator("button:text-is('Accept')").click()
    flash = page.wait_for_selector(".flash:has-text('Accepted 1 proposal: 1 person updated')")
    assert flash.query_selector("button:text-is('Undo')") is not None
    bruno = page.locator("tr", has=page.locator("strong:text-is('Bruno Souza')"))
    bruno.locator("button:text-is('Keep separate')").click()
    page.wait_for_selector(".flash:has-text('Kept separate: 1 new person added')")
    page.wait_for_selector("h2:has-text('Nothing to review')")
    page.goto(live.url + "/people")
    assert page.locator("a:text-is('Bruno Souza')").count() == 2
    page.click("a:text-is('Ana Lima')")
    page.wait_for_selector("h1:has-text('Ana Lima')")
    assert "Acme Corp" in page.locator("main").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live.url + "/review")
    _shoot(page, live, "review", "phone")
    page.context.close()
    assert not live.problems, live.problems
