"""The pages, used through their forms as a browser would (without the browser):
what they show, their empty states, validation messages, and their query counts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web
from tests.web.test_api_workspace import VCARD


def overdue_people(web: Web, user: User, names: list[str]) -> dict[str, int]:
    with web.open(user) as ctx:
        old = ctx.today - dt.timedelta(days=120)
        ids = {}
        for name in names:
            ids[name] = make_person(ctx, name, types=["client"], met_on=old).id
            make_interaction(ctx, [ids[name]], on=old, summary=f"Kickoff with {name}")
        return ids


def test_empty_states_tell_a_new_user_what_to_do(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    assert "Start with the people you know" in browser.get("/").text
    assert "Add the first person" in browser.get("/people").text
    assert "No events yet" in browser.get("/events").text
    assert "Nothing to picture yet" in browser.get("/insights").text


def test_every_page_renders(web: Web, ana: User) -> None:
    ids = overdue_people(web, ana, ["Fiona Walsh", "王芳"])
    browser = web.browser(ana)
    event = browser.post("/events", {"name": "WebSummit", "on": "2026-11-16", "place": "Lisbon"})
    assert "Capture the people you meet" in event.text
    for path, expected in (
        ("/", "Fiona Walsh"),
        ("/?all=1", "王芳"),
        ("/people", "王芳"),
        ("/people?type=client&sort=last-contact", "Fiona Walsh"),
        ("/people?health=at-risk", "people"),
        (f"/people/{ids['Fiona Walsh']}", "Kickoff with Fiona Walsh"),
        (f"/people/{ids['Fiona Walsh']}/edit", 'value="Fiona Walsh"'),
        ("/people/new?name=Nadia", 'value="Nadia"'),
        ("/events", "WebSummit"),
        ("/insights", "Relationship health"),
        ("/io", "Download a backup"),
        ("/settings", "Keep-in-touch rhythm"),
        ("/search?q=fiona", "<mark>Fiona</mark> Walsh"),  # the matching word highlighted
    ):
        response = browser.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        assert expected in response.text, path
    missing = browser.get("/people/999")
    assert missing.status_code == 404
    assert "No person with id 999." in missing.text


def test_adding_a_person_shows_mistakes_in_the_form(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    browser.get("/people/new")
    wrong = browser.post(
        "/people",
        {"full_name": "Nadia Rahman", "emails": "nadia at solaris", "types": ["client"]},
    )
    assert wrong.status_code == 422
    assert "is not an email address" in wrong.text
    assert 'name="emails" type="text" value="nadia at solaris"' in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    assert re.search(r'value="client"\s+checked', wrong.text)
    nameless = browser.post("/people", {"full_name": " "})
    assert "a person needs a name" in nameless.text
    added = browser.post(
        "/people",
        {"full_name": "Nadia Rahman", "emails": "nadia@solaris.example", "types": ["client"]},
    )
    assert added.status_code == 200
    assert added.url.path.startswith("/people/")
    assert "Added Nadia Rahman" in added.text
    changed = browser.post(
        added.url.path + "/edit",
        {
            "full_name": "Nadia Rahman",
            "organization": "Solaris",
            "title": "CEO",
            "types": ["client"],
        },
    )
    assert "CEO at Solaris" in changed.text


def test_logging_a_conversation_changes_the_agenda(web: Web, ana: User) -> None:
    overdue_people(web, ana, ["Fiona Walsh", "Bruno Souza"])
    browser = web.browser(ana)
    assert "Fiona Walsh" in browser.get("/").text
    mistake = browser.post("/log", {"who": "nobody here", "summary": "x"})
    assert mistake.status_code == 200
    assert "no person matches &#39;nobody here&#39;" in mistake.text
    assert 'value="x"' in mistake.text  # what was typed is kept
    logged = browser.post("/log", {"who": "fiona", "kind": "call", "quick": "yesterday"})
    assert "Logged call with Fiona Walsh" in logged.text
    agenda = logged.text.split('id="agenda"')[1].split("</section>")[0]
    assert "Fiona Walsh" not in agenda
    assert "Bruno Souza" in agenda


def test_agenda_actions_in_place_with_htmx(web: Web, ana: User) -> None:
    ids = overdue_people(web, ana, ["Fiona Walsh", "Bruno Souza", "Carla Dias"])
    browser = web.browser(ana)
    browser.get("/")
    htmx = {"HX-Request": "true"}
    draft = browser.client.get(f"/agenda/draft?ref=%23{ids['Fiona Walsh']}", headers=htmx)
    assert "Hi Fiona" in draft.text
    done = browser.client.post(
        "/agenda/done",
        data={"ref": f"#{ids['Fiona Walsh']}"},
        headers={**htmx, "X-CSRF-Token": browser.csrf},
    )
    assert done.status_code == 200
    assert done.text.lstrip().startswith('<section id="agenda"')
    assert "Fiona Walsh: done" in done.text
    snoozed = browser.post("/agenda/snooze", {"ref": f"#{ids['Bruno Souza']}", "days": "7"})
    assert f"snoozed t{ids['Bruno Souza']} until 30 November" in snoozed.text
    dismissed = browser.post("/agenda/dismiss", {"ref": f"#{ids['Carla Dias']}"})
    assert "Nobody needs you today" in dismissed.text
    bad = browser.post("/agenda/snooze", {"ref": f"#{ids['Carla Dias']}", "days": "99"})
    assert bad.status_code == 422


def test_bulk_archive_and_undo(web: Web, ana: User) -> None:
    ids = overdue_people(web, ana, ["Ann One", "Ben Two", "Cat Three"])
    browser = web.browser(ana)
    browser.get("/people")
    archived = browser.post(
        "/people/bulk", {"ids": [ids["Ann One"], ids["Ben Two"]], "action": "archive"}
    )
    assert "Archived 2 people." in archived.text
    assert "Ann One" not in archived.text.split("<table")[1]
    undo = re.search(r'action="/history/(\d+)/undo"', archived.text)
    assert undo
    restored = browser.post(f"/history/{undo.group(1)}/undo")
    assert "Undid #" in restored.text
    again = browser.post(f"/history/{undo.group(1)}/undo")
    assert again.status_code == 409
    assert "already undone" in again.text
    restored = browser.get("/people")
    assert "Ann One" in restored.text
    tagged = browser.post(
        "/people/bulk", {"ids": list(ids.values()), "action": "tag", "value": "vip"}
    )
    assert "Tagged 3 people #vip." in tagged.text
    nobody = browser.post("/people/bulk", {"action": "archive"})
    assert nobody.status_code == 422
    assert "select at least one person" in nobody.text


def test_undo_of_a_large_bulk_change_fits_in_the_session(web: Web, ana: User) -> None:
    """The page carries the journal entry's number, however many people changed."""
    with web.open(ana) as ctx:
        ids = [make_person(ctx, f"Person {i:03d}").id for i in range(200)]
    browser = web.browser(ana)
    browser.get("/people")
    archived = browser.post("/people/bulk", {"ids": ids, "action": "archive"})
    assert "Archived 200 people." in archived.text
    assert all(len(v) < 1000 for v in browser.client.cookies.values())
    entry = re.search(r'action="/history/(\d+)/undo"', archived.text)
    assert entry
    restored = browser.post(f"/history/{entry.group(1)}/undo")
    assert "200 people changed" in restored.text


def test_person_page_forms(web: Web, ana: User) -> None:
    pid = overdue_people(web, ana, ["Fiona Walsh"])["Fiona Walsh"]
    browser = web.browser(ana)
    browser.get(f"/people/{pid}")
    page = browser.post(
        f"/people/{pid}/promises", {"description": "send the deck", "owner": "me", "due": "friday"}
    )
    assert "You promised: send the deck." in page.text
    promise_id = re.search(r'action="/promises/(\d+)"', page.text)
    assert promise_id
    kept = browser.post(f"/promises/{promise_id.group(1)}", {"status": "kept"})
    assert "Promise marked kept" in kept.text
    got = browser.post(f"/people/{pid}/favours", {"direction": "received", "kind": "referral"})
    assert "mark thanked" in got.text
    favour_id = re.search(r'action="/favours/(\d+)/thank"', got.text)
    assert favour_id
    assert "Thanked Fiona Walsh" in browser.post(f"/favours/{favour_id.group(1)}/thank").text
    dated = browser.post(f"/people/{pid}/milestones", {"kind": "birthday", "date": "1990-12-01"})
    assert "Added Fiona Walsh&#39;s birthday" in dated.text
    logged = browser.post("/log", {"who": f"#{pid}", "summary": "Coffee", "back": f"/people/{pid}"})
    assert logged.url.path == f"/people/{pid}"
    assert "Coffee" in logged.text
    archived = browser.post(f"/people/{pid}/archive")
    entry = re.search(r'action="/history/(\d+)/undo"', archived.text)
    assert entry, "the flash offers Undo"
    back = browser.post(f"/history/{entry.group(1)}/undo")
    assert f"Undid #{entry.group(1)}: Archived Fiona Walsh." in back.text
    history = browser.get("/history")
    assert "Archived Fiona Walsh" in history.text
    assert "Promise kept: send the deck" in history.text


def test_events_quick_capture(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    browser.get("/events")
    page = browser.post("/events", {"name": "WebSummit", "on": "2026-11-16"})
    event_path = page.url.path
    met = browser.post(event_path + "/met", {"name": "Nadia Rahman", "note": "climate startup"})
    assert "you met Nadia Rahman at WebSummit" in met.text
    assert "to follow up" in met.text
    assert "0 of 1 followed up" in browser.get("/events").text


def test_settings_templates_and_tokens(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    browser.get("/settings")
    saved = browser.post(
        "/settings",
        {
            "workspace": "Work",
            "timezone": "Europe/Lisbon",
            "own_emails": "a@x.example",
            "cadence_client": "21",
        },
    )
    assert "Settings saved." in saved.text
    assert 'name="cadence_client" value="21"' in saved.text
    wrong = browser.post("/settings", {"timezone": "Nowhere/Land"})
    assert wrong.status_code == 422
    assert "unknown time zone" in wrong.text
    template = browser.post("/settings/templates", {"template_thanks": "Thanks!\nHi {{ first }}"})
    assert "Templates saved." in template.text
    broken = browser.post("/settings/templates", {"template_thanks": "{% if %}"})
    assert broken.status_code == 422
    made = browser.post("/settings/tokens", {"name": "sync"})
    secret = re.search(r'id="new-token">(rpt_[^<]+)<', made.text)
    assert secret
    client = web.client(headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert client.get("/api/v1/me").status_code == 200
    token_id = re.findall(r'action="/settings/tokens/(\d+)/revoke"', made.text)[-1]
    assert "no longer works" in browser.post(f"/settings/tokens/{token_id}/revoke").text
    assert client.get("/api/v1/me").status_code == 401
    short = browser.post(
        "/settings/password", {"current": "correct horse battery", "new": "x", "confirm": "x"}
    )
    assert "at least 10 characters" in short.text


def test_import_and_export_pages(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    browser.get("/io")
    result = browser.client.post(
        "/io/import",
        data={"csrf_token": browser.csrf, "format": ""},
        files={"file": ("contacts.vcf", VCARD, "text/vcard")},
        headers={"HX-Request": "true"},
    )
    assert result.status_code == 200
    assert "Imported contacts.vcf" in result.text
    assert "<strong>2</strong> people added" in result.text
    broken = browser.client.post(
        "/io/import",
        data={"csrf_token": browser.csrf, "format": "vcard"},
        files={"file": ("x.vcf", b"\x00\x00\x00garbage")},
    )
    assert broken.status_code == 422
    assert "Nothing was imported" in broken.text
    backup = browser.get("/io/export/backup")
    assert backup.headers["content-disposition"] == 'attachment; filename="rapport-backup.json"'
    assert "Olivia Brown" in backup.text
    assert 'href="/io/export/csv?excel=1"' in browser.get("/io").text
    excel = browser.get("/io/export/csv?excel=1")
    assert excel.content.startswith(b"\xef\xbb\xbf") and "王芳".encode() in excel.content
    assert 'href="/io/export/vcard3"' in browser.get("/io").text
    three = browser.get("/io/export/vcard3")
    assert three.headers["content-disposition"].endswith('filename="rapport-people-3.0.vcf"')
    assert "VERSION:3.0" in three.text and "Olivia Brown" in three.text


def test_command_bar(web: Web, ana: User) -> None:
    ids = overdue_people(web, ana, ["Fiona Walsh"])
    browser = web.browser(ana)
    assert 'href="/people/new"' in browser.get("/command").text
    jump = browser.get("/command?q=fiona").text
    assert f'href="/people/{ids["Fiona Walsh"]}"' in jump
    log = browser.get("/command?q=log%20fio").text
    assert f'href="/people/{ids["Fiona Walsh"]}#log-form"' in log
    assert "Log with Fiona Walsh" in log
    with web.open(ana) as ctx:
        make_person(ctx, "Yara Haddad", title="Analyst")
        make_person(ctx, "Anabela Costa")
        ana_lima = make_person(ctx, "Ana Lima").id
    first = re.search(r'href="([^"]+)"', browser.get("/command?q=log%20ana").text)
    assert first is not None and first.group(1) == f"/people/{ana_lima}#log-form"
    add = browser.get("/command?q=add%20Nadia%20Rahman").text
    assert 'href="/people/new?name=Nadia%20Rahman"' in add


def test_an_organization_found_opens_its_own_page(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        make_person(ctx, "Ana Lima", organization="Zenith Labs")
    browser = web.browser(ana)
    found = browser.get("/search?q=zenith").text
    org = re.search(r'href="/organizations/(\d+)"><mark>Zenith</mark> Labs<', found)
    assert org is not None, found
    assert "/people?organization=" not in found
    jump = browser.get("/command?q=zenith").text
    assert f'href="/organizations/{org.group(1)}"' in jump
    assert "Zenith Labs" in browser.get(f"/organizations/{org.group(1)}").text


@contextmanager
def counting(web: Web) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = web.rapport.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_pages_make_no_query_per_row(web: Web, ana: User) -> None:
    """The number of queries a page makes does not grow with the people on it."""
    browser = web.browser(ana)
    counts: dict[str, list[int]] = {}
    for batch in (["Ann A", "Ben B", "Cat C"], [f"Person {i}" for i in range(30)]):
        ids = overdue_people(web, ana, batch)
        for path in ("/", "/?all=1", "/people", "/insights", f"/people/{next(iter(ids.values()))}"):
            with counting(web) as statements:
                assert browser.get(path).status_code == 200
            counts.setdefault(path.split("/people/")[0] or "/person", []).append(len(statements))
    for page, (few, many) in counts.items():
        assert many == few, (page, few, many)
