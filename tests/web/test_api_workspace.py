"""The agenda, search, insights, settings, tokens, the account, imports and exports
through /api/v1."""

from __future__ import annotations

import datetime as dt
import json

from rapport.services import imports
from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web

VCARD = b"""BEGIN:VCARD\r
VERSION:3.0\r
FN:Olivia Brown\r
N:Brown;Olivia;;;\r
ORG:Brown & Co\r
EMAIL:olivia@brown.example\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
FN:\xe7\x8e\x8b\xe8\x8a\xb3\r
EMAIL:wang@makers.example\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
KIND:org\r
FN:Brown & Co\r
END:VCARD\r
"""


def test_agenda_done_snooze_dismiss_and_draft(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        old = ctx.today - dt.timedelta(days=200)
        ids = {}
        for name in ("Fiona Walsh", "Bruno Souza", "Carla Dias", "Diego Ramos"):
            ids[name] = make_person(ctx, name, types=["client"], met_on=old).id
            make_interaction(ctx, [ids[name]], on=old)
    agenda = ana.client.get("/api/v1/agenda").json()
    assert agenda["total"] == 4
    assert {e["person"] for e in agenda["entries"]} == set(ids)
    entry = agenda["entries"][0]
    assert entry["reasons"][0]["kind"] == "keep-in-touch"
    draft = ana.client.get("/api/v1/agenda/draft", params={"ref": f"#{entry['person_id']}"})
    assert draft.status_code == 200, draft.text
    assert draft.json()["body"].startswith("Hi ")
    done = ana.client.post("/api/v1/agenda/done", json={"ref": f"#{ids['Fiona Walsh']}"})
    assert done.status_code == 200, done.text
    assert done.json()["message"].startswith("Fiona Walsh: done")
    snoozed = ana.client.post(
        "/api/v1/agenda/snooze", json={"ref": "Bruno", "until": "2026-12-01"}
    ).json()
    assert snoozed == {"message": f"Bruno Souza: snoozed t{ids['Bruno Souza']} until 1 December"}
    dismissed = ana.client.post("/api/v1/agenda/dismiss", json={"ref": "carla"})
    assert dismissed.status_code == 200, dismissed.text
    left = ana.client.get("/api/v1/agenda").json()
    assert [e["person"] for e in left["entries"]] == ["Diego Ramos"]
    later = ana.client.get("/api/v1/agenda", params={"date": "2026-12-02", "limit": 10}).json()
    assert "Bruno Souza" in {e["person"] for e in later["entries"]}
    gone = ana.client.post("/api/v1/agenda/done", json={"ref": "9"})
    assert gone.status_code == 404
    assert gone.json()["error"]["type"] == "not_found"


def test_ambiguous_reference_lists_candidates(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        old = ctx.today - dt.timedelta(days=200)
        for name in ("Ana Lima", "Ana Souza"):
            make_person(ctx, name, types=["client"], met_on=old)
    response = ana.client.post("/api/v1/agenda/dismiss", json={"ref": "ana"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["type"] == "ambiguous"
    assert len(error["candidates"]) == 2


def test_search_and_insights(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", types=["client"]).id
        make_interaction(ctx, [pid], summary="Pilot scope for robots")
    hits = ana.client.get("/api/v1/search", params={"q": "robots"}).json()
    assert [h["kind"] for h in hits] == ["interaction"]
    assert ana.client.get("/api/v1/search", params={"q": "acme"}).json()[0]["title"] == "Ana Lima"
    insights = ana.client.get("/api/v1/insights").json()
    assert insights["network"]["people"] == 1
    assert insights["network"]["composition_by_type"] == {"client": 1}
    assert len(insights["by_month"]) == 12
    assert insights["by_month"][-1] == {"month": "2026-11", "count": 1}


def test_settings(ana: User) -> None:
    before = ana.client.get("/api/v1/settings").json()
    assert before["cadence"]["client"] == 30
    changed = ana.client.patch(
        "/api/v1/settings",
        json={
            "timezone": "Europe/Lisbon",
            "own_emails": ["ana@example.com", "ana@work.example"],
            "cadence": {"client": 21},
            "templates": {"thanks": "Thanks!\nHi {{ first }}, thank you."},
        },
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["timezone"] == "Europe/Lisbon"
    assert body["cadence"]["client"] == 21
    assert body["edited_templates"] == ["thanks"]
    broken = ana.client.patch("/api/v1/settings", json={"templates": {"thanks": "{% if %}"}})
    assert broken.status_code == 422
    assert broken.json()["error"]["field"] == "templates.thanks"
    zone = ana.client.patch("/api/v1/settings", json={"timezone": "Mars/Olympus"})
    assert zone.json()["error"]["field"] == "timezone"
    reset = ana.client.patch("/api/v1/settings", json={"cadence": {"client": None}}).json()
    assert reset["cadence"]["client"] == 30


def test_tokens_and_me(web: Web, ana: User) -> None:
    me = ana.client.get("/api/v1/me").json()
    assert me["email"] == "ana@example.com"
    made = ana.client.post("/api/v1/tokens", json={"name": "calendar sync"})
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    assert secret.startswith("rpt_")
    listed = ana.client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["tests", "calendar sync"]
    assert all("secret" not in t and "token_hash" not in t for t in listed)
    other = web.client(headers={"Authorization": f"Bearer {secret}"})
    assert other.get("/api/v1/me").status_code == 200
    revoked = ana.client.delete(f"/api/v1/tokens/{made.json()['token']['id']}").json()
    assert revoked["revoked_at"] is not None
    assert other.get("/api/v1/me").status_code == 401


def test_import_a_vcard_and_export_everything(web: Web, ana: User) -> None:
    imported = ana.client.post(
        "/api/v1/imports", files={"file": ("contacts.vcf", VCARD, "text/vcard")}
    )
    assert imported.status_code == 200, imported.text
    summary = imported.json()
    assert (summary["format"], summary["created"], summary["source"]) == (
        "vcard",
        2,
        "contacts.vcf",
    )
    assert summary["organizations_created"] == 1  # Brown & Co's card: Olivia's employer
    again = ana.client.post("/api/v1/imports", files={"file": ("contacts.vcf", VCARD)}).json()
    assert (again["created"], again["organizations_created"]) == (0, 0)
    backup = ana.client.get("/api/v1/exports/backup")
    assert backup.status_code == 200
    assert "attachment" in backup.headers["content-disposition"]
    assert "Olivia Brown" in json.dumps(backup.json(), ensure_ascii=False)
    vcards = ana.client.get("/api/v1/exports/vcard").text
    assert vcards.count("BEGIN:VCARD") == 2
    assert "王芳" in vcards
    assert ana.client.get("/api/v1/exports/csv").status_code == 200
    assert not ana.client.get("/api/v1/exports/csv").content.startswith(b"\xef\xbb\xbf")
    excel = ana.client.get("/api/v1/exports/csv", params={"excel": "true"})
    assert excel.content.startswith(b"\xef\xbb\xbf") and "王芳".encode() in excel.content
    with web.open(ana) as ctx:  # Excel's CSV reads back: the same two people, unchanged
        assert imports.run(ctx, excel.content).unchanged == 2
    wrong = ana.client.get("/api/v1/exports/vcard", params={"excel": "true"})
    assert wrong.status_code == 409 and wrong.json()["error"]["field"] == "excel"
    assert "BEGIN:VCALENDAR" in ana.client.get("/api/v1/exports/ics").text
    assert ana.client.get("/api/v1/exports/pdf").status_code == 422  # not in the enumeration
    garbage = ana.client.post("/api/v1/imports", files={"file": ("x.bin", b"\x00\x01\x02" * 100)})
    assert garbage.status_code == 415  # none of the formats: found by reading the bytes
    assert garbage.json()["error"]["type"] == "unknown_format"
    nothing = ana.client.post("/api/v1/imports", data={"format": "vcard"})
    assert nothing.status_code == 422
    assert nothing.json()["error"]["field"] == "file"  # required by the schema


def test_agenda_refuses_numbers_in_other_digits(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        old = ctx.today - dt.timedelta(days=200)
        for name in ("Fiona Walsh", "Bruno Souza", "Carla Dias"):
            make_person(ctx, name, types=["client"], met_on=old)
    for ref in ("²", "³", "٣", "#²"):
        answers = [
            ana.client.post("/api/v1/agenda/done", json={"ref": ref}),
            ana.client.post("/api/v1/agenda/snooze", json={"ref": ref, "until": "2026-12-01"}),
            ana.client.post("/api/v1/agenda/dismiss", json={"ref": ref}),
            ana.client.get("/api/v1/agenda/draft", params={"ref": ref}),
        ]
        for answer in answers:
            assert answer.status_code == 422, (ref, answer.text)
            assert answer.json()["error"]["type"] == "invalid"
            assert answer.json()["error"]["field"] == "ref"
    assert ana.client.get("/api/v1/agenda").json()["total"] == 3  # nothing was marked
