"""The web app on a phone, in a real browser (Chromium through Playwright) at 390×844:
installable (the manifest fetched and valid, its icons the sizes it says, the
service worker in control, Chromium's own installability check clean); offline
capture (the connection cut, the capture page opened from the worker, a person
found in the kept directory, a conversation logged and someone new met, "2 waiting
to send", the connection back, each capture on the timeline exactly once, and a
capture sent again acted on never); and the share target (a contact card shared to
the app opens the import with it, a shared link opens the capture form with it,
through sign-in when signed out)."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path
from typing import Any

import pytest

from rapport.services import demo
from tests.web.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SIZES,
    VCARD,
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
FILES_CHOSEN = "document.querySelector('#import-form input[name=file]').files.length"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def _phone(browser: Any, live: Live) -> Any:
    page = _page(browser, live, "phone")
    assert page.viewport_size == SIZES["phone"] == {"width": 390, "height": 844}
    return page


def _controlled(page: Any) -> None:
    """Wait for the service worker to be active, reload: it controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _interactions(page: Any, live: Live, person_id: int) -> list[dict[str, Any]]:
    found = page.request.get(f"{live.url}/api/v1/people/{person_id}/interactions?limit=500")
    assert found.ok, found.text()
    items: list[dict[str, Any]] = found.json()["items"]
    return items


def test_the_app_is_installable(browser: Any, live: Live) -> None:
    page = _phone(browser, live)
    _sign_in(page, live)
    href = page.get_attribute("link[rel=manifest]", "href")
    assert href == "/manifest.webmanifest"
    response = page.request.get(live.url + href)
    assert response.ok
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    for name in ("name", "short_name", "start_url", "scope", "theme_color", "background_color"):
        assert manifest[name], name
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == manifest["scope"] == "/"
    assert page.get_attribute("meta[name=theme-color]", "content") == manifest["theme_color"]
    sizes = {}
    for icon in manifest["icons"]:
        image = page.request.get(live.url + icon["src"])
        assert image.ok and image.headers["content-type"] == "image/png", icon
        width, height = _png_size(image.body())
        assert icon["sizes"] == f"{width}x{height}", icon
        sizes.setdefault(icon["purpose"], set()).add(width)
    assert sizes == {"any": {192, 512}, "maskable": {512}}
    share = manifest["share_target"]
    assert (share["action"], share["method"], share["enctype"]) == (
        "/share", "POST", "multipart/form-data",
    )  # fmt: skip

    # the worker, from the root, controls the page after a reload
    worker = page.request.get(live.url + "/sw.js")
    assert worker.headers["service-worker-allowed"] == "/"
    assert "no-cache" in worker.headers["cache-control"]
    _controlled(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == live.url + "/sw.js"

    page.context.close()
    assert not live.problems, live.problems


def test_chromium_finds_nothing_in_the_way_of_installing(
    browser: Any, live: Live, tmp_path: Path
) -> None:
    """Chromium's own check (DevTools `Page.getInstallabilityErrors`), in a profile of
    its own: a new context is incognito, where nothing installs."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport=SIZES["phone"],
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        _sign_in(page, live)
        _controlled(page)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")
        assert errors["installabilityErrors"] == [], errors
        shown = cdp.send("Page.getAppManifest")
        assert shown["errors"] == [], shown["errors"]
        assert json.loads(shown["data"])["short_name"] == "Rapport"
    finally:
        context.close()


def test_capture_offline_then_send_once(browser: Any, live: Live) -> None:
    page = _phone(browser, live)
    _sign_in(page, live)
    sent: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            sent.append(json.loads(r.post_data))
            if r.url.endswith("/api/v1/captures") and r.method == "POST"
            else None
        ),
    )
    page.goto(live.url + "/capture")
    _controlled(page)
    page.wait_for_selector("[data-capture-directory]:has-text('kept on this phone')")
    before = len(_interactions(page, live, 1))

    # no connection: the capture page still opens, from the worker
    cut_at = time.time() * 1000
    page.context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    shell = page.goto(live.url + "/capture")
    assert shell is not None and shell.from_service_worker
    rendered = page.get_attribute("#capture", "data-rendered")
    assert rendered is not None and int(rendered) < cut_at  # the copy kept while online
    page.wait_for_selector("[data-capture-offline]:visible")
    page.fill("#capture-who", "ana")
    page.click(".capture-match:has-text('Ana Lima · Acme Robotics')")
    page.select_option("#capture-log select[name=interaction_kind]", "call")
    page.fill("#capture-log input[name=summary]", "Offline call about the pilot")
    page.click("#capture-log button:has-text('Log it')")
    page.wait_for_selector("#capture-status:has-text('1 waiting to send')")
    page.fill("#capture-met input[name=name]", "Imani Okafor")
    page.fill("#capture-met input[name=organization]", "Solaris")
    page.fill("#capture-met input[name=where]", "the Lisbon summit")
    page.fill("#capture-met textarea[name=notes]", "Runs the solar pilot")
    page.click("#capture-met button:has-text('Save')")
    page.wait_for_selector("#capture-status:has-text('2 waiting to send')")
    assert page.locator("#capture-queue li").count() == 2
    _shoot(page, live, "capture-offline", "phone")

    # the connection returns: both are sent, once each
    page.context.set_offline(False)
    page.wait_for_selector("#capture-status:has-text('All sent')")
    assert page.locator("#capture-queue li").count() == 0
    _shoot(page, live, "capture-sent", "phone")
    logged = [
        i for i in _interactions(page, live, 1) if i["summary"] == "Offline call about the pilot"
    ]
    assert len(logged) == 1 and logged[0]["kind"] == "call"
    assert len(_interactions(page, live, 1)) == before + 1
    people = page.request.get(live.url + "/api/v1/people?limit=500").json()["items"]
    imani = [p["person"]["id"] for p in people if p["person"]["name"] == "Imani Okafor"]
    assert len(imani) == 1
    met = _interactions(page, live, imani[0])
    assert [(i["summary"], i["notes"]) for i in met] == [
        ("Met at the Lisbon summit", "Runs the solar pilot")
    ]

    # the person's page shows it once
    page.goto(live.url + "/people/1")
    assert page.locator(".timeline li", has_text="Offline call about the pilot").count() == 1

    # each capture sent again (a lost answer, a second device…) is acted on never
    keys = {body["key"] for body in sent}
    assert len(keys) == 2
    csrf = page.get_attribute("body", "data-csrf")
    for body in {b["key"]: b for b in sent}.values():
        again = page.request.post(
            live.url + "/api/v1/captures", data=body, headers={"X-CSRF-Token": csrf}
        )
        assert again.status == 200 and again.json()["replayed"] is True
    assert len(_interactions(page, live, 1)) == before + 1
    assert len(_interactions(page, live, imani[0])) == 1
    page.context.close()
    assert not live.problems, live.problems


def _share(page: Any, live: Live, *, card: bytes | None = None, **fields: str) -> None:
    """What Android does when the user shares to the installed app: a multipart POST
    to the manifest's share_target action (made here by a form on a page the worker
    controls, as the system's is)."""
    page.evaluate(
        """(fields) => {
            const form = document.createElement("form");
            form.method = "post"; form.action = "/share"; form.enctype = "multipart/form-data";
            form.id = "system-share";
            const file = document.createElement("input");
            file.type = "file"; file.name = "card"; form.append(file);
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("input");
                input.name = name; input.value = value; form.append(input);
            }
            document.body.append(form);
        }""",
        fields,
    )
    if card is not None:
        page.set_input_files(
            "#system-share input[name=card]",
            files=[{"name": "marta.vcf", "mimeType": "text/vcard", "buffer": card}],
        )
    page.evaluate("document.getElementById('system-share').submit()")


def test_sharing_to_the_app(browser: Any, live: Live) -> None:
    page = _phone(browser, live)
    _sign_in(page, live)
    _controlled(page)

    # a link shared from the browser: the capture form with it as the note
    _share(page, live, title="Solar pilots", text="Read this", url="https://example.com/talk")
    page.wait_for_url(lambda url: "/capture?" in url)
    note = page.input_value("#capture-met textarea[name=notes]")
    assert note == "Solar pilots\nRead this\nhttps://example.com/talk"

    # a contact card: the import form, with the file in it
    _share(page, live, card=VCARD.encode())
    page.wait_for_url(lambda url: url.endswith("/io?shared=card"))
    page.wait_for_selector(".capture-shared:has-text('marta.vcf')")
    assert (
        page.evaluate("document.querySelector('#import-form input[name=file]').files.length") == 1
    )
    assert page.input_value("#import-form select[name=format]") == "vcard"
    _shoot(page, live, "share-card", "phone")
    page.click("#import-form button:has-text('Import')")
    summary = page.wait_for_selector("#import-result .import-summary")
    assert "2 people added" in summary.inner_text()
    page.context.close()
    assert not live.problems, live.problems


def test_sharing_when_signed_out_asks_to_sign_in_first(browser: Any, live: Live) -> None:
    page = _phone(browser, live)
    page.goto(live.url + "/login")
    _controlled(page)
    _share(page, live, card=VCARD.encode())
    page.wait_for_url(lambda url: "/login?next=" in url)
    page.fill("input[name=email]", demo.DEMO_EMAIL)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(lambda url: url.endswith("/io?shared=card"))
    page.wait_for_selector(".capture-shared:has-text('marta.vcf')")
    assert (
        page.evaluate("document.querySelector('#import-form input[name=file]').files.length") == 1
    )
    page.context.close()
    assert not live.problems, live.problems
