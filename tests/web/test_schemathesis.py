"""Schemathesis (its command line, the current release) over /api/v1/openapi.json with a
token: every check it has, every phase (examples, coverage, fuzzing, stateful), a
bounded number of examples per operation, generated deterministically, so this runs
the same on every machine and finds what the OpenAPI document promises and the server
does not keep.

Excluded operations, and only these:
- DELETE /api/v1/tokens/{token_id}: it would revoke the run's own token, and every
  later request would rightly answer 401;
- POST /api/v1/digest/send: it sends mail off this machine;
- POST /api/v1/accounts, POST /api/v1/accounts/{account_id}/test and
  …/sync: they sign in to the mail or calendar server the request names (any host
  name the fuzzer makes up), off this machine. The other account routes are run, on
  an account seeded against a closed loopback port.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from rapport.services import secret_box, sync_accounts
from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web

EXCLUDED = {
    "/api/v1/tokens/{token_id}": "revokes the run's own token",
    "/api/v1/digest/send": "sends mail off this machine",
}
EXCLUDED_OPERATIONS = {
    "POST /api/v1/accounts": "signs in to the server the body names",
    "POST /api/v1/accounts/{account_id}/test": "signs in to the account's server",
    "POST /api/v1/accounts/{account_id}/sync": "syncs from the account's server",
}
MAX_EXAMPLES = 10  # per operation and phase: the whole run takes about two minutes here


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(web: Web, ana: User) -> Iterator[str]:
    """The app on a real port, its workspace seeded so ids 1 and 2 exist."""
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", types=["client"]).id
        make_person(ctx, "Bruno Souza")
        make_interaction(ctx, [pid])
        sync_accounts.add(
            ctx,
            secret_box.of(web.rapport),
            sync_accounts.AccountSpec(
                kind="imap", host="127.0.0.1", port=_free_port(), security="none",
                username="ana", password="not sent anywhere",
            ),
        )  # fmt: skip
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="critical")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# One setting, for one check on one operation (schemathesis.toml beside this file): an
# uploaded file is opaque bytes to the schema, which cannot say which bytes are a vCard,
# a CSV, a calendar, mail or a backup, nor whether a file forced to a format reads as
# it. So for POST /api/v1/imports alone, positive_data_acceptance also takes the
# answers about the file's content: 415 for bytes in none of the formats (the server
# found it by reading them, RFC 9110 §15.5.16) and 422 `import_failed` for a file that
# does not read as its format. Every other check holds on it unchanged.
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_schemathesis_finds_nothing(served: str, ana: User, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    command = [
        str(st),
        "--config-file",
        str(CONFIG),
        "run",
        f"{served}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {ana.token}",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--workers",
        "1",
        "--no-color",
        "--report-dir",
        str(tmp_path),
    ]
    for path in EXCLUDED:
        command += ["--exclude-path", path]
    for name in EXCLUDED_OPERATIONS:
        command += ["--exclude-name", name]
    # in a directory of its own: schemathesis keeps a cache of past failures where it
    # runs and replays them first, which would make one run depend on the last
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
