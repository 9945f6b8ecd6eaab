"""Roles with dates through the API, the person page and the CLI."""

from __future__ import annotations

from pathlib import Path

from rapport.services import people
from tests.cli_runner import Cli
from tests.conftest import TODAY
from tests.factories import make_person
from tests.web.conftest import User, Web


def test_roles_through_the_api(web: Web, ana: User, bruno: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", title="Engineer").id
    api = ana.client
    past = api.post(
        f"/api/v1/people/{pid}/roles",
        json={
            "title": "Intern",
            "organization": "Globex",
            "started_on": "2014",
            "ended_on": "2015-06",
        },
    )
    assert past.status_code == 201, past.text
    assert past.json()["ended_on"] == "2015-06-01"
    now = api.post(f"/api/v1/people/{pid}/roles", json={"title": "CTO", "started_on": "2024-02"})
    assert now.status_code == 201 and now.json()["organization"] == "Acme"
    assert api.get(f"/api/v1/people/{pid}").json()["title"] == "CTO"
    bad = api.post(f"/api/v1/people/{pid}/roles", json={"title": "x", "started_on": "soon"})
    assert bad.status_code == 422
    later = api.patch(f"/api/v1/roles/{past.json()['id']}", json={"ended_on": "2013"})
    assert later.status_code == 409 and later.json()["error"]["field"] == "to"
    assert api.delete(f"/api/v1/roles/{now.json()['id']}").status_code == 409  # the current one
    assert bruno.client.delete(f"/api/v1/roles/{past.json()['id']}").status_code == 404
    assert api.delete(f"/api/v1/roles/{past.json()['id']}").status_code == 200


def test_the_person_page_adds_and_removes_roles(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", title="CTO").id
    browser = web.browser(ana)
    page = browser.get(f"/people/{pid}")
    assert f'action="/people/{pid}/roles"' in page.text
    added = browser.post(
        f"/people/{pid}/roles",
        {"title": "Engineer", "organization": "Globex", "started": "2015", "ended": "2019-02"},
    )
    assert "Added the past role Engineer at Globex." in added.text
    assert "Undo" in added.text
    refused = browser.post(f"/people/{pid}/roles", {"title": "Advisor", "started": "2031"})
    assert "The role was not added: from: 2031-01-01 is after today" in refused.text
    with web.open(ana, write=False) as ctx:
        past = next(r for r in people.show(ctx, pid).roles if r.ended_on)
    removed = browser.post(f"/roles/{past.id}/delete", {})
    assert "Removed the role Engineer at Globex from their history." in removed.text
    with web.open(ana, write=False) as ctx:
        assert [r.title for r in people.show(ctx, pid).roles] == ["CTO"]


def test_roles_from_the_command_line(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("person", "add", "Ana Lima", "--org", "Acme", "--title", "Engineer")
    said = cli("person", "role", "add", "ana", "CTO", "--org", "Acme", "--from", "2021-03").stdout
    assert said.startswith("added role #") and "CTO at Acme from 2021-03-01 (now)" in said
    cli(
        "person",
        "role",
        "add",
        "ana",
        "Intern",
        "--org",
        "Globex",
        "--from",
        "2014",
        "--to",
        "2015",
    )
    listed = cli("person", "role", "list", "ana", "--json").json()
    assert [(r["title"], r["organization"]) for r in listed] == [
        ("Intern", "Globex"), ("Engineer", "Acme"), ("CTO", "Acme"),
    ]  # fmt: skip
    current = listed[-1]["id"]
    refused = cli("person", "role", "delete", str(current), ok=False)
    assert refused.exit_code != 0 and "this is their current role" in refused.stderr
    cli("person", "role", "edit", str(current), "--from", "2021-04")
    again = cli("person", "role", "list", "ana", "--json").json()
    assert again[-1]["started_on"] == "2021-04-01"
