"""Search over every record in Chromium: the search page groups what it finds by
kind, highlights the matching words, and the command bar finds an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rapport.services import events, promises
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


def _records(ctx: Ctx) -> None:
    lee = make_person(ctx, "李小龙", organization="Golden Harvest")
    summit = events.create(ctx, "Zyx Voice Summit", ctx.today - dt.timedelta(days=5), place="Porto")
    events.met(ctx, summit.id, lee.id, note="builds zyxvoice agents for call centres")
    promises.promise(ctx, lee.id, "Send the zyxvoice pilots report")


live = live_on_each_backend(_records)


def test_search_page_groups_and_highlights(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/search?q=zyxvoice")
    page.wait_for_selector("h2:has-text('People')")
    assert page.locator("h2:has-text('Promises')").count() == 1
    assert page.locator("h2:has-text('Events')").count() == 1
    assert page.locator("mark:text-is('zyxvoice')").count() >= 1
    page.click("a.entry-name:has-text('Zyx Voice Summit')")
    page.wait_for_url("**/events/*")
    page.goto(live.url + "/search?q=小龙")
    page.wait_for_selector("a.entry-name:has-text('李小龙')")
    _shoot(page, live, "search-every-record", "desktop")
    page.goto(live.url + "/search?q=zyxvoice")
    _shoot(page, live, "search-grouped-highlighted", "desktop")
    page.context.close()
    assert not live.problems, live.problems
