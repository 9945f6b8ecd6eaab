"""The CardDAV server spoken to over HTTP, on both backends: discovery, ETags and
preconditions, vCard 3.0/4.0 negotiation, sync-collection, multiget, cards put and
deleted from a phone, unknown properties kept, the limits, and a recorded session of
the requests iOS Contacts and DAVx5 send."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rapport.services import journal, people
from tests.web.conftest import User, Web

DAV = "{DAV:}"
CARD = "{urn:ietf:params:xml:ns:carddav}"
BOOK = "/dav/addressbooks/contacts/"

PHOTO_30 = "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////"
ANNA = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-anna-1\r\nFN:Anna Berg\r\nN:Berg;Anna;;;\r\n"
    "ORG:Acme\r\nTITLE:Engineer\r\nEMAIL;TYPE=INTERNET:anna@example.org\r\n"
    "TEL;TYPE=CELL:+46 70 123 45 67\r\n"
    f"{PHOTO_30}\r\nitem1.X-ABLabel:_$!<Friend>!$_\r\nX-PHONE-ONLY:kept as is\r\n"
    "END:VCARD\r\n"
)


@dataclass
class Phone:
    """A DAV client: Basic credentials (email, API token) on every request."""

    client: TestClient
    auth: str

    def __call__(self, method: str, path: str, body: str | bytes = b"", **headers: str) -> Any:
        sent = {"Authorization": self.auth, **{k.replace("_", "-"): v for k, v in headers.items()}}
        data = body.encode() if isinstance(body, str) else body
        return self.client.request(method, path, content=data, headers=sent)

    def propfind(self, path: str, props: str, depth: str = "0") -> ET.Element:
        body = f'<d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/"><d:prop>{props}</d:prop></d:propfind>'
        response = self("PROPFIND", path, body, Depth=depth)
        assert response.status_code == 207, response.text
        return ET.fromstring(response.content)

    def sync(self, token: str = "", data: bool = False) -> tuple[dict[str, str | None], str]:
        """{href: etag or None (deleted)}, new token."""
        extra = "<card:address-data/>" if data else ""
        body = (
            '<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">'
            f"<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>"
            f"<d:prop><d:getetag/>{extra}</d:prop></d:sync-collection>"
        )
        response = self("REPORT", BOOK, body, Depth="1")
        assert response.status_code == 207, response.text
        root = ET.fromstring(response.content)
        found: dict[str, str | None] = {}
        for r in root.iter(f"{DAV}response"):
            href = r.findtext(f"{DAV}href") or ""
            found[href] = r.findtext(f".//{DAV}getetag")
        return found, root.findtext(f"{DAV}sync-token") or ""


def basic(email: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{secret}".encode()).decode()


@pytest.fixture
def ana(web: Web) -> User:
    return web.user("ana@example.org")


@pytest.fixture
def phone(web: Web, ana: User) -> Phone:
    return Phone(web.client(), basic(ana.account.email, ana.token))


def person_named(web: Web, ana: User, name: str, *, archived: bool = False) -> list[int]:
    with web.open(ana, write=False) as ctx:
        found, _ = people.listing(ctx, archived=archived, limit=1000)
    return [p.id for p in found if p.name == name]


def add_person(web: Web, ana: User, **changes: Any) -> int:
    with web.open(ana) as ctx:
        return people.add(ctx, changes).id


def etags(root: ET.Element) -> dict[str, str]:
    return {
        r.findtext(f"{DAV}href") or "": r.findtext(f".//{DAV}getetag") or ""
        for r in root.iter(f"{DAV}response")
        if r.findtext(f".//{DAV}getetag")
    }


# --- discovery and authentication ------------------------------------------------------------


def test_well_known_points_at_the_root(web: Web) -> None:
    response = web.client().request("PROPFIND", "/.well-known/carddav", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/dav/"


def test_without_credentials_the_answer_is_401_with_basic(web: Web, ana: User) -> None:
    client = web.client()
    response = client.request("PROPFIND", "/dav/", headers={"Depth": "0"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic realm=")
    wrong_email = Phone(client, basic("eve@example.org", ana.token))
    assert wrong_email("PROPFIND", "/dav/", Depth="0").status_code == 401
    wrong_token = Phone(client, basic(ana.account.email, "rpt_nope"))
    assert wrong_token("PROPFIND", "/dav/", Depth="0").status_code == 401


def test_options_says_dav_and_addressbook(phone: Phone) -> None:
    response = phone("OPTIONS", BOOK)
    assert response.status_code == 200
    assert "addressbook" in response.headers["dav"]
    assert "REPORT" in response.headers["allow"]


def test_discovery_from_principal_to_the_book(phone: Phone) -> None:
    root = phone.propfind("/dav/", "<d:current-user-principal/>")
    principal = root.findtext(f".//{DAV}current-user-principal/{DAV}href")
    assert principal == "/dav/principal/"
    found = phone.propfind(principal, "<card:addressbook-home-set/><d:displayname/>")
    home = found.findtext(f".//{CARD}addressbook-home-set/{DAV}href")
    assert home == "/dav/addressbooks/"
    listing = phone.propfind(
        home, "<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/>"
        "<d:supported-report-set/>", depth="1",
    )  # fmt: skip
    books = [
        r.findtext(f"{DAV}href")
        for r in listing.iter(f"{DAV}response")
        if r.find(f".//{DAV}resourcetype/{CARD}addressbook") is not None
    ]
    assert books == [BOOK]
    text = ET.tostring(listing).decode()
    assert "sync-collection" in text and "addressbook-multiget" in text
    assert "urn:rapport:carddav:sync:" in text


def test_a_csrf_free_write_is_still_refused_by_post(web: Web, phone: Phone) -> None:
    """Only WebDAV's methods pass the CSRF check under /dav/: a form's POST does not."""
    response = phone("POST", BOOK + "x.vcf", ANNA, Content_Type="text/vcard")
    assert response.status_code in (403, 405)


# --- reading Rapport's people --------------------------------------------------------------


def test_a_person_added_in_rapport_is_a_card_with_the_export_uid(
    web: Web, ana: User, phone: Phone
) -> None:
    pid = add_person(
        web, ana, full_name="Bo Lind", emails=["bo@example.org"], organization="Umeå Uni"
    )
    listing = etags(phone.propfind(BOOK, "<d:getetag/>", depth="1"))
    href = f"{BOOK}rapport-{pid}.vcf"
    assert list(listing) == [href]
    v3 = phone("GET", href)
    assert v3.status_code == 200
    assert "VERSION:3.0" in v3.text and f"UID:urn:rapport:person:{pid}" in v3.text
    assert v3.headers["etag"] == listing[href]
    v4 = phone("GET", href, Accept="text/vcard; version=4.0")
    assert "VERSION:4.0" in v4.text and "ORG:Umeå Uni" in v4.text
    exported = ana.client.get("/api/v1/exports/vcard")
    if exported.status_code == 200:
        assert f"UID:urn:rapport:person:{pid}" in exported.text


def test_an_edit_in_rapport_changes_the_etag_and_shows_in_sync(
    web: Web, ana: User, phone: Phone
) -> None:
    bo = add_person(web, ana, full_name="Bo Lind")
    add_person(web, ana, full_name="Cy Dahl")
    first, token = phone.sync()
    assert len(first) == 2
    again, same = phone.sync(token)
    assert again == {} and same == token
    with web.open(ana) as ctx:
        people.edit(ctx, bo, {"title": "Professor", "organization": "KTH"})
    changed, newer = phone.sync(token)
    href = f"{BOOK}rapport-{bo}.vcf"
    assert list(changed) == [href]
    assert changed[href] != first[href]
    assert "TITLE:Professor" in phone("GET", href).text
    assert phone.sync(newer)[0] == {}


def test_an_unknown_sync_token_is_403_valid_sync_token(phone: Phone) -> None:
    for token in ("urn:rapport:carddav:sync:999999", "http://elsewhere/sync/1", "garbage"):
        body = (
            '<d:sync-collection xmlns:d="DAV:"><d:sync-token>' + token + "</d:sync-token>"
            "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
        )
        response = phone("REPORT", BOOK, body)
        assert response.status_code == 403, token
        assert "valid-sync-token" in response.text


def test_multiget_answers_each_href(web: Web, ana: User, phone: Phone) -> None:
    pid = add_person(web, ana, full_name="Dag Ek", emails=["dag@example.org"])
    body = (
        '<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">'
        '<d:prop><d:getetag/><card:address-data content-type="text/vcard" version="4.0"/>'
        f"</d:prop><d:href>{BOOK}rapport-{pid}.vcf</d:href><d:href>{BOOK}nobody.vcf</d:href>"
        "</card:addressbook-multiget>"
    )
    response = phone("REPORT", BOOK, body, Depth="1")
    assert response.status_code == 207
    root = ET.fromstring(response.content)
    answers = {r.findtext(f"{DAV}href"): r for r in root.iter(f"{DAV}response")}
    data = answers[f"{BOOK}rapport-{pid}.vcf"].findtext(f".//{CARD}address-data") or ""
    assert "VERSION:4.0" in data and "EMAIL;PREF=1:dag@example.org" in data
    assert "404" in (answers[f"{BOOK}nobody.vcf"].findtext(f"{DAV}status") or "")


# --- writing from the phone ------------------------------------------------------------------


def test_a_card_put_on_the_phone_becomes_a_person_and_keeps_its_extras(
    web: Web, ana: User, phone: Phone
) -> None:
    href = BOOK + "phone-anna-1.vcf"
    response = phone("PUT", href, ANNA, Content_Type="text/vcard", If_None_Match="*")
    assert response.status_code == 201, response.text
    [pid] = person_named(web, ana, "Anna Berg")
    with web.open(ana, write=False) as ctx:
        shown = people.show(ctx, pid)
    assert shown.organization == "Acme" and shown.emails == ["anna@example.org"]
    served = phone("GET", href).text
    assert "UID:phone-anna-1" in served
    assert PHOTO_30 in served.replace("\r\n ", "")
    assert "item1.X-ABLabel:_$!<Friend>!$_" in served and "X-PHONE-ONLY:kept as is" in served
    v4 = phone("GET", href, Accept="text/vcard;version=4.0").text.replace("\r\n ", "")
    assert "PHOTO:data:image/jpeg;base64,/9j/4AAQ" in v4
    # the same card again, as if new: it exists
    again = phone("PUT", href, ANNA, Content_Type="text/vcard", If_None_Match="*")
    assert again.status_code == 412
    # a second copy of it under another name: the UID is taken
    copy = phone("PUT", BOOK + "copy.vcf", ANNA, Content_Type="text/vcard")
    assert copy.status_code == 409 and "no-uid-conflict" in copy.text
    assert len(person_named(web, ana, "Anna Berg")) == 1


def test_an_edit_on_the_phone_follows_the_change_rule(web: Web, ana: User, phone: Phone) -> None:
    href = BOOK + "phone-anna-1.vcf"
    phone("PUT", href, ANNA, Content_Type="text/vcard", If_None_Match="*")
    etag = phone("GET", href).headers["etag"]
    moved = ANNA.replace("ORG:Acme", "ORG:Globex").replace("TITLE:Engineer", "TITLE:CTO")
    stale = phone("PUT", href, moved, Content_Type="text/vcard", If_Match='"stale"')
    assert stale.status_code == 412
    response = phone("PUT", href, moved, Content_Type="text/vcard", If_Match=etag)
    assert response.status_code == 204, response.text
    [pid] = person_named(web, ana, "Anna Berg")
    with web.open(ana, write=False) as ctx:
        shown = people.show(ctx, pid)
    assert (shown.organization, shown.title) == ("Globex", "CTO")
    history = [(r.organization, r.title, r.ended_on is not None) for r in shown.roles]
    assert ("Acme", "Engineer", True) in history and ("Globex", "CTO", False) in history
    assert phone("GET", href).headers["etag"] != etag
    # the old ETag no longer matches
    late = phone("PUT", href, ANNA, Content_Type="text/vcard", If_Match=etag)
    assert late.status_code == 412


def test_a_card_deleted_on_the_phone_archives_and_undo_brings_it_back(
    web: Web, ana: User, phone: Phone
) -> None:
    href = BOOK + "phone-anna-1.vcf"
    phone("PUT", href, ANNA, Content_Type="text/vcard", If_None_Match="*")
    _, token = phone.sync()
    etag = phone("GET", href).headers["etag"]
    assert phone("DELETE", href, If_Match='"stale"').status_code == 412
    assert phone("DELETE", href, If_Match=etag).status_code == 204
    assert person_named(web, ana, "Anna Berg") == []
    assert len(person_named(web, ana, "Anna Berg", archived=True)) == 1
    changed, token = phone.sync(token)
    assert changed == {href: None}
    assert phone("GET", href).status_code == 404
    with web.open(ana) as ctx:
        journal.undo(ctx)
    changed, _ = phone.sync(token)
    assert list(changed) == [href] and changed[href]
    served = phone("GET", href).text
    assert "UID:phone-anna-1" in served and "X-PHONE-ONLY:kept as is" in served


def test_an_unreadable_card_is_refused_as_invalid_address_data(phone: Phone) -> None:
    response = phone("PUT", BOOK + "bad.vcf", "hello", Content_Type="text/vcard")
    assert response.status_code == 403 and "valid-address-data" in response.text
    response = phone("PUT", BOOK + "bad.vcf", ANNA, Content_Type="application/json")
    assert response.status_code == 415


def test_bodies_too_large_or_with_entities_are_refused(phone: Phone) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&lol2;</d:displayname></d:prop>'
        "</d:propfind>"
    )
    assert phone("PROPFIND", BOOK, bomb, Depth="0").status_code == 400
    huge = b"<d:propfind xmlns:d='DAV:'>" + b" " * (2 * 1024 * 1024) + b"</d:propfind>"
    assert phone("PROPFIND", BOOK, huge, Depth="0").status_code == 413
    card = ANNA.replace("X-PHONE-ONLY:kept as is", "NOTE:" + "x" * (11 * 1024 * 1024))
    assert phone("PUT", BOOK + "big.vcf", card, Content_Type="text/vcard").status_code == 413


def test_each_account_sees_its_own_workspace(web: Web, ana: User, phone: Phone) -> None:
    add_person(web, ana, full_name="Only Ana's")
    ben = web.user("ben@example.org")
    other = Phone(web.client(), basic(ben.account.email, ben.token))
    assert ben.account.workspace_id != ana.account.workspace_id
    assert etags(other.propfind(BOOK, "<d:getetag/>", depth="1")) == {}
    assert len(etags(phone.propfind(BOOK, "<d:getetag/>", depth="1"))) == 1


# --- a recorded session ---------------------------------------------------------------------

# What iOS Contacts (vCard 3.0, sync-collection) and DAVx5 (multiget in batches) send,
# as captured from their first and second syncs, with this server's paths. Each step:
# method, path, headers, body, expected status. {token} and {etag} are filled from the
# answers before.
RECORDED: list[tuple[str, str, dict[str, str], str, int]] = [
    ("PROPFIND", "/.well-known/carddav", {"Depth": "0"},
     '<?xml version="1.0" encoding="UTF-8"?>\n<A:propfind xmlns:A="DAV:"><A:prop>'
     "<A:current-user-principal/><A:principal-URL/><A:resourcetype/></A:prop></A:propfind>",
     301),
    ("PROPFIND", "/dav/", {"Depth": "0"},
     '<?xml version="1.0" encoding="UTF-8"?>\n<A:propfind xmlns:A="DAV:"><A:prop>'
     "<A:current-user-principal/><A:principal-URL/><A:resourcetype/></A:prop></A:propfind>",
     207),
    ("PROPFIND", "/dav/principal/", {"Depth": "0"},
     '<?xml version="1.0" encoding="UTF-8"?>\n<A:propfind xmlns:A="DAV:" '
     'xmlns:B="urn:ietf:params:xml:ns:carddav"><A:prop><B:addressbook-home-set/>'
     "<A:displayname/><A:principal-URL/><A:resource-id/></A:prop></A:propfind>",
     207),
    ("PROPFIND", "/dav/addressbooks/", {"Depth": "1"},
     '<?xml version="1.0" encoding="UTF-8"?>\n<A:propfind xmlns:A="DAV:" '
     'xmlns:B="urn:ietf:params:xml:ns:carddav" xmlns:C="http://calendarserver.org/ns/">'
     "<A:prop><A:current-user-privilege-set/><A:displayname/><A:resourcetype/>"
     "<A:sync-token/><C:getctag/><B:max-resource-size/><A:supported-report-set/>"
     "<A:quota-available-bytes/></A:prop></A:propfind>",
     207),
    # iOS: the first sync-collection, no token
    ("REPORT", BOOK, {"Depth": "1"},
     '<?xml version="1.0" encoding="UTF-8"?>\n<A:sync-collection xmlns:A="DAV:">'
     "<A:sync-token/><A:sync-level>1</A:sync-level><A:prop><A:getetag/>"
     "<A:getcontenttype/></A:prop></A:sync-collection>",
     207),
    # iOS: the cards it has not got, vCard 3.0
    ("REPORT", BOOK, {"Depth": "1"},
     '<?xml version="1.0" encoding="UTF-8"?>\n<B:addressbook-multiget xmlns:A="DAV:" '
     'xmlns:B="urn:ietf:params:xml:ns:carddav"><A:prop><A:getetag/><B:address-data/>'
     "</A:prop><A:href>{href}</A:href></B:addressbook-multiget>",
     207),
    # iOS: a contact made on the phone
    ("PUT", BOOK + "8A1F0C2E-4B7D-4E55-9B1A-2F3C4D5E6F70.vcf",
     {"If-None-Match": "*", "Content-Type": "text/vcard"},
     "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 18.1//EN\r\n"
     "N:Okafor;Chidi;;;\r\nFN:Chidi Okafor\r\nitem1.EMAIL;type=INTERNET;type=pref:"
     "chidi@example.org\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
     "UID:8A1F0C2E-4B7D-4E55-9B1A-2F3C4D5E6F70\r\nEND:VCARD\r\n",
     201),
    # iOS: the second sync, with the token of the first
    ("REPORT", BOOK, {"Depth": "1"},
     '<?xml version="1.0" encoding="UTF-8"?>\n<A:sync-collection xmlns:A="DAV:">'
     "<A:sync-token>{token}</A:sync-token><A:sync-level>1</A:sync-level><A:prop>"
     "<A:getetag/><A:getcontenttype/></A:prop></A:sync-collection>",
     207),
    # DAVx5: the book's state, then the list of ETags, then a multiget in 4.0
    ("PROPFIND", BOOK, {"Depth": "0"},
     '<?xml version="1.0" encoding="UTF-8" ?><propfind xmlns="DAV:" '
     'xmlns:CARD="urn:ietf:params:xml:ns:carddav" xmlns:CS="http://calendarserver.org/ns/">'
     "<prop><CARD:supported-address-data/><supported-report-set/><CS:getctag/><sync-token/>"
     "</prop></propfind>",
     207),
    ("PROPFIND", BOOK, {"Depth": "1"},
     '<?xml version="1.0" encoding="UTF-8" ?><propfind xmlns="DAV:"><prop><resourcetype/>'
     "<getetag/></prop></propfind>",
     207),
    ("REPORT", BOOK, {"Depth": "0"},
     '<?xml version="1.0" encoding="UTF-8" ?><CARD:addressbook-multiget xmlns="DAV:" '
     'xmlns:CARD="urn:ietf:params:xml:ns:carddav"><prop><getcontenttype/><getetag/>'
     '<CARD:address-data><CARD:address-data-type content-type="text/vcard" version="4.0"/>'
     "</CARD:address-data></prop><href>{href}</href></CARD:addressbook-multiget>",
     207),
    # DAVx5: an edit with a stale ETag (someone edited meanwhile): refused
    ("PUT", BOOK + "8A1F0C2E-4B7D-4E55-9B1A-2F3C4D5E6F70.vcf",
     {"If-Match": '"0000"', "Content-Type": "text/vcard; charset=utf-8"},
     "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:8A1F0C2E-4B7D-4E55-9B1A-2F3C4D5E6F70\r\n"
     "FN:Chidi Okafor\r\nEND:VCARD\r\n",
     412),
]  # fmt: skip


def test_a_recorded_ios_and_davx5_session_replays(web: Web, ana: User, phone: Phone) -> None:
    pid = add_person(web, ana, full_name="Eli Moss", emails=["eli@example.org"])
    href = f"{BOOK}rapport-{pid}.vcf"
    token = ""
    for method, path, headers, body, status in RECORDED:
        sent = body.replace("{token}", token).replace("{href}", href)
        response = phone.client.request(
            method, path, content=sent.encode(), headers={"Authorization": phone.auth, **headers},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == status, (method, path, response.text)
        found = re.search(r"<d:sync-token>([^<]+)</d:sync-token>", response.text)
        if method == "REPORT" and found:
            token = found.group(1)
        if "address-data" in body and method == "REPORT":
            assert "FN:Eli Moss" in response.text
            version = "4.0" if 'version="4.0"' in body else "3.0"
            assert f"VERSION:{version}" in response.text
        if method == "REPORT" and "{token}" in body:
            # the second sync names exactly the card the phone made
            assert "8A1F0C2E-4B7D-4E55-9B1A-2F3C4D5E6F70.vcf" in response.text
            assert href not in response.text
    assert len(person_named(web, ana, "Chidi Okafor")) == 1


# --- where a user finds it -------------------------------------------------------------------


def test_settings_say_how_to_add_the_phone(web: Web, ana: User) -> None:
    page = web.browser(ana).get("/settings")
    assert page.status_code == 200
    assert "Contacts on your phone" in page.text
    assert "http://testserver/dav/" in page.text and ana.account.email in page.text
    assert "DAVx5" in page.text and "Add CardDAV Account" in page.text


def test_rapport_carddav_prints_the_address_and_the_steps(
    web: Web, database_url: str, tmp_path: Any
) -> None:
    from tests.cli_runner import Cli
    from tests.conftest import TODAY

    sam = web.user("sam@example.org")
    add_person(web, sam, full_name="Ready Made")
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    shown = cli("carddav", "--url", "http://192.168.1.20:8765", "--json").json()
    assert shown["cards"] == 1  # the book is made now, not at the phone's first request
    assert shown["url"] == "http://192.168.1.20:8765/dav/"
    assert shown["username"] == "sam@example.org"
    assert any("DAVx5" in client for client in shown["steps"])
    text = cli("carddav", "--url", "http://192.168.1.20:8765").stdout
    assert "Address book: http://192.168.1.20:8765/dav/" in text
