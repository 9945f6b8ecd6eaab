"""Two-step sign-in in a real browser, on SQLite and PostgreSQL: the user turns it on
from Settings, scans (here: reads) the QR code's key, confirms with the app's code,
sees the recovery codes once, and the next sign-in asks for a code after the
password. The enrolment page is shot with its QR code."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from rapport.services import demo
from tests.web.test_browser import Live, _page, _shoot, _sign_in, browser, live_on_each_backend

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # Chromium, launched once for the module

live = live_on_each_backend()


def test_turn_on_two_step_sign_in_and_sign_in_with_a_code(browser: Any, live: Live) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.click("nav a:text-is('Settings')")
    page.click("#two-step button:text-is('Turn on two-step sign-in')")
    page.wait_for_selector("h1:text-is('Two-step sign-in')")
    qr = page.locator("#qr svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150 and box["height"] >= 150
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    _shoot(page, live, "two-step-enrol", "desktop")

    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("button:text-is('Confirm and turn on')")
    page.wait_for_selector("text=Two-step sign-in is on.")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    _shoot(page, live, "two-step-recovery-codes", "desktop")
    page.click("a:text-is('Done')")
    section = page.locator("#two-step")
    assert "10 recovery codes left" in section.inner_text()
    assert section.locator("input[name=required]").is_visible()  # the owner may require it
    section.screenshot(path=str(live.shots / "two-step-settings-desktop.png"))

    other = _page(browser, live, "phone")
    other.goto(live.url + "/")
    other.fill("input[name=email]", demo.DEMO_EMAIL)
    other.fill("input[name=password]", demo.DEMO_PASSWORD)
    other.click("button:has-text('Sign in')")
    other.wait_for_url(live.url + "/login/two-step")
    assert "Enter the 6-digit code from your authenticator app" in other.content()
    other.fill("input[name=code]", "000000")
    other.click("button:has-text('Sign in')")
    assert "not right, or it was already used" in other.locator("[role=alert]").inner_text()
    _shoot(other, live, "two-step-code", "phone")
    other.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() + 30))
    other.click("button:has-text('Sign in')")
    other.wait_for_url(live.url + "/")
    assert other.locator("nav a:text-is('Settings')").count() >= 1

    # the owner turns it off again with a recovery code, for the next module's tests
    page.goto(live.url + "/settings/two-step")
    page.fill("input[name=code]", codes[0])
    page.click("button:text-is('Turn off two-step sign-in')")
    page.wait_for_selector(".flash:has-text('Two-step sign-in is off.')")
    # the wrong code answered 401: the only complaint
    assert len(live.problems) == 1, live.problems
    assert "status of 401" in live.problems[0], live.problems
