"""A list in a real browser (Chromium through Playwright): saved from the People
page's filter with "Save as list", given stages, and someone moved across the
pipeline's columns in place (htmx), the board photographed."""

from __future__ import annotations

from typing import Any

import pytest

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


def _investors(ctx: Ctx) -> None:
    make_person(ctx, "Yara Fundwell", tags=["zz-angel"], organization="Northwind Capital")
    make_person(ctx, "Yusuf Seedman", tags=["zz-angel"], organization="Seedcamp")


live = live_on_each_backend(_investors)


def test_save_a_filter_as_a_list_and_move_someone_across_the_board(
    browser: Any, live: Live
) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people?tag=zz-angel")
    page.fill("#save-list-name", "Angels")
    _shoot(page, live, "people-save-as-list", "desktop")
    page.locator("form.save-list button:has-text('Save as list')").click()
    flash = page.locator(".flash")
    flash.wait_for()
    assert "Made the list Angels: everyone with tag #zz-angel." in flash.inner_text()
    page.fill("input[name=stages]", "To contact, Talking, Committed, Passed")
    page.locator("button:has-text('Save')").last.click()
    board = page.locator("#board")
    board.wait_for()
    first = board.locator(".board-column[data-stage='To contact']")
    assert first.locator(".board-card").count() == 2
    card = page.locator(".board-card:has-text('Yusuf Seedman')")
    card.locator("select[name=stage]").select_option("Talking")
    card.locator("button:has-text('Move')").click()
    page.locator("#board .flash:has-text('Yusuf Seedman is now at Talking.')").wait_for()
    talking = page.locator(".board-column[data-stage='Talking']")
    assert talking.locator(".board-card").count() == 1
    assert "Yusuf Seedman" in talking.inner_text()
    assert first.locator(".board-card").count() == 1
    row = page.locator("table.people tr:has-text('Yusuf Seedman')")
    assert "Talking" in row.inner_text()  # the table moved with the board
    _shoot(page, live, "list-board", "desktop")
    page.reload()  # stored, not only shown
    assert "Yusuf Seedman" in page.locator(".board-column[data-stage='Talking']").inner_text()
    address = page.url
    page.context.close()
    phone = _page(browser, live, "phone")  # the columns scroll inside the board, not the page
    _sign_in(phone, live)
    phone.goto(address)
    _shoot(phone, live, "list-board", "phone")
    phone.context.close()
    assert not live.problems, live.problems
