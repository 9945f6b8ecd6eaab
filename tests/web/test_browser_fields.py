"""Your fields in a real browser (Chromium through Playwright): define a choice
field from Settings › Your fields, fill it on a person's form, see it on their page."""

from __future__ import annotations

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

__all__ = ["browser"]  # Chromium, launched once for the module

pytestmark = pytest.mark.browser

live = live_on_each_backend()


def test_define_a_field_fill_it_and_see_it(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/settings")
    page.click("#fields a:has-text('Your fields')")
    page.fill("input[name=name]", "Stage")
    page.select_option("select[name=type]", "choice")
    page.fill("input[name=options]", "Seed, Series A")
    page.click("button:has-text('Add the field')")
    page.wait_for_selector(".flash:has-text('Added the field Stage for people.')")
    _shoot(page, live, "fields", "desktop")

    page.goto(live.url + "/people/1")
    name = page.locator("h1").first.inner_text().strip()
    page.goto(live.url + "/people/1/edit")
    page.locator(".own-fields select").select_option("Series A")
    page.click("button:has-text('Save')")
    page.wait_for_selector(f".flash:has-text('Saved {name}.')")
    assert page.locator("dl.facts dt:text-is('Stage') + dd").inner_text() == "Series A"
    _shoot(page, live, "person-with-fields", "desktop")
    assert live.problems == []
