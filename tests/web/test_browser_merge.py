"""Merging in a real browser (Chromium through Playwright): from a person's page,
"Merge with…" lists a LinkedIn duplicate, the preview shows both sides, the
conflicts and why they look alike; Confirm merges, and Undo in the message puts
both records back."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapport.services import accounts, demo, people
from rapport.services.context import Rapport
from rapport.settings import Settings
from rapport.web.app import create_app
from tests.conftest import TODAY
from tests.web.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Live,
    _free_port,
    _page,
    _shoot,
    _sign_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo network with a LinkedIn copy of Ana Lima, served on a free port."""
    import uvicorn
    from argon2 import PasswordHasher

    old = accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    data = tmp_path_factory.mktemp("browser-merge")
    settings = Settings(database_url=f"sqlite:///{data / 'demo.db'}", data_dir=data)
    handle = Rapport(settings)
    with handle.open(write=True, today=TODAY) as ctx:
        demo.build(ctx)
        ana = people.show(ctx, 1)
        people.add(ctx, {"full_name": "Ana Lima", "emails": ana.emails[:1],
                         "organization": "Initech", "title": "Designer"}, force=True)  # fmt: skip
    accounts.add(handle, demo.DEMO_EMAIL, demo.DEMO_PASSWORD, display_name="Sam")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, rapport=handle, today=TODAY),
            host="127.0.0.1", port=port, log_level="warning", lifespan="off",
        )
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield Live(f"http://127.0.0.1:{port}", tmp_path_factory.mktemp("screenshots"))
    server.should_exit = True
    thread.join(timeout=10)
    handle.dispose()
    accounts.use_hasher(old)


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
