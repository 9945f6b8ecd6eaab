"""The daily loop a user can trust, through /api/v1 (issue 14): each test replays
what a user reported, on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rapport.services import favours, mentoring, milestones, promises
from tests.factories import make_person
from tests.web.conftest import User, Web

D = dt.timedelta


def _setup(web: Web, ana: User) -> dict[str, int]:
    """Ana's promise is late (#1), Sofia is owed thanks (#2), Kenji's promise is due
    tomorrow (#3)."""
    with web.open(ana) as ctx:
        today = ctx.today
        ids = {n: make_person(ctx, n).id for n in ("Ana Okafor", "Sofia Marques", "Kenji Watanabe")}
        promises.promise(ctx, ids["Ana Okafor"], "send the deck", due_on=today - D(days=3))
        favours.record(
            ctx, ids["Sofia Marques"], "received", "advice", occurred_on=today - D(days=5)
        )
        promises.promise(
            ctx, ids["Kenji Watanabe"], "share two data-engineer CVs", due_on=today + D(days=1)
        )
    return ids


def _agenda(ana: User, **params: Any) -> dict[str, Any]:
    response = ana.client.get("/api/v1/agenda", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _refs(agenda: dict[str, Any], person: str) -> dict[str, str]:
    return {
        r["kind"]: r["ref"]
        for e in agenda["entries"]
        if e["person"] == person
        for r in e["reasons"]
    }


def _post(ana: User, action: str, **body: Any) -> Any:
    return ana.client.post(f"/api/v1/agenda/{action}", json=body)


def test_a_number_means_the_listing_last_returned(web: Web, ana: User) -> None:
    """Reported: after done 1 the list renumbered and done 2 kept Kenji's promise."""
    _setup(web, ana)
    first = _agenda(ana)
    assert [e["person"] for e in first["entries"]] == [
        "Ana Okafor",
        "Sofia Marques",
        "Kenji Watanabe",
    ]
    assert len(first["listing"]) == 12
    assert _post(ana, "done", ref="1").status_code == 200
    answer = _post(ana, "done", ref="2", note="emailed Sofia", listing=first["listing"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"].startswith("Sofia Marques: done th")
    with web.open(ana) as ctx:
        assert [p.description for p in promises.listing(ctx, status="open")] == [
            "share two data-engineer CVs"
        ]
    changed = _post(ana, "done", ref="2")
    assert changed.status_code == 409
    assert "#2 (Sofia Marques) has changed" in changed.json()["error"]["message"]
    second = _agenda(ana)
    stale = _post(ana, "done", ref="1", listing=first["listing"])
    assert stale.status_code == 409 and "not the one shown last" in stale.json()["error"]["message"]
    kenji = _refs(second, "Kenji Watanabe")["promise"]
    done = _post(ana, "done", ref="1", listing=second["listing"])
    assert done.json()["message"].startswith(f"Kenji Watanabe: done {kenji}")


def test_every_reason_has_its_reference_and_lapse(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        make_person(ctx, "Lea Braun", met_on=ctx.today - D(days=3))
    (entry,) = _agenda(ana)["entries"]
    (reason,) = entry["reasons"]
    assert reason["ref"] == f"f{entry['person_id']}"
    assert reason["shown_until"] == "2026-12-04"  # met on 20 November, followed up for 14 days
    assert reason["dismiss_until"] == "2026-11-30"


def test_done_answers_one_reason_unless_all(web: Web, ana: User) -> None:
    """Reported: one answer on 'thanks owed' + 'feedback action' did both."""
    with web.open(ana) as ctx:
        nadia = make_person(ctx, "Nadia Rahman").id
        favours.record(ctx, nadia, "received", "advice", occurred_on=ctx.today - D(days=4))
        mentoring.record_feedback(
            ctx, nadia, "Be concise", actions=["cut the deck"], due_on=ctx.today + D(days=6)
        )
    refs = _refs(_agenda(ana), "Nadia Rahman")
    refused = _post(ana, "done", ref="nadia")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["type"] == "ambiguous" and error["candidates"] == [
        refs["thanks"],
        refs["feedback"],
    ]
    assert '"all": true' in error["message"]
    answer = _post(ana, "done", ref=refs["thanks"]).json()["message"]
    assert "thanks recorded" in answer and "promise kept" not in answer
    assert _refs(_agenda(ana), "Nadia Rahman") == {"feedback": refs["feedback"]}
    assert _post(ana, "done", ref="nadia", all=True).status_code == 200
    assert _refs(_agenda(ana), "Nadia Rahman") == {}


def test_done_on_a_promise_logs_the_contact_with_the_note(web: Web, ana: User) -> None:
    """Reported: done on a promise dropped the note and logged no contact."""
    ids = _setup(web, ana)
    kenji = _refs(_agenda(ana), "Kenji Watanabe")["promise"]
    answer = _post(ana, "done", ref=kenji, note="sent both CVs", kind="email").json()
    assert answer["message"].endswith(
        "(promise kept: share two data-engineer CVs; email logged: sent both CVs)"
    )
    person = ana.client.get(f"/api/v1/people/{ids['Kenji Watanabe']}").json()
    assert person["last_contact_at"] is not None
    ana_ref = _refs(_agenda(ana), "Ana Okafor")["promise"]
    quiet = _post(ana, "done", ref=ana_ref, log=False).json()["message"]
    assert quiet == f"Ana Okafor: done {ana_ref} (promise kept: send the deck)"
    assert ana.client.get(f"/api/v1/people/{ids['Ana Okafor']}").json()["last_contact_at"] is None


def test_a_dismissed_nudge_returns_at_the_next_check(web: Web, ana: User) -> None:
    """Reported: a dismissed overdue nudge never returned, even weeks later."""
    with web.open(ana) as ctx:
        kenji = make_person(ctx, "Kenji Watanabe").id
        promises.promise(ctx, kenji, "intro to Dana", owner="them", due_on=ctx.today - D(days=3))
    nudge = _refs(_agenda(ana), "Kenji Watanabe")["nudge"]
    answer = _post(ana, "dismiss", ref=nudge).json()
    assert answer == {"message": f"Kenji Watanabe: dismissed {nudge} until 30 November"}
    assert _refs(_agenda(ana, date="2026-11-29"), "Kenji Watanabe") == {}
    assert _refs(_agenda(ana, date="2026-11-30"), "Kenji Watanabe") == {"nudge": nudge}


def test_the_agenda_delays_are_settings_with_their_defaults(web: Web, ana: User) -> None:
    """Reported: thanks owed only after an unexplained 2-day delay."""
    shown = ana.client.get("/api/v1/settings").json()
    assert shown["agenda"] == shown["agenda_defaults"]
    assert shown["agenda_defaults"]["thanks_after_days"] == 2
    with web.open(ana) as ctx:
        lea = make_person(ctx, "Lea Braun").id
        favours.record(ctx, lea, "received", "advice", occurred_on=ctx.today)
    assert _refs(_agenda(ana), "Lea Braun") == {}
    patched = ana.client.patch("/api/v1/settings", json={"agenda": {"thanks_after_days": 0}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["agenda"]["thanks_after_days"] == 0
    assert set(_refs(_agenda(ana), "Lea Braun")) == {"thanks"}
    bad = ana.client.patch("/api/v1/settings", json={"agenda": {"follow_up_days": 0}})
    assert bad.status_code == 422
    back = ana.client.patch("/api/v1/settings", json={"agenda": {"thanks_after_days": None}})
    assert back.json()["agenda"]["thanks_after_days"] == 2


def test_the_today_page_answers_the_one_reason_clicked(web: Web, ana: User) -> None:
    """Reported: the web 'Done' on an entry with an overdue promise and a birthday
    marked the promise kept. (The same in Chromium: tests/web/test_browser.py.)"""
    with web.open(ana) as ctx:
        bruno = make_person(ctx, "Bruno Souza").id
        promises.promise(ctx, bruno, "share the deck", due_on=ctx.today - D(days=1))
        milestones.add(ctx, bruno, "birthday", 11, 25)
    refs = _refs(_agenda(ana), "Bruno Souza")
    browser = web.browser(ana)
    page = browser.get("/").text
    assert f'id="reason-{refs["promise"]}"' in page and f'id="reason-{refs["milestone"]}"' in page
    assert "Dismiss until 30 Nov" in page and "Dismiss until 22 Nov 2027" in page
    answered = browser.post(
        "/agenda/done", {"ref": refs["milestone"]}, headers={"HX-Request": "true"}
    )
    assert answered.status_code == 200
    assert f"Bruno Souza: done {refs['milestone']} (message logged: Sent wishes)" in answered.text
    assert f'id="reason-{refs["promise"]}"' in answered.text
    with web.open(ana) as ctx:
        assert [p.description for p in promises.listing(ctx, status="open")] == ["share the deck"]
    everything = browser.post("/agenda/done", {"ref": f"#{bruno}", "every": "1"})
    assert everything.status_code == 200  # followed to the page
    assert _refs(_agenda(ana), "Bruno Souza") == {}


def test_the_settings_page_shows_and_saves_the_agenda_timing(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    page = browser.get("/settings").text
    assert "Thanks owed shows after" in page and "default 2" in page
    assert 'name="agenda_follow_up_days" value="14"' in page
    saved = browser.post(
        "/settings", {"agenda_thanks_after_days": "0", "agenda_follow_up_days": "21"}
    )
    assert saved.status_code == 200
    assert 'name="agenda_follow_up_days" value="21"' in saved.text
    agenda = ana.client.get("/api/v1/settings").json()["agenda"]
    assert (agenda["thanks_after_days"], agenda["follow_up_days"]) == (0, 21)
    bad = browser.post("/settings", {"agenda_follow_up_days": "500"})
    assert bad.status_code == 422 and "must be a number of days from 1 to 90" in bad.text
