"""Rapport on a phone (390×844, Chromium): every page without sideways scrolling,
every destination reachable from the tab bar or its "More" menu, Today's quick log
and "Met someone" one tap from the top, the Summit's follow-ups as one entry whose
people are each answered on their own.

Screenshots go to a temporary folder, or to $RAPPORT_PHONE_SCREENSHOTS_DIR
(`scripts/phone_screenshots` sets it to docs/phone)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapport.services import events, imports, people
from rapport.services.context import Ctx
from tests.web.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Live,
    _sign_in,
    is_problem,
    live_on,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MAX_SHOT_HEIGHT = 2400  # a full page longer than this is cut: the top is what a phone shows

# (screenshot name, address): every page of the app, on the demo network
PAGES = [
    ("today", "/"),
    ("people", "/people"),
    ("tags", "/tags"),
    ("organizations", "/organizations"),
    ("organization", "/organizations/1"),
    ("person", "/people/1"),
    ("person-cjk", "/people/7"),  # 王芳: the Noto fonts, no empty boxes
    ("person-form", "/people/1/edit"),
    ("person-new", "/people/new"),
    ("events", "/events"),
    ("event", "/events/1"),
    ("review", "/review"),
    ("duplicates", "/duplicates"),
    ("merge", "/people/1/merge"),
    ("merge-preview", "/people/1/merge/2"),
    ("history", "/history"),
    ("insights", "/insights"),
    ("import-export", "/io"),
    ("settings", "/settings"),
    ("accounts", "/settings/accounts"),
    ("two-step", "/settings/two-step"),
    ("api-reference", "/docs/api"),
    ("search", "/search?q=ana"),
    ("error", "/people/999999"),
]
LONG = {"today", "person", "people", "settings", "event", "review"}  # also shot whole (to 2,400px)
# what the tab bar shows; the rest is in "More"
TABS = ["Today", "People", "Events", "Insights"]
MORE = ["History", "Review", "Import/Export", "Settings", "Accounts", "Duplicates"]
SUMMIT_FRIENDS = ["Ines Duarte", "Jorge Alves"]  # met at the Summit too, in `_more_met`
SAMPLES = Path(__file__).parent.parent / "samples"
LONG_NAME = "Maximiliana 🌻 Konstantinopolskaya-Wittgenstein"  # wraps, and its emoji shows


def _more_met(ctx: Ctx) -> None:
    """Two more people met at the demo's Summit, so its follow-ups make a group
    whatever else ranks them."""
    summit = next(e for e in events.listing(ctx) if "Summit" in e.name)
    for name in SUMMIT_FRIENDS:
        events.capture(ctx, name, event_id=summit.id, organization="Lisboa Labs")
    # records matched by name only wait in Review (its page with rows, not its empty state)
    imports.run(ctx, SAMPLES / "linkedin-Connections.csv")
    people.add(
        ctx,
        {
            "full_name": LONG_NAME,
            "organization": "Internationale Gesellschaft für Zusammenarbeit 🌍",
            "emails": ["maximiliana.konstantinopolskaya-wittgenstein@zusammenarbeit.example"],
            "types": ["client"],
            "met_on": ctx.today - dt.timedelta(days=200),
        },
    )


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    target = os.environ.get("RAPPORT_PHONE_SCREENSHOTS_DIR")
    with live_on("sqlite", tmp_path_factory, _more_met) as served:
        if target:
            served.shots = Path(target)
            served.shots.mkdir(parents=True, exist_ok=True)
        yield served


@pytest.fixture(scope="module")
def phone(live: Live) -> Iterator[Any]:
    """A signed-in page at 390×844 (Chromium), for the whole module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport=PHONE, device_scale_factor=1, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda m: (
                live.problems.append(f"console {m.type}: {m.text}")
                if is_problem(m) and "404" not in m.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: live.problems.append(f"page error: {exc}"))
        page.goto(live.url + "/login")
        _shoot(page, live, "sign-in")
        _sign_in(page, live)
        yield page
        chromium.close()


def _sideways(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _shoot(page: Any, live: Live, name: str, *, full: bool = False) -> None:
    """`docs/phone/<name>.png`: the first screen as a phone shows it, or (`full`) the
    page down to MAX_SHOT_HEIGHT with the tab bar left out (fixed to the screen's
    bottom, it would stand in the middle of a tall picture)."""
    page.evaluate("window.scrollTo(0, 0)")
    if not full:
        page.screenshot(path=str(live.shots / f"{name}.png"))
        return
    height = page.evaluate("document.documentElement.scrollHeight")
    bar = "document.querySelector('nav.tabbar')"
    page.evaluate(f"{bar} && ({bar}.style.display = 'none')")
    page.screenshot(
        path=str(live.shots / f"{name}-full.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": PHONE["width"], "height": min(height, MAX_SHOT_HEIGHT)},
    )
    page.evaluate(f"{bar} && ({bar}.style.display = '')")


def test_every_page_fits_a_phone(phone: Any, live: Live) -> None:
    wide = []
    for name, path in PAGES:
        phone.goto(live.url + path)
        phone.wait_for_load_state("networkidle")
        assert phone.locator("main").count() == 1, name
        if _sideways(phone) > 0:
            wide.append(f"{name} ({path}) scrolls sideways by {_sideways(phone)}px")
        _shoot(phone, live, name)
        if name in LONG:
            _shoot(phone, live, name, full=True)
    # a long name with an emoji, a long email: they wrap (the person is found by search)
    phone.goto(live.url + "/search?q=Maximiliana")
    phone.locator("main a", has_text="Konstantinopolskaya").first.click()
    phone.wait_for_selector("h1:has-text('Konstantinopolskaya')")
    if _sideways(phone) > 0:
        wide.append(f"a long name's page scrolls sideways by {_sideways(phone)}px")
    _shoot(phone, live, "person-long-name")
    assert not wide, wide
    live.problems[:] = [p for p in live.problems if "status of 404" not in p]
    assert not live.problems, live.problems


def test_every_destination_is_reachable(phone: Any, live: Live) -> None:
    phone.goto(live.url + "/")
    assert not phone.locator("header .nav").is_visible()  # the desktop nav gives way
    bar = phone.locator("nav.tabbar")
    for label in TABS:
        link = bar.locator(f"> a:text-is('{label}')")
        assert link.is_visible(), label
        box = link.bounding_box()
        assert box["height"] >= 44 and box["y"] + box["height"] <= PHONE["height"], label
    for label in MORE:
        assert not bar.locator(f".more-list a:text-is('{label}')").is_visible()
    bar.locator("summary:text-is('More')").click()
    _shoot(phone, live, "more-menu")
    for label in MORE:
        link = bar.locator(f".more-list a:text-is('{label}')")
        assert link.is_visible(), label
        box = link.bounding_box()
        assert box["height"] >= 44 and box["y"] >= 0, label
    bar.locator(".more-list a:text-is('History')").click()
    phone.wait_for_url(live.url + "/history")
    assert bar.locator("summary.current").count() == 1  # "More" says where you are
    bar.locator("> a:text-is('Events')").click()
    phone.wait_for_url(live.url + "/events")
    assert bar.locator("> a[aria-current=page]").inner_text() == "Events"
    # a tap outside closes the menu
    bar.locator("summary:text-is('More')").click()
    assert bar.locator(".more-list").is_visible()
    phone.locator("main h1").click()
    assert not bar.locator(".more-list").is_visible()


def test_quick_log_and_met_someone_are_one_tap_from_the_top(phone: Any, live: Live) -> None:
    phone.goto(live.url + "/")
    for label, form, field in (
        ("Log a conversation", "#log-form", "who"),
        ("Met someone", "#met-form", "name"),
    ):
        phone.evaluate("window.scrollTo(0, 0)")
        button = phone.locator(f".capture-jump a:text-is('{label}')")
        box = button.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"] and box["height"] >= 44, label
        button.click()
        target = phone.locator(f"{form} [name={field}]")
        phone.wait_for_function(
            "name => document.activeElement && document.activeElement.name === name", arg=field
        )
        seen = target.bounding_box()
        header = phone.locator("header.top").bounding_box()
        heading = phone.locator(f"section:has({form}) h2").bounding_box()
        below = header["y"] + header["height"]
        assert heading["y"] >= below, label  # not under the sticky header
        tabbar = phone.locator("nav.tabbar").bounding_box()
        assert seen["y"] >= below and seen["y"] + seen["height"] <= tabbar["y"], label
    phone.screenshot(path=str(live.shots / "today-met-someone.png"))  # as the tap left it
    phone.fill("#met-form [name=name]", "Imogen Vasquez")
    phone.fill("#met-form [name=organization]", "Harbour Lab")
    phone.click("#met-form button:text-is('Capture')")
    phone.wait_for_selector(".flash:has-text('Noted: you met Imogen Vasquez (new person) today')")


def test_the_summit_follow_ups_are_one_entry(phone: Any, live: Live) -> None:
    phone.goto(live.url + "/")
    group = phone.locator("#agenda .group", has_text="you met at Lisbon Product Summit")
    assert group.count() == 1
    title = group.locator(".group-title").inner_text()
    members = group.locator(".entry.member")
    count = members.count()
    assert count >= 3 and title == f"Follow up with {count} people you met at Lisbon Product Summit"
    assert not members.first.is_visible()  # collapsed: one card
    page_height = phone.evaluate("document.documentElement.scrollHeight")
    assert page_height < 6000, page_height  # 5,544 px here, with both forms; 6,700 before
    group.locator("summary").click()
    assert members.first.is_visible()
    # below the sticky header
    group.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 70)")
    phone.screenshot(path=str(live.shots / "today-group-open.png"))


def test_done_on_one_person_in_a_group_answers_only_them(phone: Any, live: Live) -> None:
    phone.goto(live.url + "/")
    group = phone.locator("#agenda .group", has_text="you met at Lisbon Product Summit")
    group.locator("summary").click()
    members = group.locator(".entry.member")
    before = members.count()
    names = [members.nth(n).locator(".entry-name").inner_text() for n in range(before)]
    refs = [members.nth(n).locator(".ref").first.inner_text() for n in range(before)]
    second = members.nth(1)
    second.locator(".reason").first.locator("button:text-is('Done')").click()
    phone.wait_for_selector(f"#agenda .flash:has-text('{names[1]}: done {refs[1]}')")
    group = phone.locator("#agenda .group", has_text="you met at Lisbon Product Summit")
    assert group.locator("details[open]").count() == 1  # stays open after the answer
    left = group.locator(".entry.member .entry-name").all_inner_texts()
    assert left == [n for n in names if n != names[1]]
    for ref in refs[:1] + refs[2:]:
        assert phone.locator(f"#agenda #reason-{ref}").count() == 1
    assert phone.locator(f"#agenda #reason-{refs[1]}").count() == 0
    assert not live.problems, live.problems
