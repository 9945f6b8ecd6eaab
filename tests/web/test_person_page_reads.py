"""The person page reads each thing once: one profile, the brief derived from it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from rapport.services import favours, milestones, promises
from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web
from tests.web.test_pages import counting

D = dt.timedelta


def rich_person(web: Web, user: User) -> int:
    """Someone with a bit of everything the page and its brief show."""
    with web.open(user) as ctx:
        ana = make_person(
            ctx, "Ana Lima", types=["client"], interests="sailing", met_on=ctx.today - D(days=400)
        )
        for n in range(4):
            make_interaction(ctx, [ana.id], on=ctx.today - D(days=10 + n), summary=f"Talk {n}")
        promises.promise(ctx, ana.id, "send the deck", due_on=ctx.today + D(days=3))
        promises.promise(ctx, ana.id, "intro to their CFO", owner="them")
        favours.record(ctx, ana.id, "received", "advice", note="pricing")
        soon = ctx.today + D(days=20)
        milestones.add(ctx, ana.id, "birthday", soon.month, soon.day)
        return ana.id


BEFORE = 51  # statements when the brief read the person again beside the profile


def test_the_person_page_reads_nothing_twice(web: Web, ana: User) -> None:
    person_id = rich_person(web, ana)
    browser = web.browser(ana)
    browser.get(f"/people/{person_id}")
    with counting(web) as statements:
        page = browser.get(f"/people/{person_id}")
    assert page.status_code == 200
    assert "Pick up from last time: Talk 0" in page.text
    assert "Thank them for the advice: pricing" in page.text
    # two transactions begin: the sign-in check's and the page's
    reads = [s for s in statements if s != "BEGIN"]
    repeated = {s: n for s, n in Counter(reads).items() if n > 1}
    assert repeated == {}
    # 28 of the page's own; the sign-in check is three short transactions since the
    # two-step check joined it (session, account, whether the network requires it)
    assert len(statements) <= 34 < BEFORE * 2 // 3 + 1


def test_the_page_and_the_api_give_the_same_brief(web: Web, ana: User) -> None:
    person_id = rich_person(web, ana)
    brief = ana.client.get(f"/api/v1/people/{person_id}/brief").json()
    assert brief["talking_points"][:2] == [
        "Pick up from last time: Talk 0",
        "Your promise: send the deck (due 2026-11-26)",
    ]
    assert [i["summary"] for i in brief["recent"]] == ["Talk 0", "Talk 1", "Talk 2"]
    page = web.browser(ana).get(f"/people/{person_id}").text
    for point in brief["talking_points"]:
        assert point in page
