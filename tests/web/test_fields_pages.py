"""Your fields on the web, on SQLite and PostgreSQL: defined from Settings › Your
fields, an input of the right kind per field on the person form, shown on the
person's and the organisation's pages, a refused value kept in the form with its
error, and the People page's filter."""

from __future__ import annotations

from rapport.services import organizations
from tests.factories import make_person
from tests.web.conftest import User, Web


def test_define_fill_and_see(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme").id
        acme = organizations.find(ctx, "Acme").id
    browser = web.browser(ana)
    assert 'href="/fields"' in browser.get("/settings").text
    choice = {"name": "Stage", "type": "choice", "options": "Seed, Series A"}
    added = browser.post("/fields", choice | {"applies_to": "people"})
    assert "Added the field Stage for people." in added.text
    browser.post("/fields", {"name": "Fund size", "type": "number", "applies_to": "people"})
    browser.post("/fields", {"name": "Deck", "type": "url", "applies_to": "people"})
    browser.post("/fields", {"name": "Tier", "type": "text", "applies_to": "organizations"})
    again = browser.post("/fields", {"name": "stage", "type": "text", "applies_to": "people"})
    assert "The field was not added: there is already a field named &#39;stage&#39;" in again.text
    ids = {f["name"]: f["id"] for f in ana.client.get("/api/v1/fields").json()}
    form = browser.get(f"/people/{pid}/edit").text
    assert f'<select name="field.{ids["Stage"]}"' in form
    assert f'name="field.{ids["Deck"]}" type="url"' in form
    assert 'inputmode="decimal"' in form
    assert "Tier" not in form  # an organisation's field
    fields = {"full_name": "Ana Lima", "organization": "Acme",
              f"field.{ids['Stage']}": "Seed", f"field.{ids['Fund size']}": "lots",
              f"field.{ids['Deck']}": "https://example.com/deck"}  # fmt: skip
    refused = browser.post(f"/people/{pid}/edit", fields)
    assert refused.status_code == 422
    assert f'id="field.{ids["Fund size"]}-error"' in refused.text
    assert "&#39;lots&#39; is not a number" in refused.text
    assert 'value="https://example.com/deck"' in refused.text  # what was typed is kept
    saved = browser.post(f"/people/{pid}/edit", fields | {f"field.{ids['Fund size']}": "2.5"})
    assert saved.status_code == 200 and "Saved Ana Lima." in saved.text
    assert "<dt>Stage</dt><dd>Seed</dd>" in saved.text
    assert "<dt>Fund size</dt><dd>2.5</dd>" in saved.text
    listed = browser.get("/people", params={"field": "Stage=Seed"}).text
    assert f'href="/people/{pid}"' in listed
    assert f'href="/people/{pid}"' not in browser.get("/people", params={"field": "Stage="}).text
    typo = browser.get("/people", params={"field": "Colour=red"})
    assert typo.status_code == 200 and "Not filtered by &#39;Colour=red&#39;: no field" in typo.text
    org = browser.post(f"/organizations/{acme}/fields", {f"field.{ids['Tier']}": "Gold"})
    assert "<dt>Tier</dt><dd>Gold</dd>" in org.text
    asked = browser.get("/fields", params={"deleting": ids["Stage"]}).text
    assert "Delete Stage and its 1 value?" in asked
    gone = browser.post(f"/fields/{ids['Stage']}/delete")
    assert "Deleted the field Stage, with its 1 value." in gone.text
    assert browser.post("/fields/999999/delete").status_code == 404
