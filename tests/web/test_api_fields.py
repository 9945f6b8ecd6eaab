"""/api/v1/fields and the `fields` object of people and organisations, on SQLite
and PostgreSQL."""

from __future__ import annotations

from tests.factories import make_person
from tests.web.conftest import User, Web


def test_define_fill_filter_and_delete(web: Web, ana: User) -> None:
    c = ana.client
    choice = {"name": "Stage", "type": "choice", "options": ["Seed", "Series A"]}
    stage = c.post("/api/v1/fields", json=choice)
    assert stage.status_code == 201, stage.text
    assert stage.json() == choice | {"id": stage.json()["id"], "applies_to": "people", "values": 0}
    c.post("/api/v1/fields", json={"name": "Met again", "type": "date"})
    again = c.post("/api/v1/fields", json={"name": "STAGE"})
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "there is already a field named 'STAGE' for people"
    values = {"stage": "seed", "Met again": "2026-03-01"}
    added = c.post("/api/v1/people", json={"full_name": "Ana Lima", "fields": values})
    assert added.status_code == 201, added.text
    pid = added.json()["id"]
    assert added.json()["fields"] == {"Stage": "Seed", "Met again": "2026-03-01"}
    bad = c.patch(f"/api/v1/people/{pid}", json={"fields": {"Stage": "Series B"}})
    assert bad.status_code == 409  # well-formed, refused by the field's type
    assert bad.json()["error"]["field"] == "Stage"
    assert c.get(f"/api/v1/people/{pid}").json()["fields"]["Stage"] == "Seed"  # nothing lost
    listed = c.get("/api/v1/people", params={"field": "Stage:Seed"}).json()
    assert [r["person"]["name"] for r in listed["items"]] == ["Ana Lima"]
    assert c.get("/api/v1/people", params={"field": "Stage:"}).json()["total"] == 0
    cleared = c.patch(f"/api/v1/people/{pid}", json={"fields": {"Met again": None}})
    assert cleared.json()["fields"] == {"Stage": "Seed"}
    fid = stage.json()["id"]
    kept = c.patch(f"/api/v1/fields/{fid}", json={"options": ["Series A"]})
    assert kept.status_code == 409
    renamed = c.patch(f"/api/v1/fields/{fid}", json={"name": "Round"})
    assert renamed.json()["name"] == "Round" and renamed.json()["values"] == 1
    gone = c.delete(f"/api/v1/fields/{fid}")
    assert gone.json()["message"] == "deleted the field Round, with its 1 value"
    assert c.get("/api/v1/fields").json()[0]["name"] == "Met again"


def test_organisation_fields(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        make_person(ctx, "Ana Lima", organization="Acme")
    c = ana.client
    c.post("/api/v1/fields", json={"name": "Tier", "applies_to": "organizations"})
    changed = c.patch("/api/v1/organizations/Acme", json={"fields": {"Tier": "Gold"}})
    assert changed.status_code == 200, changed.text
    assert c.get("/api/v1/organizations/Acme").json()["fields"] == {"Tier": "Gold"}
    listed = c.get("/api/v1/fields", params={"applies_to": "organizations"}).json()
    assert [(f["name"], f["values"]) for f in listed] == [("Tier", 1)]
    assert c.patch("/api/v1/organizations/Acme", json={"fields": {"Stage": "x"}}).status_code == 404
    schema = c.get("/api/v1/openapi.json").json()
    assert "fields" in schema["components"]["schemas"]["PersonIn"]["properties"]
