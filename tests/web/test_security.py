"""Accounts and security: every route authenticated unless public, workspaces kept
apart, tokens checked, CSRF on every form, login rate-limited, headers set."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rapport.domain.custom_fields import FieldType
from rapport.services import accounts, custom_fields, imports, organizations, review
from tests.factories import make_interaction, make_person
from tests.web.conftest import LOCAL, PASSWORD, Browser, User, Web, all_routes

PUBLIC = {
    "/login", "/logout", "/setup", "/healthz", "/feed/{secret}.ics",
    "/login/two-step",  # the second step: answers only a pending sign-in (test_two_factor)
    "/.well-known/carddav",  # a redirect to /dav/ (RFC 6764), which authenticates
    "/manifest.webmanifest", "/sw.js", "/offline",  # the installed app's shell
}  # fmt: skip
DAV = ("/dav",)  # the CardDAV server: Basic credentials on every request, never a cookie
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def routes(web: Web) -> list[tuple[str, str]]:
    """(method, path) of every route the app answers, static files aside."""
    return list(all_routes(web.app.routes))


def fill(path: str, ids: dict[str, Any] | None = None) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str((ids or {}).get(m.group(1), 1)), path)


def test_every_private_route_needs_a_user(web: Web) -> None:
    anonymous = web.client(follow_redirects=False)
    checked = 0
    for method, path in routes(web):
        if path in PUBLIC:
            continue
        response = anonymous.request(method, fill(path))
        if path.startswith(DAV):
            if method != "OPTIONS":
                assert response.status_code == 401, (method, path)
                assert response.headers["www-authenticate"].startswith("Basic ")
        elif path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.text)
            assert response.json()["error"]["type"] == "not_authenticated"
            assert response.headers["www-authenticate"] == "Bearer"
        elif method in UNSAFE:
            assert response.status_code == 403, (method, path)  # no CSRF token either
        else:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/login?next=")
        checked += 1
    assert checked > 60


def test_missing_or_wrong_token_is_401(web: Web, ana: User) -> None:
    for method, path in routes(web):
        if not path.startswith("/api/"):
            continue
        for headers in (
            {"Authorization": "Bearer rpt_wrong"},
            {"Authorization": "Basic YW5hOnB3"},
            {"Authorization": "Bearer "},
            {},
        ):
            response = web.client().request(method, fill(path), headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert set(response.json()["error"]) == {"type", "message", "field"}
    revoked = ana.client.post("/api/v1/tokens", json={"name": "short-lived"}).json()
    ana.client.delete(f"/api/v1/tokens/{revoked['token']['id']}")
    client = web.client(headers={"Authorization": f"Bearer {revoked['secret']}"})
    assert client.get("/api/v1/people").status_code == 401


@pytest.fixture
def anas_things(web: Web, ana: User) -> dict[str, Any]:
    """One of everything in Ana's workspace, by the path parameter that names it."""
    with web.open(ana) as ctx:
        carla = make_person(ctx, "Carla Dias", types=["client"], tags=["vip"], organization="Acme")
        pid, role_id = carla.id, carla.roles[-1].id
        iid = make_interaction(ctx, [pid]).id
        other = make_person(ctx, "Carla D.").id  # a record to merge into Carla
        acme = organizations.find(ctx, "Acme").id
        stage = custom_fields.define(ctx, "Stage", FieldType.TEXT).id
    with web.open(ana) as ctx:  # a record matched by name alone: kept for review
        imports.run(ctx, b"Name,Organization\nCarla Dias,Initech\n")
        proposal = review.listing(ctx).items[0].id
    promise = ana.client.post("/api/v1/promises", json={"person_id": pid, "description": "x"})
    favour = ana.client.post(
        "/api/v1/favours", json={"person_id": pid, "direction": "received", "kind": "advice"}
    )
    milestone = ana.client.post(
        "/api/v1/milestones", json={"person_id": pid, "kind": "birthday", "month": 5, "day": 4}
    )
    event = ana.client.post("/api/v1/events", json={"name": "Summit", "starts_on": "2026-11-01"})
    token = ana.client.post("/api/v1/tokens", json={"name": "t"})
    account = ana.client.post(
        "/api/v1/accounts",
        json={"kind": "imap", "host": "127.0.0.1", "port": 9, "security": "none",
              "username": "ana", "password": "x", "check": False},
    )  # fmt: skip
    made = ana.client.post("/api/v1/lists", json={"name": "Raise", "stages": ["A", "B"]})
    ana.client.post(f"/api/v1/lists/{made.json()['id']}/people", json={"ids": [pid]})
    entry = ana.client.get("/api/v1/history", params={"limit": 1}).json()[0]
    return {
        "entry_id": entry["id"],
        "person_id": pid,
        "keep_id": pid,
        "other_id": other,
        "interaction_id": iid,
        "promise_id": promise.json()["id"],
        "favour_id": favour.json()["id"],
        "milestone_id": milestone.json()["id"],
        "event_id": event.json()["id"],
        "token_id": token.json()["token"]["id"],
        "proposal_id": proposal,
        "account_id": account.json()["id"],
        "role_id": role_id,
        "field_id": stage,
        "tag": "vip",  # a tag is named, not numbered: Bruno has none of that name
        "organization": str(acme),  # an id, or a name: Bruno has neither
        "organization_id": acme,
        "list_id": made.json()["id"],
    }


BODIES = {
    "/api/v1/people/{person_id}": {"title": "x"},
    "/api/v1/promises/{promise_id}/resolve": {"status": "kept"},
    "/api/v1/events/{event_id}/attendees": {"name": "Someone"},
    "/api/v1/accounts/{account_id}": {"enabled": False},
    "/api/v1/tags/{tag}": {"name": "renamed"},
    "/api/v1/tags/{tag}/merge": {"into": "vip"},
    "/api/v1/roles/{role_id}": {"title": "x"},
    "/api/v1/people/{person_id}/roles": {"title": "x"},
    "/api/v1/organizations/{organization}/merge": {"into": "Acme"},
    "/api/v1/organizations/{organization}": {"industry": "Fintech", "fields": {}},
    "/api/v1/fields/{field_id}": {"name": "Round"},
    "/api/v1/people/{person_id}/health/adjustment": {"points": 10, "reason": "x"},
    "/api/v1/lists/{list_id}": {"name": "x"},
    "/api/v1/lists/{list_id}/people": {"ids": [1]},
    "/api/v1/lists/{list_id}/people/{person_id}/stage": {"stage": "B"},
}


def test_another_users_ids_answer_404(
    web: Web, ana: User, bruno: User, anas_things: dict[str, Any]
) -> None:
    covered = 0
    for method, path in routes(web):
        params = re.findall(r"\{(\w+)\}", path)
        if not path.startswith("/api/") or not params or params == ["kind"]:
            continue
        assert all(p in anas_things for p in params), f"no fixture id for {path}"
        response = bruno.client.request(
            method, fill(path, anas_things), json=BODIES.get(path) if method in UNSAFE else None
        )
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["type"] == "not_found"
        covered += 1
    assert covered >= 16
    pid = anas_things["person_id"]
    for path in ("/interactions", "/promises", "/favours", "/favours/balance", "/milestones"):
        listing = bruno.client.get(f"/api/v1{path}", params={"person_id": pid})
        assert listing.status_code == 404, path
    for path, body in (
        ("/promises", {"person_id": pid, "description": "x"}),
        ("/favours", {"person_id": pid, "direction": "given", "kind": "advice"}),
        ("/milestones", {"person_id": pid, "kind": "birthday", "month": 1, "day": 2}),
        ("/interactions", {"participant_ids": [pid]}),
        ("/mentorships", {"person_id": pid, "their_role": "mentor"}),
        ("/feedback", {"person_id": pid, "content": "x"}),
        ("/introductions", {"person_id": pid, "to_person_id": pid}),
        ("/people/bulk", {"ids": [pid], "action": "archive"}),
        ("/agenda/done", {"ref": f"#{pid}"}),
    ):
        response = bruno.client.post(f"/api/v1{path}", json=body)
        assert response.status_code == 404, (path, response.text)
    assert bruno.client.get("/api/v1/people").json()["total"] == 0
    assert ana.client.get(f"/api/v1/people/{pid}").status_code == 200  # still there for Ana
    # and pages: Bruno signed in sees none of Ana's people either
    browser = web.browser(bruno)
    assert browser.get(f"/people/{pid}").status_code == 404
    assert browser.post(f"/people/{pid}/archive").status_code == 404
    acme = anas_things["organization_id"]
    assert browser.get(f"/organizations/{acme}").status_code == 404
    assert browser.post(f"/organizations/{acme}/merge", {"into": acme}).status_code == 404


def test_forms_without_their_csrf_token_are_403(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    checked = 0
    for method, path in routes(web):
        if method not in UNSAFE or path.startswith(("/api/", *DAV)) or path in PUBLIC:
            continue
        response = browser.client.request(method, fill(path), data={"name": "x"})
        assert response.status_code == 403, (method, path)
        assert "security token" in response.text or "session has expired" in response.text
        wrong = browser.client.request(method, fill(path), data={"csrf_token": "forged" * 8})
        assert wrong.status_code == 403, (method, path)
        checked += 1
    assert checked >= 20
    # multipart forms (uploads) are checked too
    upload = browser.client.post("/io/import", files={"file": ("a.vcf", b"BEGIN:VCARD")})
    assert upload.status_code == 403
    # the same session's token lets the form through
    ok = browser.post("/people", {"full_name": "Nadia Rahman"})
    assert ok.status_code == 200
    assert "Nadia Rahman" in ok.text


def test_a_session_cookie_opens_nothing_under_dav(web: Web, ana: User) -> None:
    """The CardDAV server lets WebDAV methods past the CSRF check because it reads no
    cookie: a signed-in browser still gets 401 there, and a form's POST is refused."""
    browser = web.browser(ana)
    for method in ("PROPFIND", "REPORT", "PUT", "DELETE", "GET"):
        response = browser.client.request(method, "/dav/addressbooks/contacts/x.vcf")
        assert response.status_code == 401, method
    post = browser.client.post("/dav/addressbooks/contacts/x.vcf", data={"name": "x"})
    assert post.status_code == 403


def test_the_api_with_a_session_cookie_needs_the_csrf_header(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    assert browser.client.get("/api/v1/me").status_code == 200
    refused = browser.client.post("/api/v1/people", json={"full_name": "Eva"})
    assert refused.status_code == 403
    assert refused.json()["error"]["type"] == "csrf"
    allowed = browser.client.post(
        "/api/v1/people", json={"full_name": "Eva"}, headers={"X-CSRF-Token": browser.csrf}
    )
    assert allowed.status_code == 201


def test_login_is_rate_limited(web: Web, ana: User) -> None:
    browser = Browser(web.client())
    browser.get("/login")
    for _ in range(5):
        wrong = browser.post("/login", {"email": "ana@example.com", "password": "nope"})
        assert wrong.status_code == 401
        assert "do not match" in wrong.text
    limited = browser.post("/login", {"email": "ana@example.com", "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert "Too many attempts" in limited.text


def test_sessions_cookies_and_sign_out(web: Web, ana: User) -> None:
    browser = Browser(web.client())
    browser.get("/login")
    signed_in = browser.post("/login", {"email": "ANA@example.com", "password": PASSWORD})
    assert signed_in.url.path == "/"
    cookie = signed_in.history[0].headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on localhost
    stolen = dict(browser.client.cookies)
    assert web.client(cookies=stolen).get("/people").url.path == "/people"
    browser.post("/logout")
    assert browser.client.get("/people", follow_redirects=False).status_code == 303
    # a cookie copied before signing out no longer works after it
    assert web.client(cookies=stolen).get("/people", follow_redirects=False).status_code == 303
    # a session made before a password change no longer works after it
    again = Browser.signed_in(web.client(), "ana@example.com")
    other = web.client(cookies=dict(again.client.cookies))
    assert other.get("/people").url.path == "/people"
    accounts.change_password(web.rapport, ana.id, PASSWORD, "a brand new secret")
    assert other.get("/people", follow_redirects=False).status_code == 303
    tls = TestClient(web.app, base_url="https://testserver", client=LOCAL)
    assert "Secure" in tls.get("/login").headers["set-cookie"]


def test_next_never_leaves_the_site(web: Web, ana: User) -> None:
    browser = Browser(web.client(follow_redirects=False))
    for target, expected in (("/people", "/people"), ("//evil.example", "/"), ("https://x.y", "/")):
        browser.get("/login")  # signing in gives a new CSRF token
        response = browser.post(
            "/login", {"email": "ana@example.com", "password": PASSWORD, "next": target}
        )
        assert response.headers["location"] == expected


def test_setup_is_local_and_only_before_the_first_account(web: Web) -> None:
    remote = Browser(TestClient(web.app, client=("203.0.113.9", 4000)))
    assert remote.get("/setup").status_code == 404
    assert remote.get("/login").url.path == "/setup"  # redirected, then refused
    local = Browser(web.client())
    page = local.get("/setup")
    assert page.status_code == 200
    short = local.post(
        "/setup", {"email": "sam@example.com", "password": "short", "confirm": "short"}
    )
    assert short.status_code == 422
    assert "at least 10 characters" in short.text
    assert 'name="timezone"' in page.text and "Europe/Lisbon" in page.text
    fields = {"email": "sam@example.com", "name": "Sam", "password": PASSWORD, "confirm": PASSWORD}
    wrong = local.post("/setup", {**fields, "timezone": "Mars/Olympus"})
    assert wrong.status_code == 422 and "unknown time zone" in wrong.text
    assert accounts.count(web.rapport) == 0  # nothing made by the refused form
    made = local.post("/setup", {**fields, "timezone": "Asia/Tokyo"})
    assert made.url.path == "/"
    assert "Start with the people you know" in made.text
    assert local.get("/setup").url.path == "/login"  # a bookmark leads to sign in, not a 404
    assert remote.get("/setup").url.path == "/login"
    assert accounts.owner(web.rapport).email == "sam@example.com"
    with web.rapport.open() as ctx:
        assert str(ctx.tz) == "Asia/Tokyo"


def test_security_headers_everywhere(web: Web, ana: User) -> None:
    client = web.client()
    for path in ("/login", "/static/app.css", "/healthz", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    assert ana.client.get("/api/v1/me").headers["cache-control"] == "no-store"


def test_public_routes(web: Web, ana: User) -> None:
    client = web.client()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/feed/feed_nope.ics").status_code == 404
    browser = web.browser(ana)
    page = browser.post("/io/feed")
    url = re.search(r'id="feed-url">([^<]+)<', page.text)
    assert url, page.text
    path = url.group(1).replace("http://testserver", "")
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text.startswith("BEGIN:VCALENDAR")
    browser.post("/io/feed/stop")
    assert client.get(path).status_code == 404


def test_openapi_documents_every_api_route(web: Web) -> None:
    spec = web.client().get("/api/v1/openapi.json").json()
    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    api = {(m, p) for m, p in routes(web) if p.startswith("/api/") and m != "HEAD"}
    assert api - {("GET", "/api/v1/openapi.json")} <= documented
    assert not any(p for _, p in documented if not p.startswith("/api/v1/"))


def test_mcp_needs_an_api_token(web: Web, ana: User) -> None:
    """/mcp (the MCP server for assistants) is opened by a bearer token only: never by
    a session cookie, never without a token, never by a revoked one."""
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    browser = web.browser(ana)
    revoked = ana.client.post("/api/v1/tokens", json={"name": "short-lived"}).json()
    ana.client.delete(f"/api/v1/tokens/{revoked['token']['id']}")
    for client, headers in (
        (web.client(), {}),
        (web.client(), {"Authorization": "Bearer rpt_wrong"}),
        (web.client(), {"Authorization": "Basic YW5hOnB3"}),
        (web.client(), {"Authorization": "Bearer "}),
        (web.client(), {"Authorization": f"Bearer {revoked['secret']}"}),
        (browser.client, {}),  # signed in, with a session cookie
        (browser.client, {"X-CSRF-Token": browser.csrf}),
    ):
        for method in ("GET", "POST", "DELETE"):
            response = client.request(method, "/mcp", json=hello, headers=headers)
            assert response.status_code == 401, (method, headers)
            assert response.headers["www-authenticate"] == "Bearer"
            assert response.json()["error"]["type"] == "not_authenticated"
