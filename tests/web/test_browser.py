"""The web app in a real browser (Debian's Chromium through Playwright), served
in-process by uvicorn over the demo network: sign in, add a person, log a
conversation and see the agenda change, answer the agenda in place, use the
command bar, upload a vCard, download a backup; every main page at desktop and
phone width, screenshotted, without console errors or sideways scrolling.

Screenshots go to a temporary folder, or to $RAPPORT_SCREENSHOTS_DIR
(`scripts/screenshots` sets it to docs/screenshots)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rapport.services import accounts, demo
from rapport.services.context import Ctx, Rapport
from rapport.settings import Settings
from rapport.web.app import create_app
from rapport.web.pages.today import TODAY_LIMIT
from tests.conftest import TODAY, _pg_admin_url, _pg_reachable

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
MAX_SHOT_HEIGHT = 2600
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Marta Kowalska\r\nORG:Wisla Design\r\n"
    "EMAIL:marta@wisla.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:佐藤 花子\r\nEMAIL:hanako@kaizen.example\r\nEND:VCARD\r\n"
)


# htmx logs an aborted request on the console as an error ("htmx:sendAbort, [object
# HTMLDivElement]", the div being its target): the command bar's suggestions are
# fetched with hx-sync="this:replace", so a keystroke typed while the last one's
# suggestions are on their way aborts them, as it should. A request that failed or
# timed out is still a problem (htmx:sendError, htmx:timeout, htmx:responseError).
ABORTED_REQUEST = ("htmx:sendAbort", "htmx:afterRequest")


def is_problem(message: Any) -> bool:
    """A console message the browser tests count as a problem."""
    return message.type in ("error", "warning") and not message.text.startswith(ABORTED_REQUEST)


@dataclass
class Live:
    url: str
    shots: Path
    problems: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# the backends a module's browser tests run on (`live_on`): SQLite and PostgreSQL
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str]:
    """A database of its own for one served app: a SQLite file in `folder`, or a
    PostgreSQL database made for it (migrated by the app) and dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'demo.db'}"
        return
    from sqlalchemy import create_engine, make_url, text

    problem = _pg_reachable()
    if problem:
        pytest.fail(f"PostgreSQL is needed for the browser tests on it: {problem}")
    name = f"rapport_browser_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(_pg_admin_url()).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def live_on(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    prepare: Callable[[Ctx], None] | None = None,
) -> Iterator[Live]:
    """The demo network (and what `prepare` adds to it) served on a free port, on
    `backend`, until the block ends."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs it (apt-get install chromium)")
    import uvicorn
    from argon2 import PasswordHasher

    old = accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    data = tmp_path_factory.mktemp("browser")
    with _database(backend, data) as url:
        settings = Settings(database_url=url, data_dir=data)
        handle = Rapport(settings)
        with handle.open(write=True, today=TODAY) as ctx:
            demo.build(ctx)
            if prepare is not None:
                prepare(ctx)
        accounts.add(handle, demo.DEMO_EMAIL, demo.DEMO_PASSWORD, display_name="Sam")
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, rapport=handle, today=TODAY),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="off",
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started, "uvicorn did not start"
        target = os.environ.get("RAPPORT_SCREENSHOTS_DIR")
        shots = Path(target) if target else tmp_path_factory.mktemp("screenshots")
        shots.mkdir(parents=True, exist_ok=True)
        try:
            yield Live(f"http://127.0.0.1:{port}", shots)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            handle.dispose()
            accounts.use_hasher(old)


def live_on_each_backend(prepare: Callable[[Ctx], None] | None = None) -> Any:
    """A module's `live` fixture: the demo network (and what `prepare` adds) served
    on SQLite and on PostgreSQL, each module's tests running once on each."""

    @pytest.fixture(scope="module", params=BACKENDS, name="live")
    def served_on(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Live]:
        with live_on(request.param, tmp_path_factory, prepare) as served:
            yield served

    return served_on


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo network served on a free port for the whole module (SQLite)."""
    with live_on("sqlite", tmp_path_factory) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser: Any, live: Live, size: str) -> Any:
    context = browser.new_context(viewport=SIZES[size], accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)

    def console(message: Any) -> None:
        if is_problem(message):
            live.problems.append(f"{size} console {message.type}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda exc: live.problems.append(f"{size} page error: {exc}"))
    return page


def _sign_in(page: Any, live: Live) -> None:
    page.goto(live.url + "/")
    assert page.url.startswith(live.url + "/login")
    page.fill("input[name=email]", demo.DEMO_EMAIL)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(live.url + "/")


def _shoot(page: Any, live: Live, name: str, size: str) -> None:
    """The page (to MAX_SHOT_HEIGHT) at desktop width; at phone width the screen as a
    phone shows it, tab bar at the bottom (fixed to the screen, it would stand in the
    middle of a tall picture; tests/web/test_phone.py shoots whole phone pages)."""
    height = page.evaluate("document.documentElement.scrollHeight")
    width = SIZES[size]["width"]
    if size == "phone":
        page.screenshot(path=str(live.shots / f"{name}-{size}.png"))
    else:
        page.screenshot(
            path=str(live.shots / f"{name}-{size}.png"),
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT)},
        )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways at {size} width by {overflow}px"


def test_a_day_with_rapport(browser: Any, live: Live, tmp_path: Path) -> None:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    assert page.locator("#agenda .entries > li").count() == TODAY_LIMIT  # a group counts once

    # add a person: a client met three months ago and never contacted since
    page.click("text=People")
    page.click("text=Add a person")
    page.fill("input[name=full_name]", "Imani Okafor")
    page.fill("input[name=emails]", "imani@solaris.example")
    page.fill("input[name=organization]", "Solaris")
    page.check("input[name=types][value=client]", force=True)
    page.fill("input[name=met_on]", "2026-08-20")
    page.click("button:has-text('Add person')")
    page.wait_for_selector("h1:has-text('Imani Okafor')")
    page.goto(live.url + "/?all=1")
    assert page.locator("#agenda .entry-name", has_text="Imani Okafor").count() == 1

    # log a conversation from her page, one click for the date: the agenda changes
    page.goto(live.url + "/people")
    page.click("text=Imani Okafor")
    page.fill("#log-form input[name=summary]", "Coffee about the solar pilot")
    page.click("#log-form .chip:has-text('Yesterday')")
    page.click("#log-form button:has-text('Log it')")
    page.wait_for_selector("text=Logged meeting with Imani Okafor")
    assert page.locator(".timeline", has_text="Coffee about the solar pilot").count() == 1
    page.goto(live.url + "/?all=1")
    assert page.locator("#agenda .entry-name", has_text="Imani Okafor").count() == 0

    # answer the agenda in place (HTMX): the reason leaves without a page load
    first = page.locator("#agenda .entry").first
    name = first.locator(".entry-name").inner_text()
    first.locator("button:has-text('Draft message')").click()
    page.wait_for_selector(".draft-body")
    assert "Hi " in page.locator(".draft-body").first.inner_text()
    page.evaluate("window.__still_here = true")
    reason = first.locator(".reason").first
    ref = reason.locator(".ref").inner_text()
    reason.locator("button:text-is('Done')").click()
    page.wait_for_selector(f"#agenda .flash:has-text('{name}: done {ref}')")
    assert page.evaluate("window.__still_here === true")  # no navigation happened
    assert page.locator(f"#agenda #reason-{ref}").count() == 0

    # the command bar: "/" then "log ima", Enter: her page, ready to log
    page.goto(live.url + "/")
    page.keyboard.press("/")
    page.keyboard.type("log ima")
    page.wait_for_selector("#command-results .command-choice:has-text('Log with Imani Okafor')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/people/*#log-form")

    # upload a vCard: progress, then the summary
    card = tmp_path / "contacts.vcf"
    card.write_text(VCARD, encoding="utf-8")
    page.goto(live.url + "/io")
    page.set_input_files("input[name=file]", str(card))
    page.click("#import-form button:has-text('Import')")
    summary = page.wait_for_selector("#import-result .import-summary")
    assert "2" in summary.inner_text() and "people added" in summary.inner_text()
    _shoot(page, live, "import-result", "desktop")

    # download a backup, and find in it what was done today
    with page.expect_download() as download:
        page.click("text=Download a backup")
    saved = tmp_path / "backup.json"
    download.value.save_as(saved)
    text = json.dumps(json.loads(saved.read_text(encoding="utf-8")), ensure_ascii=False)
    for expected in ("Imani Okafor", "Coffee about the solar pilot", "佐藤 花子"):
        assert expected in text
    page.context.close()
    assert not live.problems, live.problems


def test_done_answers_the_one_reason_clicked(browser: Any, live: Live) -> None:
    """Reported: the web 'Done' on an entry with an overdue promise and a birthday
    marked the promise kept. Each reason has its own Done, and the birthday's keeps
    no promise; dismissing says until when."""
    page = _page(browser, live, "desktop")
    _sign_in(page, live)

    def bruno() -> Any:
        return page.locator(
            "#agenda .entry", has=page.locator(".entry-name:text-is('Bruno Souza')")
        )

    promise = bruno().locator(".reason", has_text="you promised")
    birthday = bruno().locator(".reason", has_text="birthday")
    promise_ref = promise.locator(".ref").inner_text()
    birthday_ref = birthday.locator(".ref").inner_text()
    assert bruno().locator(".reason").count() == 2
    assert promise.locator("button.link").inner_text() == "Dismiss until 30 Nov"
    bruno().scroll_into_view_if_needed()
    bruno().screenshot(path=str(live.shots / "agenda-entry-two-reasons-desktop.png"))
    birthday.locator("button:text-is('Done')").click()
    flash = page.wait_for_selector(f"#agenda .flash:has-text('Bruno Souza: done {birthday_ref}')")
    assert "promise kept" not in flash.inner_text()
    assert bruno().locator(f"#reason-{promise_ref}").count() == 1
    assert bruno().locator(f"#reason-{birthday_ref}").count() == 0
    page.evaluate("window.scrollTo(0, 0)")
    _shoot(page, live, "today-one-reason-answered", "desktop")
    page.context.close()
    assert not live.problems, live.problems


def test_undo_and_reopen_a_promise(browser: Any, live: Live) -> None:
    """Reported: no undo for done on the web, and a kept promise could not be reopened.
    Marking a promise kept says so with an Undo beside it, and Undo puts it back open;
    a kept promise can be reopened from the person's page. Both leave it open."""
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people")
    page.click("a:text-is('Bruno Souza')")
    page.wait_for_selector("h1:has-text('Bruno Souza')")
    promise = page.locator("li.promise", has=page.locator("button:text-is('kept')")).first
    what = promise.locator("span").first.inner_text().split(":", 1)[1].split("·")[0].strip()
    promise.locator("button:text-is('kept')").click()
    flash = page.wait_for_selector(f".flash:has-text('Promise marked kept: {what}')")
    assert flash.query_selector("button:text-is('Undo')") is not None
    _shoot(page, live, "promise-kept-with-undo", "desktop")
    page.click(".flash button:text-is('Undo')")
    page.wait_for_selector(".flash:has-text('Undid')")
    assert "/people/" in page.url  # the undo answers where it was asked
    page.wait_for_selector(f"li.promise:has-text('{what}') button:text-is('kept')")
    page.locator(f"li.promise:has-text('{what}') button:text-is('kept')").click()
    page.wait_for_selector(f".flash:has-text('Promise marked kept: {what}')")
    page.click("details.closed-promises summary")
    reopen = page.locator(f"details.closed-promises li:has-text('{what}') button:text-is('reopen')")
    reopen.click()
    page.wait_for_selector(f".flash:has-text('Promise reopened: {what}')")
    assert page.locator(f"li.promise:has-text('{what}') button:text-is('kept')").count() == 1
    _shoot(page, live, "promise-reopened", "desktop")
    page.context.close()
    assert not live.problems, live.problems


def test_adding_someone_already_there_asks_is_this_them(browser: Any, live: Live) -> None:
    """Reported: a second record of someone already there was added without a word.
    A close name (Soren / Søren Madsen) asks "is this Søren Madsen?" on the first
    submit, keeping everything typed; "Add a new person" then adds them."""
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people/new")
    page.fill("input[name=full_name]", "Soren Madsen")
    page.fill("input[name=title]", "Treasurer")
    page.fill("textarea[name=notes]", "met at the harbour")
    page.click("button:text-is('Add person')")
    question = page.wait_for_selector("#similar:has-text('Is this Søren Madsen')")
    assert "Nordlys Energy" in question.inner_text()
    assert "same name spelled two ways" in question.inner_text()
    opener = page.locator("#similar a:text-is('Open Søren')")
    assert opener.get_attribute("href", timeout=2_000).startswith("/people/")
    assert page.input_value("input[name=title]") == "Treasurer"
    assert page.input_value("textarea[name=notes]") == "met at the harbour"
    _shoot(page, live, "person-add-is-this-them", "desktop")
    page.click("#similar button:text-is('Add a new person')")
    page.wait_for_selector(".flash:has-text('Added Soren Madsen')")
    page.wait_for_selector("h1:has-text('Soren Madsen')")
    page.context.close()
    assert not live.problems, live.problems


def test_your_addresses_on_the_settings_page(browser: Any, live: Live) -> None:
    """Settings' "Your addresses": add one of yours that a contact also has (the page
    says so and offers to archive that record), then remove it; the page is as before."""
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people/2")
    name = page.locator("h1").inner_text().strip()
    address = page.locator("a[href^='mailto:']").first.inner_text().strip()
    page.goto(live.url + "/settings")
    section = page.locator("#me")
    assert section.locator("li:has-text('demo@example.com')").count() == 1
    section.locator("input[type=email][name=address]").fill(address.upper())
    section.locator("button:text-is('Add address')").click()
    page.wait_for_selector(f".flash:has-text('{address} is yours now')")
    mine = page.locator(f"#me li:has-text('{address}')")
    assert "added in Settings" in mine.inner_text()
    assert mine.locator(f"button:text-is('Archive {name}')").count() == 1
    _shoot(page, live, "settings-your-addresses", "desktop")
    mine.locator(f"button[aria-label='Remove {address}']").click()
    page.wait_for_selector(f".flash:has-text('{address} is no longer one of your addresses')")
    assert page.locator(f"#me li:has-text('{address}')").count() == 0
    page.context.close()
    assert not live.problems, live.problems


def test_a_second_birthday_and_the_date_order(browser: Any, live: Live) -> None:
    """A person has one birthday: the form refuses another, naming the one stored,
    and offers to change it or add a second; Settings chooses the date order."""
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/people/9")
    page.click("summary:text-is('Add a date')")
    form = page.locator("form[action$='/milestones']")
    form.locator("select[name=kind]").select_option("birthday")
    form.locator("input[name=date]").fill("1984-05-01")
    form.locator("button:text-is('Add date')").click()
    refusal = page.wait_for_selector(".flash-error:has-text('already has a birthday')")
    assert "1988" in refusal.inner_text()  # the one stored, in words
    page.click("summary:text-is('Add a date')")
    form = page.locator("form[action$='/milestones']")
    form.locator("select[name=kind]").select_option("birthday")
    form.locator("input[name=date]").fill("1984-05-01")
    form.locator("select[name=if_exists]").select_option("another")
    form.locator("button:text-is('Add date')").click()
    page.wait_for_selector(".flash:has-text('birthday: 1 May 1984')")
    assert page.locator("li:has-text('birthday: 1 May 1984')").count() == 1
    page.goto(live.url + "/settings")
    page.locator("#dates select[name=date_order]").select_option("MDY")
    page.click("#dates button:text-is('Save date order')")
    page.wait_for_selector(".flash:has-text('Dates are read month first')")
    _shoot(page, live, "settings-date-order", "desktop")
    page.locator("#dates select[name=date_order]").select_option("auto")
    page.click("#dates button:text-is('Save date order')")
    page.wait_for_selector(".flash:has-text('Date order saved')")
    page.context.close()
    assert not live.problems, live.problems


PAGES = [
    ("today", "/"),
    ("people", "/people"),
    ("person", "/people/1"),
    ("events", "/events"),
    ("event", "/events/1"),
    ("insights", "/insights"),
    ("import-export", "/io"),
    ("settings", "/settings"),
]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_main_page_at_desktop_and_phone_width(browser: Any, live: Live, size: str) -> None:
    page = _page(browser, live, size)
    page.goto(live.url + "/login")
    _shoot(page, live, "login", size)
    _sign_in(page, live)
    for name, path in PAGES:
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("main").count() == 1
        _shoot(page, live, name, size)
    page.keyboard.press("/")
    page.keyboard.type("ana")
    page.wait_for_selector("#command-results .command-choice:has-text('Ana Lima')")
    _shoot(page, live, "command-bar", size)
    page.context.close()
    assert not live.problems, live.problems


def test_screenshots_were_written(live: Live) -> None:
    names = {p.name for p in live.shots.glob("*.png")}
    for name, _ in [*PAGES, ("login", "")]:
        assert {f"{name}-desktop.png", f"{name}-phone.png"} <= names, name
    assert shutil.disk_usage(live.shots).free > 0
