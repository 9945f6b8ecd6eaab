"""An organisation's details in a real browser (Chromium through Playwright): from a
person's page, their organisation's name leads to its page, where its industry,
website and notes are saved from the form, with Undo in the message."""

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


def test_edit_an_organisation_reached_from_a_person(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people/1")
    link = page.locator(".person-id a[href^='/organizations/']")
    name = link.inner_text()
    link.click()
    page.wait_for_url(f"{live.url}/organizations/*")
    assert page.locator("h1").inner_text() == name
    page.click("summary:has-text('its industry, website and notes')")
    page.fill("input[name=industry]", "Fintech")
    page.fill("input[name=website]", "example.com")
    page.fill("textarea[name=notes]", "Offices in Lisbon and Porto; hiring in the spring.")
    _shoot(page, live, "organization-form", "desktop")
    page.click("button:has-text('Save')")
    page.wait_for_selector(f"text=Saved the details of {name}.")
    assert page.locator("a[href='https://example.com']").count() == 1
    _shoot(page, live, "organization-edited", "desktop")
    assert live.problems == []
