""" "Who do I know who…" on the web: the page /who (found from search and the command
bar) and GET /api/v1/who, with the real model, and by keywords without it."""

from __future__ import annotations

import pytest

from rapport.services import events, semantic
from tests.conftest import TODAY
from tests.factories import make_person
from tests.web.conftest import User, Web

pytestmark = pytest.mark.usefixtures("meaning_model")


def _network(web: Web, ana: User) -> int:
    with web.open(ana) as ctx:
        summit = events.create(ctx, "Lisbon Energy Summit", TODAY, place="Lisbon")
        ines = make_person(ctx, "Inês <b>Carvalho</b>", interests="climate tech, offshore wind")
        events.met(ctx, summit.id, ines.id)
        make_person(ctx, "Bruno Souza", interests="tax returns", notes="a <script> in notes")
    return ines.id


def test_who_page_answers_with_reasons_escaped(web: Web, ana: User) -> None:
    ines = _network(web, ana)
    browser = web.browser(ana)
    assert 'href="/who?q=energy"' in browser.get("/search", params={"q": "energy"}).text
    assert 'href="/who"' in browser.get("/command", params={"q": "who"}).text
    page = browser.get("/who", params={"q": "works on renewable energy in Lisbon"}).text
    assert f'href="/people/{ines}"' in page
    assert "Inês &lt;b&gt;Carvalho&lt;/b&gt;" in page
    assert "met at Lisbon Energy Summit (Lisbon)" in page
    assert "<script>" not in page
    assert "not yet indexed" not in page and "one install away" not in page
    empty = browser.get("/who", params={"q": "   "})
    assert empty.status_code == 200 and "who-results" not in empty.text


def test_who_api(web: Web, ana: User, bruno: User) -> None:
    ines = _network(web, ana)
    answer = ana.client.get("/api/v1/who", params={"q": "offshore wind", "limit": 1})
    assert answer.status_code == 200
    body = answer.json()
    assert body["mode"] == "meaning" and body["waiting"] == 0 and body["notes"] == []
    assert [(h["person_id"], h["href"]) for h in body["results"]] == [(ines, f"/people/{ines}")]
    assert body["results"][0]["reason"] == "interests: climate tech, offshore wind"
    # another workspace sees none of Ana's people
    assert bruno.client.get("/api/v1/who", params={"q": "offshore wind"}).json()["results"] == []
    assert ana.client.get("/api/v1/who", params={"q": "wind", "limit": 0}).status_code == 422
    assert ana.client.get("/api/v1/who").status_code == 422
    schema = web.client().get("/api/v1/openapi.json").json()
    assert "/api/v1/who" in schema["paths"]


def test_without_the_model_the_page_and_api_say_so(
    web: Web, ana: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _network(web, ana)
    monkeypatch.setattr(semantic, "available", lambda: False)
    body = ana.client.get("/api/v1/who", params={"q": "offshore wind"}).json()
    assert body["mode"] == "keywords"
    assert body["notes"] == [
        "Meaning-based search is one install away: pip install 'rapport[semantic]'; "
        "these results match your words only."
    ]
    page = web.browser(ana).get("/who", params={"q": "offshore wind"}).text
    assert page.count("pip install &#39;rapport[semantic]&#39;") == 1
    assert "Inês" in page


def test_odd_questions_answer_or_are_refused_in_a_sentence(web: Web, ana: User) -> None:
    _network(web, ana)
    for question in ("!!!", "ana:*", "李小龙", "😀" * 300, "a", "'; DROP TABLE person; --"):
        answer = ana.client.get("/api/v1/who", params={"q": question})
        assert answer.status_code == 200, (question, answer.text)
        assert answer.json()["mode"] == "meaning"
    blank = ana.client.get("/api/v1/who", params={"q": "   "})
    assert blank.status_code == 422
    assert ana.client.get("/api/v1/who", params={"q": "x" * 301}).status_code == 422
