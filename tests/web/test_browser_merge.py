"""Merging in a real browser (Chromium through Playwright): from a person's page,
"Merge with…" lists a LinkedIn duplicate, the preview shows both sides, the
conflicts and why they look alike; Confirm merges, and Undo in the message puts
both records back."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.services import people
from rapport.services.context import Ctx
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


def _linkedin_copy_of_ana(ctx: Ctx) -> None:
    ana = people.show(ctx, 1)
    people.add(ctx, {"full_name": "Ana Lima", "emails": ana.emails[:1],
                     "organization": "Initech", "title": "Designer"}, force=True)  # fmt: skip


live = live_on_each_backend(_linkedin_copy_of_ana)


def test_merge_a_duplicate_from_the_person_page_then_undo(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people/1")
    page.click("a:text-is('Merge with…')")
    page.wait_for_selector("h1:has-text('Merge Ana Lima with…')")
    page.click("a:has-text('Ana Lima (Initech)')")
    page.wait_for_selector("text=Why these two: same email")
    assert "Designer at Initech becomes a past role" in page.inner_text(".merge-conflicts")
    assert page.locator(".merge-side").count() == 2
    _shoot(page, live, "merge-preview", "desktop")
    page.click("button:has-text(' into #1')")
    flash = page.wait_for_selector(".flash:has-text('into Ana Lima (#1).')")
    assert flash.query_selector("button:text-is('Undo')") is not None
    assert page.url == live.url + "/people/1"
    assert "CTO at Acme Robotics" in page.inner_text(".person-id")
    page.click(".flash button:text-is('Undo')")
    page.wait_for_selector(".flash:has-text('Undid')")
    page.goto(live.url + "/people/1/merge")
    assert page.locator("a:has-text('Ana Lima (Initech)')").count() == 1  # back again
    _shoot(page, live, "merge-choose", "desktop")
    page.context.close()
    assert not live.problems, live.problems


def test_the_merge_pages_fit_a_phone(browser: Any, live: Live) -> None:
    page = _page(browser, live, "phone")
    _sign_in(page, live)
    for name, path in (("duplicates", "/duplicates"), ("merge-choose", "/people/1/merge")):
        page.goto(live.url + path)
        _shoot(page, live, name, "phone")
    page.click("a:has-text('Ana Lima (Initech)')")
    page.wait_for_selector("text=Why these two: same email")
    _shoot(page, live, "merge-preview", "phone")
    page.context.close()
    assert not live.problems, live.problems
