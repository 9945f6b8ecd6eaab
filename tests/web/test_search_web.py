"""Search over every record on the web: the search page (groups, highlighted words,
escaped), the command bar and /api/v1/search (kinds, order, filters, did you mean)."""

from __future__ import annotations

import datetime as dt

from rapport.services import events, promises
from tests.conftest import TODAY
from tests.factories import make_person
from tests.web.conftest import User, Web


def _network(web: Web, ana: User) -> tuple[int, int]:
    with web.open(ana) as ctx:
        bruno = make_person(ctx, "Bruno <b>Souza</b>", organization="Acme", types=["client"])
        summit = events.create(ctx, "WebSummit", TODAY - dt.timedelta(days=10), place="Lisbon")
        events.met(ctx, summit.id, bruno.id, note="works on voice agents")
        promises.promise(ctx, bruno.id, "Send the <script>pilots</script> deck")
    return bruno.id, summit.id


def test_search_page_groups_and_highlights_escaped(web: Web, ana: User) -> None:
    bruno, summit = _network(web, ana)
    page = web.browser(ana).get("/search", params={"q": "pilot"}).text
    assert "Promises" in page
    assert "<script>" not in page
    assert "&lt;script&gt;<mark>pilots</mark>&lt;/script&gt;" in page
    assert f'href="/people/{bruno}"' in page
    met = web.browser(ana).get("/search", params={"q": "websummit"}).text
    assert f'href="/events/{summit}"' in met and "<mark>WebSummit</mark>" in met
    bad = web.browser(ana).get("/search", params={"q": "colour:red"})
    assert bad.status_code == 200 and "unknown filter colour:" in bad.text
    typo = web.browser(ana).get("/search", params={"q": "Bruno Suoza"}).text
    assert "Did you mean" in typo


def test_command_bar_finds_every_kind(web: Web, ana: User) -> None:
    _bruno, summit = _network(web, ana)
    bar = web.browser(ana).get("/command", params={"q": "lisbon"}).text
    assert f'href="/events/{summit}"' in bar
    assert web.browser(ana).get("/command", params={"q": "kind:"}).status_code == 200


def test_api_search_kinds_order_filters(web: Web, ana: User) -> None:
    bruno, summit = _network(web, ana)
    hits = ana.client.get("/api/v1/search", params={"q": "voice agents"}).json()
    assert [(h["kind"], h["id"]) for h in hits] == [("person", bruno), ("event", summit)]
    assert hits[1]["href"] == f"/events/{summit}"
    only = ana.client.get("/api/v1/search", params={"q": "voice", "kind": ["event"]}).json()
    assert [h["kind"] for h in only] == ["event"]
    newest = ana.client.get("/api/v1/search", params={"q": "met:websummit", "sort": "newest"})
    # the people met there, the event, and what concerns those people
    kinds = [(h["kind"], h["id"]) for h in newest.json()]
    assert newest.status_code == 200
    assert [k for k, _ in kinds] == ["person", "promise", "event"]  # grouped by kind
    assert ("person", bruno) in kinds and ("event", summit) in kinds
    bad = ana.client.get("/api/v1/search", params={"q": "colour:red"})
    assert bad.status_code == 422 and "unknown filter" in bad.text
    typo = ana.client.get("/api/v1/search", params={"q": "Bruno Suoza"})
    assert typo.json() == [] and "Bruno" in typo.headers["X-Did-You-Mean"]
