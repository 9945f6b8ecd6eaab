"""/api/v1/accounts: add (checked first, or not), list with the state in words, get,
change, remove, test, sync in the background; the password never comes back; 401
without a token; one workspace never sees another's accounts. Against a server that
is not there, so every failure path answers in words."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.test_sync_accounts import closed_port
from tests.web.conftest import LOCAL, Browser, User, Web

PASSWORD = "Api-PASSWORD-3318"


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "imap",
        "host": "127.0.0.1",
        "port": closed_port(),
        "security": "none",
        "username": "ana@example.com",
        "password": PASSWORD,
        "name": "work mail",
        "folders": ["Clients"],
        "check": False,
    }
    values.update(changes)
    return values


def settled(api: TestClient, account_id: int) -> dict[str, Any]:
    """The account once its background run has ended."""
    for _ in range(100):
        shown: dict[str, Any] = api.get(f"/api/v1/accounts/{account_id}").json()
        if not shown["running"] and shown["last_run_at"]:
            return shown
        time.sleep(0.05)
    raise AssertionError("the sync did not end")


def test_a_checked_add_that_fails_is_a_502_in_words_and_saves_nothing(ana: User) -> None:
    answer = ana.client.post("/api/v1/accounts", json=body(check=True))
    assert answer.status_code == 502
    error = answer.json()["error"]
    assert "nothing was saved" in error["message"] and PASSWORD not in answer.text
    assert ana.client.get("/api/v1/accounts").json() == []


def test_add_list_get_sync_change_and_remove(web: Web, ana: User) -> None:
    api = ana.client
    made = api.post("/api/v1/accounts", json=body())
    assert made.status_code == 201, made.text
    account = made.json()
    assert PASSWORD not in made.text and "password" not in account
    assert account["has_password"] is True and account["checked"] is None
    assert account["state"]["says"] == "not synced yet; first sync now"
    assert [a["id"] for a in api.get("/api/v1/accounts").json()] == [account["id"]]
    path = f"/api/v1/accounts/{account['id']}"

    started = api.post(path + "/sync")
    assert started.status_code == 202, started.text
    after = settled(api, account["id"])
    assert after["last_error"] and after["attempts"] == 1
    assert after["state"]["says"].startswith("failed once: ")
    assert after["state"]["error"] == after["last_error"]

    tested = api.post(path + "/test")
    assert tested.status_code == 502 and tested.json()["error"]["message"]

    changed = api.patch(path, json={"enabled": False, "interval_minutes": 60, "folders": []})
    assert changed.status_code == 200, changed.text
    assert changed.json()["enabled"] is False and changed.json()["interval_minutes"] == 60
    renewed = api.patch(path, json={"password": "another", "enabled": True})
    assert renewed.status_code == 200 and "another" not in renewed.text
    assert renewed.json()["attempts"] == 0 and renewed.json()["state"]["next_sync"] == "now"

    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.get("/api/v1/accounts").json() == []


def test_a_second_sync_while_one_runs_is_a_409(web: Web, ana: User) -> None:
    account = ana.client.post("/api/v1/accounts", json=body()).json()
    from rapport.services import sync

    assert sync._claim(web.rapport, account["id"], _now(), force=True) is None  # running
    shown = ana.client.get(f"/api/v1/accounts/{account['id']}").json()
    assert shown["running"] is True and shown["state"]["progress"] == "starting"
    again = ana.client.post(f"/api/v1/accounts/{account['id']}/sync")
    assert again.status_code == 409 and "already going" in again.json()["error"]["message"]


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def test_bad_input_is_a_422_naming_the_field(ana: User) -> None:
    api = ana.client
    for changes, field in (
        ({"kind": "pop3"}, "kind"),
        ({"security": "ssl"}, "security"),
        ({"host": "not a host"}, "host"),
        ({"port": 0}, "port"),
        ({"interval_minutes": 0}, "interval_minutes"),
        ({"password": ""}, "password"),
        ({"check": "yes"}, "check"),
        ({"folders": ["x"] * 101}, "folders"),
        ({"secret": "x"}, "secret"),
    ):
        answer = api.post("/api/v1/accounts", json=body(**changes))
        assert answer.status_code == 422, (changes, answer.text)
        assert field in answer.json()["error"]["message"] + str(answer.json()["error"]["field"])
    api.post("/api/v1/accounts", json=body())
    assert api.post("/api/v1/accounts", json=body()).status_code == 409  # the same name
    assert len(api.get("/api/v1/accounts").json()) == 1


def test_no_token_is_401_and_workspaces_stay_apart(web: Web, ana: User, bruno: User) -> None:
    anonymous = TestClient(web.app, client=LOCAL)
    assert anonymous.get("/api/v1/accounts").status_code == 401
    assert anonymous.post("/api/v1/accounts", json=body()).status_code == 401
    mine = ana.client.post("/api/v1/accounts", json=body()).json()
    assert bruno.client.get("/api/v1/accounts").json() == []
    path = f"/api/v1/accounts/{mine['id']}"
    assert bruno.client.get(path).status_code == 404
    assert bruno.client.patch(path, json={"enabled": False}).status_code == 404
    assert bruno.client.post(path + "/sync").status_code == 404
    assert bruno.client.post(path + "/test").status_code == 404
    assert bruno.client.delete(path).status_code == 404
    assert ana.client.get(path).json()["enabled"] is True


def test_the_settings_page_adds_syncs_and_removes(web: Web, ana: User) -> None:
    browser = Browser.signed_in(web.client(), ana.account.email)
    assert "Add an account" in browser.get("/settings").text
    page = browser.get("/settings/accounts")
    assert page.status_code == 200 and "No account yet" in page.text
    form = {
        "kind": "imap", "host": "127.0.0.1", "port": str(closed_port()), "security": "none",
        "username": "ana", "password": PASSWORD, "interval": "15", "folders": "Clients\nLists",
    }  # fmt: skip
    refused = browser.post("/settings/accounts", form)
    assert refused.status_code == 502 and "nothing was saved" in refused.text
    assert PASSWORD not in refused.text and 'value="127.0.0.1"' in refused.text
    bad = browser.post("/settings/accounts", {**form, "port": "x", "no_check": "on"})
    assert bad.status_code == 422 and "is not a whole number" in bad.text
    added = browser.post("/settings/accounts", {**form, "no_check": "on"})
    assert added.status_code == 200 and "without signing in first" in added.text
    assert PASSWORD not in added.text and "Clients, Lists" in added.text
    account_id = ana.client.get("/api/v1/accounts").json()[0]["id"]
    synced = browser.post(f"/settings/accounts/{account_id}/sync")
    assert "Sync of “imap ana” failed: " in synced.text and "Last error" in synced.text
    listed = browser.get("/settings/accounts/list")
    assert 'id="accounts-list"' in listed.text and "hx-get" not in listed.text  # not running
    asked = browser.post(f"/settings/accounts/{account_id}/remove")
    assert 'id="confirm-remove"' in asked.text
    assert ana.client.get("/api/v1/accounts").json() != []
    gone = browser.post(f"/settings/accounts/{account_id}/remove", {"confirmed": "yes"})
    assert "removed" in gone.text and ana.client.get("/api/v1/accounts").json() == []
