"""The installed web app without a browser: the manifest, the service worker and the
offline page answer anyone and say nothing about the user; the capture page needs
sign-in, and fills in what was shared to the app."""

from __future__ import annotations

import re

from rapport.web.pages.capture import shared_text
from rapport.web.pages.installed import SHELL
from tests.web.conftest import User, Web


def test_the_manifest_answers_anyone(web: Web) -> None:
    found = web.client().get("/manifest.webmanifest")
    assert found.status_code == 200
    assert found.headers["content-type"].startswith("application/manifest+json")
    manifest = found.json()
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert {i["purpose"] for i in manifest["icons"]} == {"any", "maskable"}
    assert manifest["share_target"]["params"]["files"][0]["name"] == "card"


def test_the_worker_is_served_from_the_root_with_what_it_keeps(web: Web) -> None:
    client = web.client()
    found = client.get("/sw.js")
    assert found.status_code == 200
    assert found.headers["content-type"].startswith("text/javascript")
    assert found.headers["service-worker-allowed"] == "/"
    assert found.headers["cache-control"] == "no-cache"
    version = re.match(r'const VERSION = "([0-9a-f]{16})";\nconst SHELL = (\[.*\]);\n', found.text)
    assert version, found.text[:200]
    for path in SHELL:  # everything it keeps answers, without signing in
        assert client.get(path).status_code == 200, path


def test_the_offline_page_answers_anyone(web: Web) -> None:
    found = web.client().get("/offline")
    assert found.status_code == 200
    assert "No connection" in found.text
    assert "Sign out" not in found.text


def test_the_capture_page_needs_sign_in(web: Web) -> None:
    found = web.client(follow_redirects=False).get("/capture?text=hello")
    assert found.status_code == 303
    assert found.headers["location"] == "/login?next=/capture%3Ftext%3Dhello"


def test_the_capture_page_holds_what_was_shared(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    page = browser.get(
        "/capture",
        params={"title": "Solar", "text": "Read https://x.example/a", "url": "https://x.example/a"},
    )
    assert page.status_code == 200
    assert page.text.count("Solar\nRead https://x.example/a</textarea>") == 2
    assert f'data-user="{ana.id}"' in page.text


def test_shared_text_says_each_part_once() -> None:
    assert shared_text("", "", "") == ""
    assert shared_text("Talk", "Watch this", "https://t.example") == (
        "Talk\nWatch this\nhttps://t.example"
    )
    assert shared_text("", "https://t.example", "https://t.example") == "https://t.example"
