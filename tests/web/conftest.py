"""The web app under test: an app per database (SQLite and PostgreSQL), accounts
with cheap password hashing, an API client per user, a signed-in browser session."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from rapport.domain.accounts import UserOut
from rapport.services import accounts, tokens
from rapport.services.context import Ctx, Rapport
from rapport.settings import Settings
from rapport.web.app import create_app
from tests.conftest import TODAY

PASSWORD = "correct horse battery"
LOCAL = ("127.0.0.1", 50000)


@pytest.fixture(autouse=True, scope="session")
def cheap_passwords() -> Iterator[None]:
    """argon2 at its default cost takes ~160 ms a hash here: tests use the cheapest."""
    old = accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    accounts.use_hasher(old)


@dataclass
class User:
    account: UserOut
    token: str
    client: TestClient  # authenticated by the token

    @property
    def id(self) -> int:
        return self.account.id


@dataclass
class Web:
    rapport: Rapport
    app: FastAPI

    def client(self, **kwargs: Any) -> TestClient:
        return TestClient(self.app, client=LOCAL, **kwargs)

    def user(self, email: str) -> User:
        account = accounts.add(self.rapport, email, PASSWORD)
        with self.open(account) as ctx:
            secret = tokens.create(ctx, account.id, "tests").secret
        client = self.client(headers={"Authorization": f"Bearer {secret}"})
        return User(account, secret, client)

    def open(self, user: UserOut | User, *, write: bool = True) -> AbstractContextManager[Ctx]:
        account = user.account if isinstance(user, User) else user
        return self.rapport.open(write=write, today=TODAY, workspace_id=account.workspace_id)

    def browser(self, user: User) -> Browser:
        return Browser.signed_in(self.client(), user.account.email)


class Browser:
    """A TestClient used like a browser: a session cookie and the page's CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    @classmethod
    def signed_in(cls, client: TestClient, email: str) -> Browser:
        browser = cls(client)
        browser.get("/login")
        response = browser.post("/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        assert response.url.path == "/", response.url
        return browser

    def get(self, path: str, **kwargs: Any) -> Any:
        response = self.client.get(path, **kwargs)
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        form = {"csrf_token": self.csrf, **(data or {})}
        response = self.client.post(path, data=form, **kwargs)
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response


def all_routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, through included routers (FastAPI keeps them
    nested since 0.16x; older versions flatten them)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from all_routes(inner.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            for method in sorted(route.methods):
                yield method, prefix + route.path_format  # {id}, not {id:int}


@pytest.fixture
def web(database_url: str, tmp_path: Path) -> Iterator[Web]:
    settings = Settings(database_url=database_url, data_dir=tmp_path)
    rapport = Rapport(settings)
    app = create_app(settings, rapport=rapport, today=TODAY)
    yield Web(rapport, app)
    rapport.dispose()


@pytest.fixture
def ana(web: Web) -> User:
    return web.user("ana@example.com")


@pytest.fixture
def bruno(web: Web) -> User:
    """A second account: a workspace of its own."""
    return web.user("bruno@example.com")
