"""Today made for a phone, without the browser: the agenda paged (a group counts
once) and kept as long as it was when answered in place, near-identical follow-ups
as one entry whose people each keep their own buttons, "Met someone" on Today, and
the tab bar's destinations on every page."""

from __future__ import annotations

import datetime as dt
import re

from rapport.services import events
from rapport.web.pages.today import MORE, TODAY_LIMIT
from tests.web.conftest import User, Web
from tests.web.test_pages import overdue_people

HTMX = {"HX-Request": "true"}


def _items(html: str) -> list[str]:
    """The top-level items of the agenda: an entry's or a group's id, in order."""
    agenda = html.split('<ol class="entries">', 1)[1]
    return re.findall(r'<li class="(?:entry card|group card)[^"]*" id="([^"]+)"', agenda)


def _met_at_the_summit(web: Web, user: User, names: list[str]) -> dict[str, int]:
    with web.open(user) as ctx:
        summit = events.create(ctx, "Lisbon Product Summit", ctx.today - dt.timedelta(days=6))
        return {n: events.capture(ctx, n, event_id=summit.id).person_id for n in names}


def test_the_agenda_is_paged_and_answered_in_place_at_its_length(web: Web, ana: User) -> None:
    overdue_people(web, ana, [f"Person {n:02}" for n in range(1, 26)])
    browser = web.browser(ana)
    first = browser.get("/").text
    assert len(_items(first)) == TODAY_LIMIT
    assert "25 people to reach out to, most important first (10 shown)." in first
    assert f'href="/?show={TODAY_LIMIT + MORE}">Show 15 more</a>' in first
    more = browser.get(f"/?show={TODAY_LIMIT + MORE}").text
    assert len(_items(more)) == 25 and "Show 15 more" not in more
    # answered from the longer page, the agenda comes back as long as it was
    who = _items(more)[0].removeprefix("entry-")
    done = browser.client.post(
        "/agenda/done",
        data={"ref": f"#{who}"},
        headers={
            **HTMX,
            "X-CSRF-Token": browser.csrf,
            "HX-Current-URL": f"http://testserver/?show={TODAY_LIMIT + MORE}",
        },
    )
    assert len(_items(done.text)) == 24
    assert browser.get("/?show=zz").status_code == 200  # read as the first page


def test_the_summit_is_one_entry_and_its_people_keep_their_buttons(web: Web, ana: User) -> None:
    names = ["Ana Lima", "Bruno Souza", "Carla Dias", "Diego Ramos"]
    ids = _met_at_the_summit(web, ana, names)
    overdue_people(web, ana, ["Fiona Walsh"])
    browser = web.browser(ana)
    page = browser.get("/").text
    assert "Follow up with 4 people you met at Lisbon Product Summit" in page
    assert "Ana Lima, Bruno Souza, Carla Dias and 1 more" in page
    assert len(_items(page)) == 2  # the group and Fiona
    group = page.split('class="group card', 1)[1].split("</details>", 1)[0]
    for name, pid in ids.items():
        assert f'id="entry-{pid}"' in group and name in group
        assert re.search(rf'name="ref" value="f{pid}-\d+"', group)  # their own Done
        assert f'name="ref" value="#{pid}"' in group  # their own snooze
        assert f"/agenda/draft?ref=%23{pid}" in group  # their own draft
    ref = re.search(rf'name="ref" value="(f{ids["Bruno Souza"]}-\d+)"', group)
    assert ref is not None
    done = browser.client.post(
        "/agenda/done",
        data={"ref": ref.group(1)},
        headers={**HTMX, "X-CSRF-Token": browser.csrf},
    )
    assert f"Bruno Souza: done {ref.group(1)}" in done.text
    assert "Follow up with 3 people you met at Lisbon Product Summit" in done.text
    for name in ("Ana Lima", "Carla Dias", "Diego Ramos"):
        assert f'id="entry-{ids[name]}"' in done.text
    assert f'id="entry-{ids["Bruno Souza"]}"' not in done.text


def test_met_someone_from_today(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        summit = events.create(ctx, "Lisbon Product Summit", ctx.today)
    browser = web.browser(ana)
    page = browser.get("/").text
    assert 'id="met-form"' in page
    assert f'<option value="{summit.id}" selected>Lisbon Product Summit' in page
    at_event = browser.post(
        "/met", {"name": "Nadia Rahman", "event": str(summit.id), "note": "climate startup"}
    )
    assert "Noted: you met Nadia Rahman (new person) at Lisbon Product Summit." in at_event.text
    assert "Nadia Rahman" in browser.get(f"/events/{summit.id}").text
    no_event = browser.post("/met", {"name": "Imani Okafor", "organization": "Solaris"})
    assert "Noted: you met Imani Okafor (new person) today." in no_event.text
    again = browser.post("/met", {"name": "Imani Okafor", "event": ""})
    assert "Noted: you met Imani Okafor today." in again.text
    assert browser.post("/met", {"name": "Ida", "event": "the summit"}).status_code == 422
    assert browser.post("/met", {"name": " "}).status_code == 422


def test_every_page_has_the_phone_tab_bar_with_every_destination(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    wanted = ["/", "/people", "/events", "/insights", "/history", "/review", "/io", "/settings"]
    for path in ("/", "/people", "/events", "/history", "/settings/accounts", "/docs/api"):
        html = browser.get(path).text
        bar = html.split('<nav class="tabbar"', 1)[1].split("</nav>", 1)[0]
        links = re.findall(r'<a href="([^"]+)"', bar)
        assert set(wanted) <= set(links), path
        assert '<details class="more-menu"' in bar and 'action="/logout"' in bar
    current = browser.get("/history").text.split('<nav class="tabbar"', 1)[1]
    assert '<summary class="current">More</summary>' in current


def test_the_tab_bar_marks_where_you_are(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    for path, marked, more in (
        ("/", "Today", False),
        ("/people/new", "People", False),
        ("/tags", "People", False),
        ("/organizations", "People", False),
        ("/settings", "Settings", True),
        ("/settings/accounts", "Accounts", True),
        ("/duplicates", "Duplicates", True),
    ):
        bar = browser.get(path).text.split('<nav class="tabbar"', 1)[1].split("</nav>", 1)[0]
        assert re.findall(r'aria-current="page">([^<]+)</a>', bar) == [marked], path
        assert ('<summary class="current">' in bar) is more, path


def test_a_long_axis_label_stays_inside_its_chart() -> None:
    from rapport.web import charts

    bands = [("no contact yet", 5), ("0-19", 6), ("20-39", 3), ("40-59", 3), ("80-100", 21)]
    bands.append(("not scored yet", 1))
    svg = str(charts.columns(bands, label="health"))
    assert 'x="1.0" y="194" text-anchor="start">no contact yet' in svg
    assert 'text-anchor="end">not scored yet' in svg
    assert 'text-anchor="middle">20-39' in svg
