"""The web import has every option of `rapport import`: a CSV's columns mapped on a
preview of its first rows (the file held between the steps), a dry run, your own
addresses, adding unknown attendees or not, "is this you?"; and every refusal is one
sentence in the result area, with its line, the form keeping what was chosen."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from rapport.domain.custom_fields import FieldType, Target
from rapport.errors import ImportFailed
from rapport.services import custom_fields, imports, people
from rapport.services.imports import ImportSummary
from rapport.web import forms, held_uploads
from rapport.web.templating import templates
from tests.factories import make_person
from tests.web.conftest import Browser, User, Web

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CRM = (SAMPLES / "crm-export.csv").read_bytes()  # Kontakt;E-Mail-Adresse;Firma;Position;…
CALENDAR = (SAMPLES / "google-calendar.ics").read_bytes()
VCARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Marta Kowalska\r\nEMAIL:marta@wisla.example\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hanako Sato\r\nEMAIL:hanako@kaizen.example\r\nEND:VCARD\r\n"
)
HTMX = {"HX-Request": "true"}


def send(
    browser: Browser,
    name: str | None,
    data: bytes = b"",
    fields: dict[str, Any] | None = None,
    *,
    htmx: bool = True,
) -> Any:
    """POST the import form as the page does (multipart, with the CSRF token)."""
    files = {"file": (name, data)} if name is not None else {"file": ("", b"")}
    return browser.client.post(
        "/io/import",
        data={"csrf_token": browser.csrf, **(fields or {})},
        files=files,
        headers=HTMX if htmx else {},
    )


def held_token(html: str) -> str:
    found = re.search(r'name="held" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def names(web: Web, user: User) -> list[str]:
    with web.open(user, write=False) as ctx:
        found, _ = people.listing(ctx, limit=100)
        return sorted(p.name for p in found)


def open_page(web: Web, user: User) -> Browser:
    browser = web.browser(user)
    browser.get("/io")
    return browser


def test_a_csv_of_unknown_columns_is_mapped_on_its_first_rows(web: Web, ana: User) -> None:
    browser = open_page(web, ana)
    shown = send(browser, "crm.csv", CRM)
    assert shown.status_code == 200
    assert "Which column is which?" in shown.text
    assert "the header (line 1) and the first 2 rows" in shown.text
    for cell in ("Kontakt", "E-Mail-Adresse", "Søren Jensen", "lukasz@example.pl", "Freelancer"):
        assert cell in shown.text
    # the obvious one is guessed ('Position' is a job title); the rest are left out
    selects = re.findall(
        r'<select name="to" aria-label="Column ([^"]+) holds">(.*?)</select>', shown.text, re.S
    )
    chosen = {col: re.findall(r'value="(\w*)" selected', body) for col, body in selects}
    assert chosen == {
        "Kontakt": [],
        "E-Mail-Adresse": [],
        "Firma": [],
        "Position": ["title"],
        "Telefon": [],
        "Stichworte": [],
    }
    assert names(web, ana) == []  # nothing imported yet
    token = held_token(shown.text)
    mapped = browser.client.post(
        "/io/import",
        data={
            "csrf_token": browser.csrf,
            "held": token,
            "mapped": "1",
            "column": ["Kontakt", "E-Mail-Adresse", "Firma", "Position", "Telefon", "Stichworte"],
            "to": ["name", "email", "organization", "title", "phone", ""],
        },
        headers=HTMX,
    )
    assert mapped.status_code == 200, mapped.text
    assert "Imported crm.csv" in mapped.text
    assert "<strong>2</strong> people added" in mapped.text
    assert names(web, ana) == ["Søren Jensen", "Łukasz Nowak"]
    with web.open(ana, write=False) as ctx:
        found, _ = people.listing(ctx)
        soren = people.show(ctx, next(p.id for p in found if p.name == "Søren Jensen"))
    assert (soren.organization, soren.title) == ("Nordisk Data", "CTO")
    assert soren.tags == []  # 'Stichworte' was left out
    # imported: the held file is gone
    with pytest.raises(ImportFailed, match="no longer held"):
        held_uploads.take(web.rapport.settings.data_dir / "held-uploads", ana.id, token)


def test_a_column_can_go_to_one_of_your_own_fields(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        custom_fields.define(ctx, "Stage", FieldType.TEXT)
        custom_fields.define(ctx, "Sector", FieldType.TEXT, target=Target.ORGANIZATIONS)
    browser = open_page(web, ana)
    shown = send(browser, "crm.csv", CRM)
    assert '<optgroup label="Your own fields">' in shown.text
    assert '<option value="field:Stage" >Stage</option>' in shown.text
    assert "field:Sector" not in shown.text  # an organisation's field is not a person's
    mapped = browser.client.post(
        "/io/import",
        data={
            "csrf_token": browser.csrf,
            "held": held_token(shown.text),
            "mapped": "1",
            "column": ["Kontakt", "E-Mail-Adresse", "Stichworte"],
            "to": ["name", "email", "field:Stage"],
        },
        headers=HTMX,
    )
    assert mapped.status_code == 200, mapped.text
    assert "<strong>2</strong> people added" in mapped.text
    with web.open(ana, write=False) as ctx:
        found, _ = people.listing(ctx)
        soren = next(p.id for p in found if p.name == "Søren Jensen")
        assert custom_fields.values_of(ctx, Target.PEOPLE, [soren])[soren] == {
            "Stage": "lead, nordic"
        }


def test_a_field_of_your_own_not_defined_yet_is_shown_and_refused_clearly(
    web: Web, ana: User
) -> None:
    browser = open_page(web, ana)
    data = b"Kontakt,Runde\nS\xc3\xb8ren Jensen,Seed\n"
    shown = send(browser, "crm.csv", data)
    token = held_token(shown.text)
    mapped = browser.client.post(
        "/io/import",
        data={
            "csrf_token": browser.csrf,
            "held": token,
            "mapped": "1",
            "column": ["Kontakt", "Runde"],
            "to": ["name", "field:Round"],
        },
        headers=HTMX,
    )
    assert mapped.status_code == 404
    assert "Nothing was imported from crm.csv: a column is mapped to field:Round" in mapped.text
    assert "you have no field &#39;Round&#39; for people: add it first" in mapped.text
    assert '<a href="/fields">add the field</a>' in mapped.text
    # the table keeps the choice, named as not defined yet
    assert '<option value="field:Round" selected>Round (not one of your fields yet)' in mapped.text
    assert names(web, ana) == []


def test_a_mapping_that_maps_nothing_is_refused_with_the_table_kept(web: Web, ana: User) -> None:
    browser = open_page(web, ana)
    token = held_token(send(browser, "crm.csv", CRM).text)
    columns = ["Kontakt", "E-Mail-Adresse", "Firma", "Position", "Telefon", "Stichworte"]
    nothing = browser.client.post(
        "/io/import",
        data={
            "csrf_token": browser.csrf,
            "held": token,
            "mapped": "1",
            "column": columns,
            "to": [""] * 6,
        },
        headers=HTMX,
    )
    assert nothing.status_code == 422
    assert "Nothing was imported from crm.csv: every column is left out" in nothing.text
    assert "Which column is which?" in nothing.text and held_token(nothing.text) == token
    no_person = browser.client.post(
        "/io/import",
        data={
            "csrf_token": browser.csrf,
            "held": token,
            "mapped": "1",
            "column": columns,
            "to": ["", "", "organization", "title", "", ""],
        },
        headers=HTMX,
    )
    assert no_person.status_code == 422
    assert "no column is mapped to a name or an email" in no_person.text
    # the choices made are kept on the table
    assert re.search(r'value="organization" selected', no_person.text)
    assert names(web, ana) == []


def test_a_dry_run_shows_what_would_change_and_saves_nothing(web: Web, ana: User) -> None:
    browser = open_page(web, ana)
    with web.open(ana) as ctx:
        make_person(ctx, "Marta Kowalska", emails=["marta@wisla.example"])
    preview = send(browser, "contacts.vcf", VCARD, {"dry_run": "on"})
    assert preview.status_code == 200
    text = preview.text
    assert "Preview of contacts.vcf" in text
    assert "Nothing was saved: this is what importing would do." in text
    assert "<strong>1</strong> people would be added" in text
    assert names(web, ana) == ["Marta Kowalska"]
    # "Import contacts.vcf" imports the held file, with no second pick
    done = browser.client.post(
        "/io/import", data={"csrf_token": browser.csrf, "held": held_token(text)}, headers=HTMX
    )
    assert "Imported contacts.vcf" in done.text
    assert "<strong>1</strong> people added" in done.text
    assert names(web, ana) == ["Hanako Sato", "Marta Kowalska"]


def test_a_dry_run_of_a_mapped_csv_then_the_real_import(web: Web, ana: User) -> None:
    browser = open_page(web, ana)
    token = held_token(send(browser, "crm.csv", CRM).text)
    fields = {
        "csrf_token": browser.csrf,
        "held": token,
        "mapped": "1",
        "column": ["Kontakt", "E-Mail-Adresse"],
        "to": ["name", "email"],
    }
    dry = browser.client.post("/io/import", data={**fields, "dry_run": "on"}, headers=HTMX)
    assert "<strong>2</strong> people would be added" in dry.text
    assert names(web, ana) == []
    # the preview's "Import" carries the mapping
    assert 'name="column" value="Kontakt"><input type="hidden" name="to" value="name">' in dry.text
    real = browser.client.post("/io/import", data=fields, headers=HTMX)
    assert "<strong>2</strong> people added" in real.text
    assert names(web, ana) == ["Søren Jensen", "Łukasz Nowak"]


@pytest.mark.parametrize(
    ("name", "data", "fields", "status", "message"),
    [
        (None, b"", {}, 422, "Nothing was imported: choose a file to import"),
        ("empty.csv", b"", {}, 422, "Nothing was imported from empty.csv: the file is empty"),
        (
            "photo.jpg",
            b"\xff\xd8\xff\x00\x01" * 50,
            {},
            415,
            "Nothing was imported from photo.jpg: binary data: not a format Rapport imports",
        ),
        (
            "notes.txt",
            b"just a few words\n",
            {},
            415,
            "Nothing was imported from notes.txt: cannot tell what kind of file this is",
        ),
        (
            "a.vcf",
            VCARD,
            {"format": "pdf"},
            422,
            "Nothing was imported from a.vcf: unknown format &#39;pdf&#39;: use one of vcard",
        ),
        (
            "x.vcf",
            b"\x00\x00\x00garbage",
            {"format": "vcard"},
            422,
            "Nothing was imported from x.vcf: ",
        ),
        (
            "people.csv",
            b"name,email,company\nAna,ana@x.example,Acme\nBo,bo@x.example,A,B,C\n",
            {
                "strict": "on",
                "mapped": "1",
                "column": ["name", "email", "company"],
                "to": ["name", "email", "organization"],
            },
            422,
            "Nothing was imported from people.csv: line 3: 5 fields where the header has 3 "
            "(stopped at the first bad row: nothing imported)",
        ),
        (
            "people.csv",
            b'name,notes\nAna,"' + b"x" * 140_000 + b'"\n',
            {},
            422,
            "Nothing was imported from people.csv: line 2: a field longer than 131,072 characters",
        ),
    ],
)
def test_every_refusal_is_one_sentence_in_the_result_area(
    web: Web,
    ana: User,
    name: str | None,
    data: bytes,
    fields: dict[str, str],
    status: int,
    message: str,
) -> None:
    browser = open_page(web, ana)
    answer = send(browser, name, data, fields)
    assert answer.status_code == status
    assert 'class="flash flash-error" role="alert"' in answer.text
    assert message in answer.text, answer.text
    assert "<html" not in answer.text  # the fragment, for the result area
    assert names(web, ana) == []
    # without htmx: the whole page, the message in its result area, the choices kept
    page = send(
        browser, name, data, {**fields, "add_people": "no", "me": "me@home.example"}, htmx=False
    )
    assert page.status_code == status
    assert '<div id="import-result">' in page.text and message in page.text
    assert 'value="me@home.example"' in page.text
    assert '<option value="no" selected>' in page.text
    if "strict" in fields:
        assert '<input type="checkbox" name="strict" checked>' in page.text


def test_a_file_too_large_is_refused(web: Web, ana: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 1024 * 1024)
    browser = open_page(web, ana)
    answer = send(browser, "big.vcf", VCARD * (1024 * 1024 // len(VCARD) + 1))
    assert answer.status_code == 422
    assert "Nothing was imported from big.vcf: the file is larger than 1 MB" in answer.text
    assert names(web, ana) == []


def test_your_addresses_and_adding_attendees_reach_the_import(web: Web, ana: User) -> None:
    browser = open_page(web, ana)
    listed = send(browser, "calendar.ics", CALENDAR, {"me": "sam@example.com", "add_people": "no"})
    assert listed.status_code == 200, listed.text
    assert "You are ana@example.com, sam@example.com." in listed.text  # the account's, and me
    assert "4 are not in your network, so not added: Ana Lima &lt;ana@acme.com&gt;" in listed.text
    assert names(web, ana) == []
    # "Add them as people" imports the held file again, adding them this time
    add = re.search(
        r"<form[^>]*>((?:(?!</form>).)*Add them as people.*?)</form>", listed.text, re.S
    )
    assert add and 'name="add_people" value="yes"' in add.group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', add.group(1)))
    added = browser.client.post("/io/import", data=fields, headers=HTMX)
    assert "4 new people from attendees or correspondents" in added.text
    found = names(web, ana)
    assert "Ana Lima" in found and "Sam" not in found  # never the user as a contact
    assert "Add them as people" not in added.text
    # again, with the choice made on the form: they are known now, nothing is added twice
    again = send(browser, "calendar.ics", CALENDAR, {"me": "sam@example.com", "add_people": "yes"})
    assert "<strong>0</strong> interactions added" in again.text
    assert "new people" not in again.text and "not in your network" not in again.text
    assert names(web, ana) == found


def test_is_this_you_asks_and_resubmits_the_held_file(web: Web, ana: User) -> None:
    """The import finds `maybe_you` (the owner-address work fills it in); here the
    question is rendered from a summary built to hold one, and each answer is a form
    that sends the held file back with the address as `me` or `not_me`."""
    summary = ImportSummary("calendar.ics", "ics", "interactions", maybe_you=["sam@example.com"])
    from rapport.web.pages.io import ADD_PEOPLE, FIELD_LABELS, FORMATS, Choices

    html = templates.get_template("partials/import_result.html").render(
        summary=summary,
        choices=Choices(held="t" * 43, name="calendar.ics", me=["me@work.example"]),
        error=None,
        preview=None,
        csrf_token="csrf",
        formats=FORMATS,
        fields=FIELD_LABELS,
        add_people_choices=ADD_PEOPLE,
    )
    assert "sam@example.com</strong> is on most of the meetings in this file. Is this you?" in html
    yes = re.search(
        r'<button type="submit" class="primary" name="me" value="([^"]+)">'
        r"Yes, that's me</button>",
        html,
    )
    no = re.search(
        r'<button type="submit" class="secondary" name="not_me" value="([^"]+)">No<', html
    )
    assert yes and no and yes.group(1) == no.group(1) == "sam@example.com"
    assert 'name="held" value="' + "t" * 43 + '"' in html
    assert '<input type="hidden" name="me" value="me@work.example">' in html
    # the answers reach the import: "yes" (me=…) makes the address the user's own
    browser = open_page(web, ana)
    with web.open(ana, write=False) as ctx:
        assert "sam@example.com" not in imports.own_addresses(ctx)
    first = send(browser, "calendar.ics", CALENDAR, {"dry_run": "on", "me": "x@y.example"})
    token = held_token(first.text)
    answer = browser.client.post(
        "/io/import",
        data={
            "csrf_token": browser.csrf,
            "held": token,
            "me": ["x@y.example", "sam@example.com"],
            "not_me": "carla@initech.example",
        },
        headers=HTMX,
    )
    assert "You are ana@example.com, sam@example.com, x@y.example." in answer.text


def test_a_held_file_is_its_accounts_alone_and_expires(web: Web, ana: User, bruno: User) -> None:
    root = web.rapport.settings.data_dir / "held-uploads"
    browser = open_page(web, ana)
    token = held_token(send(browser, "crm.csv", CRM).text)
    other = open_page(web, bruno)
    stolen = other.client.post(
        "/io/import",
        data={
            "csrf_token": other.csrf,
            "held": token,
            "mapped": "1",
            "column": ["Kontakt"],
            "to": ["name"],
        },
        headers=HTMX,
    )
    assert stolen.status_code == 422
    assert "the file chosen earlier is no longer held" in stolen.text
    assert names(web, bruno) == []
    assert not any(token in p.name for p in root.rglob("*"))  # stored under a hash
    path = next((root / str(ana.id)).iterdir())
    old = time.time() - held_uploads.KEEP_SECONDS - 5
    os.utime(path, (old, old))
    with pytest.raises(ImportFailed, match="no longer held"):
        held_uploads.take(root, ana.id, token)
    assert not path.exists()


def test_an_account_holds_a_few_files_at_most(tmp_path: Path) -> None:
    forgotten = held_uploads.hold(tmp_path, 8, b"left behind", "old.csv")
    old = time.time() - held_uploads.KEEP_SECONDS - 5
    os.utime(next((tmp_path / "8").iterdir()), (old, old))
    tokens = [held_uploads.hold(tmp_path, 7, f"file {n}".encode(), f"{n}.csv") for n in range(5)]
    assert list((tmp_path / "8").iterdir()) == []  # another account's expired file went too
    with pytest.raises(ImportFailed):
        held_uploads.take(tmp_path, 8, forgotten)
    assert len(list((tmp_path / "7").iterdir())) == held_uploads.PER_ACCOUNT
    assert held_uploads.take(tmp_path, 7, tokens[-1]).data == b"file 4"
    assert held_uploads.take(tmp_path, 7, tokens[-1]).name == "4.csv"
    with pytest.raises(ImportFailed):
        held_uploads.take(tmp_path, 7, tokens[0])
    with pytest.raises(ImportFailed):
        held_uploads.take(tmp_path, 7, "../../etc/passwd")
    held_uploads.drop(tmp_path, 7, tokens[-1])
    with pytest.raises(ImportFailed):
        held_uploads.take(tmp_path, 7, tokens[-1])


# --- the API takes the same options ---------------------------------------------------


def test_the_api_maps_columns_and_dry_runs(web: Web, ana: User) -> None:
    upload = {"file": ("crm.csv", CRM, "text/csv")}
    unmapped = ana.client.post("/api/v1/imports", files=upload)
    assert unmapped.status_code == 422
    assert unmapped.json()["error"]["type"] == "import_failed"
    mapping = {"map": ["Kontakt=name", "E-Mail-Adresse=email", "Firma=organization"]}
    dry = ana.client.post("/api/v1/imports", files=upload, data={**mapping, "dry_run": "true"})
    assert dry.status_code == 200, dry.text
    assert (dry.json()["created"], dry.json()["dry_run"], dry.json()["proposed"]) == (2, True, 0)
    assert names(web, ana) == []
    real = ana.client.post("/api/v1/imports", files=upload, data=mapping).json()
    assert (real["created"], real["dry_run"], real["source"]) == (2, False, "crm.csv")
    assert names(web, ana) == ["Søren Jensen", "Łukasz Nowak"]
    wrong = ana.client.post("/api/v1/imports", files=upload, data={"map": "Kontakt"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"].startswith("map")
    no_person = ana.client.post("/api/v1/imports", files=upload, data={"map": "Firma=organization"})
    assert no_person.status_code == 422
    assert "no column is mapped to a name or an email" in no_person.json()["error"]["message"]


def test_the_api_takes_your_addresses_and_the_add_people_choice(web: Web, ana: User) -> None:
    upload = {"file": ("calendar.ics", CALENDAR, "text/calendar")}
    listed = ana.client.post(
        "/api/v1/imports",
        files=upload,
        data={"me": "sam@example.com", "add_people": "false", "not_me": "carla@initech.example"},
    ).json()
    assert "sam@example.com" in listed["own_addresses"]
    assert listed["people_created"] == 0 and listed["offered"]
    added = ana.client.post(
        "/api/v1/imports", files=upload, data={"me": "sam@example.com", "add_people": "true"}
    ).json()
    assert added["people_created"] > 0
    assert "Sam" not in names(web, ana)
    bad = ana.client.post("/api/v1/imports", files=upload, data={"me": "not an address"})
    assert bad.status_code == 422 and bad.json()["error"]["field"].startswith("me")


def test_the_api_refuses_a_bad_row_under_strict_with_its_line(web: Web, ana: User) -> None:
    rows = b"name,email\nAna,ana@x.example\nBo,bo@x.example,extra,more\n"
    refused = ana.client.post(
        "/api/v1/imports", files={"file": ("p.csv", rows)}, data={"strict": "true"}
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["line"] == 3 and "p.csv:3: 4 fields where the header has 2" in error["message"]
    assert names(web, ana) == []
