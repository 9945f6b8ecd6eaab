"""Sessions and the sign-in throttle live in the database: a session ends when it
is signed out (here or on another process over the same database), when the
password changes, or everywhere at once; wrong passwords slow their own address
and account, not the owner signing in from elsewhere."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient

from rapport.domain.login_throttle import Rule, Rules
from rapport.services.context import Rapport
from rapport.settings import Settings
from rapport.web.app import create_app
from rapport.web.security import RateLimiter
from tests.conftest import TODAY
from tests.web.conftest import LOCAL, PASSWORD, Browser, User, Web

ATTACKER = ("203.0.113.9", 40000)
OWNER_ELSEWHERE = ("198.51.100.7", 40000)


def _signed_out(client: TestClient) -> bool:
    return client.get("/people", follow_redirects=False).status_code == 303


def _second_process(web: Web, tmp_path: Path, limiter: RateLimiter | None = None) -> TestClient:
    """Another `rapport serve` over the same database and data directory."""
    settings = Settings(database_url=web.rapport.settings.database_url, data_dir=tmp_path)
    app = create_app(settings, rapport=Rapport(settings), today=TODAY, login_limiter=limiter)
    return TestClient(app, client=LOCAL)


def test_signing_out_ends_the_session_on_every_process(web: Web, ana: User, tmp_path: Path) -> None:
    browser = Browser.signed_in(web.client(), ana.account.email)
    copied = dict(browser.client.cookies)
    elsewhere = _second_process(web, tmp_path)
    elsewhere.cookies.update(copied)
    assert not _signed_out(elsewhere)
    browser.post("/logout")
    assert _signed_out(browser.client)
    assert _signed_out(elsewhere)  # the copy, on the other process
    assert _signed_out(web.client(cookies=copied))


def test_changing_the_password_ends_the_other_sessions(web: Web, ana: User) -> None:
    here = Browser.signed_in(web.client(), ana.account.email)
    there = Browser.signed_in(web.client(), ana.account.email)
    here.get("/settings")
    changed = here.post(
        "/settings/password",
        {"current": PASSWORD, "new": "a brand new secret", "confirm": "a brand new secret"},
    )
    assert "other sessions are signed out" in changed.text
    assert not _signed_out(here.client)
    assert _signed_out(there.client)


def test_settings_lists_sessions_and_signs_out_everywhere(web: Web, ana: User) -> None:
    phone = Browser(web.client(headers={"User-Agent": "PhoneBrowser/1.0"}))
    phone.get("/login")
    phone.post("/login", {"email": ana.account.email, "password": PASSWORD})
    laptop = Browser(web.client(headers={"User-Agent": "LaptopBrowser/2.0"}))
    laptop.get("/login")
    laptop.post("/login", {"email": ana.account.email, "password": PASSWORD})
    page = laptop.get("/settings").text
    assert "PhoneBrowser/1.0" in page and "LaptopBrowser/2.0" in page
    assert "(this browser)" in page
    # end the phone's session from the laptop
    ends = re.findall(r'action="/settings/sessions/(\d+)/end"', page)
    assert len(ends) == 1
    laptop.post(f"/settings/sessions/{ends[0]}/end")
    assert _signed_out(phone.client)
    assert not _signed_out(laptop.client)
    assert "PhoneBrowser/1.0" not in laptop.get("/settings").text
    # and then every session, this one included
    again = Browser.signed_in(web.client(), ana.account.email)
    laptop.get("/settings")
    assert laptop.post("/settings/sessions/end-all").url.path == "/login"
    assert _signed_out(laptop.client)
    assert _signed_out(again.client)


def _try(client: TestClient, password: str) -> int:
    browser = Browser(client)
    browser.get("/login")
    response = browser.post(
        "/login", {"email": "ana@example.com", "password": password}, follow_redirects=False
    )
    return int(response.status_code)


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(web: Web, ana: User) -> None:
    attacker = TestClient(web.app, client=ATTACKER)
    assert [_try(attacker, "wrong guess") for _ in range(5)] == [401] * 5
    assert _try(attacker, "wrong guess") == 429
    assert _try(attacker, PASSWORD) == 429  # the right password from there waits too
    owner = TestClient(web.app, client=OWNER_ELSEWHERE)
    assert _try(owner, PASSWORD) == 303


def test_the_throttle_is_shared_by_processes_and_keeps_a_global_brake(
    web: Web, ana: User, tmp_path: Path
) -> None:
    minute = dt.timedelta(minutes=1)
    tight = RateLimiter(
        Rules(
            pair=Rule(3, minute, minute, minute),
            client=Rule(100, minute, minute, minute),
            everyone=Rule(5, minute, minute, minute),
        )
    )
    web.app.state.login_limiter = tight
    elsewhere = _second_process(web, tmp_path, tight)
    assert [_try(TestClient(web.app, client=ATTACKER), "nope") for _ in range(2)] == [401] * 2
    # the third failure, on the other process, reaches the pair's limit there and here
    assert _try(TestClient(elsewhere.app, client=ATTACKER), "nope") == 401
    assert _try(TestClient(web.app, client=ATTACKER), PASSWORD) == 429
    # failures from many addresses trip the global brake, for everyone
    for n in range(2):
        assert _try(TestClient(web.app, client=(f"192.0.2.{n + 1}", 1)), "nope") == 401
    assert _try(TestClient(web.app, client=OWNER_ELSEWHERE), PASSWORD) == 429
