"""A three-day event in a real browser (Chromium through Playwright): its range and
follow-up window on the Events and event pages; bulk delete (to the archive) from the
People page, then Undo in the message."""

from __future__ import annotations

import datetime as dt
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

pytestmark = pytest.mark.browser


def _three_day_summit(ctx: Ctx) -> None:
    summit = events.create(
        ctx, "Nordic Founders Summit", dt.date(2026, 11, 16), ends_on=dt.date(2026, 11, 18)
    )
    events.met(ctx, summit.id, make_person(ctx, "Zoltan Bulkova", tags=["zz-bulk"]).id)
    make_person(ctx, "Zelda Bulkova", tags=["zz-bulk"])


live = live_on_each_backend(_three_day_summit)


def test_a_three_day_event_and_its_follow_up_window(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/events")
    card = page.locator(".event-card:has-text('Nordic Founders Summit')")
    assert "16–18 Nov 2026" in card.inner_text()
    card.locator("a.entry-name").click()
    assert "16–18 Nov 2026" in page.locator("h1").inner_text()
    window = page.locator("#follow-up-window")
    assert "Follow up within 14 days: until 2 Dec" in window.inner_text()
    _shoot(page, live, "event-three-days", "desktop")
    window.locator("a").click()
    page.wait_for_url(live.url + "/settings#agenda-rules")
    page.context.close()
    assert not live.problems, live.problems


def test_bulk_delete_to_the_archive_then_undo(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people?tag=zz-bulk")
    page.locator("input[data-select-all]").check()
    page.select_option("select[name=action]", "delete")
    page.locator("#bulk-form button:has-text('Apply')").click()
    flash = page.locator(".flash")
    flash.wait_for()
    assert "Deleted 2 people to the archive, their history kept." in flash.inner_text()
    _shoot(page, live, "people-bulk-delete", "desktop")
    flash.locator("button:has-text('Undo')").click()
    page.goto(live.url + "/people?tag=zz-bulk")
    assert page.locator("table.people tbody tr").count() == 2
    page.context.close()
    assert not live.problems, live.problems
