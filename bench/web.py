"""The web app in-process, signed in as the network's owner like a browser would be:
the login form, its CSRF token, then the session cookie on every request."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.generate import OWNER_EMAIL
from bench.ops import Env, need

PASSWORD = "bench password, long enough"
LOCAL = ("127.0.0.1", 50000)


def signed_in_client(env: Env) -> Any:
    """A TestClient over `create_app` for the bench database, signed in."""
    web = need("rapport.web.app", "create_app")
    accounts = need("rapport.services.accounts", "add", "count", "use_hasher")
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from bench.ops import app as open_app
    from rapport.settings import Settings

    rapport = open_app(env)
    # argon2 at its default cost is ~160 ms a hash: signing in is not what is measured
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    if accounts.count(rapport) == 0:
        accounts.add(rapport, OWNER_EMAIL, PASSWORD)
    settings = Settings(database_url=rapport.settings.database_url, data_dir=Path(env.data_dir))
    application = web.create_app(settings, rapport=rapport, today=env.day)
    client = TestClient(application, client=LOCAL)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    form = {
        "email": OWNER_EMAIL,
        "password": PASSWORD,
        "csrf_token": token.group(1) if token else "",
    }
    response = client.post("/login", data=form)
    if response.status_code != 200 or response.url.path != "/":
        raise RuntimeError(f"could not sign in: {response.status_code} at {response.url.path}")
    return client
