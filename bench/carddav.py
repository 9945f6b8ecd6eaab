"""`python -m bench.carddav`: the CardDAV server at 30,000 cards, as a phone syncs.

A generated network (bench.generate, without interactions) is loaded into a fresh
SQLite database through the product's bulk path, an account and an API token are
made, and the web app is asked over HTTP (in process: Starlette's test client, so
the figures include routing, authentication, XML and the vCard writing):
- first use: the address book made (every card rendered once, its ETag recorded);
- initial sync, as DAVx5 does it: PROPFIND Depth 1 for every card's ETag, then
  addressbook-multiget in batches of 100 (300 requests at 30,000 cards);
- incremental sync: 10 people edited in Rapport, then sync-collection with the
  token of the initial sync, and one multiget of what it names.
Printed: time and peak resident memory of each.
"""

from __future__ import annotations

import argparse
import base64
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import PeakMemory

BATCH = 100  # hrefs per multiget, as DAVx5 asks
BOOK = "/dav/addressbooks/contacts/"


@dataclass(frozen=True)
class Figures:
    cards: int
    first_use_s: float
    first_use_peak_mb: float
    initial_s: float
    initial_peak_mb: float
    initial_requests: int
    incremental_s: float
    incremental_changed: int
    incremental_requests: int

    def lines(self) -> list[str]:
        return [
            f"CardDAV, an address book of {self.cards:,} cards (SQLite)",
            f"  first use (book made):   {self.first_use_s:7.2f} s  "
            f"peak {self.first_use_peak_mb:6.1f} MB",
            f"  initial sync:            {self.initial_s:7.2f} s  "
            f"peak {self.initial_peak_mb:6.1f} MB  {self.initial_requests} requests "
            f"(PROPFIND Depth 1 + multiget by {BATCH})",
            f"  incremental, 10 edits:   {self.incremental_s:7.2f} s  "
            f"{self.incremental_changed} cards changed, {self.incremental_requests} requests",
        ]


def _multiget(hrefs: list[str]) -> str:
    inner = "".join(f"<d:href>{h}</d:href>" for h in hrefs)
    return (
        '<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">'
        f"<d:prop><d:getetag/><card:address-data/></d:prop>{inner}</card:addressbook-multiget>"
    )


def run(people: int = 30_000, folder: Path | None = None) -> Figures:
    """Make the network, serve it, sync it; the figures."""
    from fastapi.testclient import TestClient

    from bench import load
    from bench.db import empty_sqlite, open_app
    from bench.generate import Spec, generate, scaled
    from rapport.services import accounts, tokens
    from rapport.services import people as people_service
    from rapport.settings import Settings
    from rapport.web.app import create_app

    base = folder or Path(tempfile.mkdtemp(prefix="rapport-bench-carddav-"))
    url = empty_sqlite(base / "rapport.db")
    network = generate(scaled(Spec(), people, 0), with_interactions=False).network
    app = open_app(url, base)
    with app.open(write=True) as ctx:
        load.load(ctx, network)
    user = accounts.add(app, "phone@bench.example", "a long bench password")
    with app.open(write=True, workspace_id=user.workspace_id) as ctx:
        secret = tokens.create(ctx, user.id, "phone").secret
    auth = "Basic " + base64.b64encode(f"{user.email}:{secret}".encode()).decode()
    web = create_app(Settings(database_url=url, data_dir=base), rapport=app)
    client = TestClient(web)
    headers = {"Authorization": auth}

    def ask(method: str, path: str, body: str, depth: str) -> str:
        response = client.request(
            method, path, content=body.encode(), headers={**headers, "Depth": depth}
        )
        assert response.status_code == 207, response.text[:500]
        return response.text

    propfind = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    with PeakMemory() as first_peak:
        began = time.perf_counter()
        ask("PROPFIND", BOOK, '<d:propfind xmlns:d="DAV:"><d:prop><d:sync-token/>'
            "</d:prop></d:propfind>", "0")  # fmt: skip
        first_use = time.perf_counter() - began
    with PeakMemory() as initial_peak:
        began = time.perf_counter()
        listing = ask("PROPFIND", BOOK, propfind, "1")
        hrefs = [h for h in re.findall(r"<d:href>([^<]+)</d:href>", listing) if h != BOOK]
        requests = 1
        cards = 0
        for start in range(0, len(hrefs), BATCH):
            answer = ask("REPORT", BOOK, _multiget(hrefs[start : start + BATCH]), "1")
            cards += answer.count("BEGIN:VCARD")
            requests += 1
        token = ask(
            "REPORT", BOOK, '<d:sync-collection xmlns:d="DAV:"><d:sync-token/>'
            "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>",
            "1",
        )  # fmt: skip
        requests += 1
        initial = time.perf_counter() - began
    assert cards == len(hrefs) == people, (cards, len(hrefs), people)
    since = re.search(r"<d:sync-token>([^<]+)</d:sync-token>", token)
    assert since is not None
    with app.open(write=True, workspace_id=user.workspace_id) as ctx:
        listed, _ = people_service.listing(ctx, limit=10, sort="added")
        for person in listed:
            people_service.edit(ctx, person.id, {"title": "Edited for the benchmark"})
    began = time.perf_counter()
    changes = ask(
        "REPORT", BOOK, '<d:sync-collection xmlns:d="DAV:"><d:sync-token>'
        f"{since.group(1)}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/>"
        "</d:prop></d:sync-collection>", "1",
    )  # fmt: skip
    changed = [h for h in re.findall(r"<d:href>([^<]+)</d:href>", changes) if h != BOOK]
    fetched = ask("REPORT", BOOK, _multiget(changed), "1")
    incremental = time.perf_counter() - began
    assert fetched.count("Edited for the benchmark") == len(changed)
    client.close()
    app.dispose()
    return Figures(
        people, first_use, first_peak.peak, initial, initial_peak.peak, requests,
        incremental, len(changed), 2,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.carddav", description=__doc__)
    parser.add_argument("--people", type=int, default=30_000)
    args: Any = parser.parse_args(argv)
    for line in run(args.people).lines():
        print(line)


if __name__ == "__main__":
    main()
