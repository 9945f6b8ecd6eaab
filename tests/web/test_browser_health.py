"""The person page's Health card in a real browser (Chromium through Playwright): a
component that is not counted has no bar, and its explanation reads on one line,
not squeezed into the bar's narrow column a word per line: beside its name at
desktop width, and on a 390-pixel phone on a line of its own under the name, as
every component's explanation is there."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import (
    SIZES,
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


def _a_person_with_a_component_not_counted(page: Any, live: Live) -> None:
    for person_id in range(1, 30):
        page.goto(f"{live.url}/people/{person_id}")
        if page.locator(".components li.unmeasured").count():
            return
    pytest.fail("no one in the demo network has a health component that is not counted")


@pytest.mark.parametrize("size", list(SIZES))
def test_a_component_without_a_bar_reads_on_one_line(browser: Any, live: Live, size: str) -> None:
    page = _page(browser, live, size)
    _sign_in(page, live)
    _a_person_with_a_component_not_counted(page, live)
    row = page.locator(".components li.unmeasured").first
    assert "not counted" in row.inner_text()
    name = row.locator(".component-name").bounding_box()
    said = row.locator(".muted").bounding_box()
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector("
        "'.components li.unmeasured .muted')).lineHeight)"
    )
    assert said["height"] < 1.5 * line, f"{said['height'] / line:.1f} lines, not one"
    if size == "desktop":  # beside the name, where the bar would be
        assert said["x"] > name["x"] + name["width"] and abs(said["y"] - name["y"]) < line
    else:  # under the name, from its left edge, as the other components' words are
        assert said["y"] >= name["y"] + name["height"] - 1 and abs(said["x"] - name["x"]) < 2
    page.locator("section.card:has(.components)").screenshot(
        path=str(live.shots / f"health-card-{size}.png")
    )
    _shoot(page, live, "person-health", size)
    assert not live.problems, live.problems
