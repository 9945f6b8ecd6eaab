"""The Review page without a browser: the queue with its evidence and changes, a
form without its CSRF token refused, accept-all of a kind with Undo, a wrong number
answered with a sentence, and Today's line while records wait."""

from __future__ import annotations

from rapport.services import imports, review
from tests.factories import make_person
from tests.web.conftest import User, Web

CSV = b"Name,Organization,Title\nAna Lima,Initech,Designer\nBruno Souza,Globex,Director\n"


def test_the_review_page_decides_with_undo(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        make_person(ctx, "Ana Lima", organization="Acme", title="CTO")
        make_person(ctx, "Bruno Souza", organization="Globex")
    with web.open(ana) as ctx:
        assert imports.run(ctx, CSV).proposed == 2
    browser = web.browser(ana)
    assert "2 imported records matched only by name wait for review" in browser.get("/").text
    page = browser.get("/review").text
    assert "organization: Acme → Initech" in page and "title: CTO → Designer" in page
    assert "Accept all 1 of this kind" in page
    refused = browser.client.post("/review/accept-all", data={"kind": "same-name"})
    assert refused.status_code == 403
    done = browser.post("/review/accept-all", {"kind": "same-name-org"})
    assert done.status_code == 200 and "Accepted 1 proposal: 1 person updated" in done.text
    assert 'action="/history/' in done.text  # the message offers Undo
    left = browser.get("/review?kind=same-name").text
    assert "Ana Lima" in left and "Bruno Souza</strong>" not in left
    missing = browser.post("/review/999/accept")
    assert missing.status_code == 404 and "no proposal #999 waiting" in missing.text
    # a second click on a decided proposal (another tab, a double click) says so
    with web.open(ana) as ctx:
        bruno = review.listing(ctx, kind="same-name").items[0].id
    assert "1 new person" in browser.post(f"/review/{bruno}/separate").text
    again = browser.post(f"/review/{bruno}/accept")
    assert again.status_code == 200
    assert f"Proposal #{bruno} was already decided: nothing more changed." in again.text
