"""`python -m bench.sync_caldav`: the CalDAV connector's first sync of a large
calendar, and a sync with nothing new, against a real Radicale on loopback.

The calendar is realistic: a user meeting people of a 1,000-person network over
three years and the next two months, one to four attendees each (sometimes someone
outside the network), a tenth of the events weekly series. It is put on the server
in one PUT of the whole calendar (Radicale splits it into events), then synced into
a fresh SQLite database through the connector, as the scheduler runs it. Printed:
time, peak resident memory and round trips of each sync.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import PeakMemory

OWNER = "ana@example.com"


@dataclass(frozen=True)
class Figures:
    events: int
    people: int
    first_s: float
    first_peak_mb: float
    first_round_trips: int
    first_counts: dict[str, int]
    again_s: float
    again_round_trips: int
    again_counts: dict[str, int]

    def lines(self) -> list[str]:
        return [
            f"CalDAV sync of {self.events:,} events, network of {self.people:,} people (SQLite)",
            f"  first sync:      {self.first_s:7.2f} s  peak {self.first_peak_mb:6.1f} MB  "
            f"{self.first_round_trips:4d} round trips  {self.first_counts}",
            f"  no-change sync:  {self.again_s:7.2f} s  "
            f"{'':14}{self.again_round_trips:4d} round trips  {self.again_counts or 'nothing new'}",
        ]


def calendar_text(events: int, people: int, now: dt.datetime, seed: int = 7) -> str:
    """One VCALENDAR of `events` events (see the module's docstring)."""
    rng = random.Random(seed)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Rapport bench//EN"]
    topics = ["Kickoff", "Review", "1:1", "Lunch", "Planning", "Coffee", "Demo", "Retro"]
    for n in range(events):
        future = rng.random() < 0.05
        if future:
            start = now + dt.timedelta(days=rng.uniform(0.1, 60))
        else:
            start = now - dt.timedelta(days=rng.uniform(0.1, 3 * 365))
        start = start.replace(minute=rng.choice((0, 30)), second=0, microsecond=0)
        who = rng.sample(range(people), rng.randint(1, 4))
        lines = [
            "BEGIN:VEVENT", f"UID:bench-{n}@rapport", "DTSTAMP:20260101T000000Z",
            f"DTSTART:{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}", "DURATION:PT1H",
            f"SUMMARY:{rng.choice(topics)} {n}",
            f"ORGANIZER:mailto:{OWNER if rng.random() < 0.5 else f'p{who[0]}@net.example'}",
            *(f"ATTENDEE;CN=Person {p}:mailto:p{p}@net.example" for p in who),
        ]  # fmt: skip
        if rng.random() < 0.1:
            lines.append("ATTENDEE;CN=Outsider:mailto:someone-else@elsewhere.example")
        if rng.random() < 0.1:
            lines.append(f"RRULE:FREQ=WEEKLY;COUNT={rng.randint(4, 30)}")
        out += [*lines, "END:VEVENT"]
    out.append("END:VCALENDAR")
    return "\r\n".join(out) + "\r\n"


def run(events: int = 5000, people: int = 1000, folder: Path | None = None) -> Figures:
    """Start Radicale, fill it, sync twice; the figures."""
    from tests.caldav_server import RadicaleServer

    from rapport.adapters.records import ContactRecord
    from rapport.services import sync_accounts
    from rapport.services.context import Rapport
    from rapport.services.imports import contacts
    from rapport.services.secret_box import for_data_dir
    from rapport.services.sync import caldav
    from rapport.settings import Settings

    base = folder or Path(tempfile.mkdtemp(prefix="rapport-bench-caldav-"))
    now = dt.datetime.now(dt.UTC)
    with RadicaleServer(base / "radicale", user=OWNER) as server:
        put(f"{server.url}{OWNER}/work/", calendar_text(events, people, now), server)
        app = Rapport(Settings(database_url=f"sqlite:///{base / 'rapport.db'}", data_dir=base))
        box = for_data_dir(base)
        with app.open(write=True) as ctx:
            ctx.unjournaled()
            contacts.load(
                ctx,
                [
                    ContactRecord(line=p, full_name=f"Person {p}", emails=[f"p{p}@net.example"])
                    for p in range(people)
                ],
                "vcard",
            )
            view = sync_accounts.add(
                ctx,
                box,
                sync_accounts.AccountSpec(
                    kind="caldav", host=server.url, username=OWNER, password=server.password
                ),
            )
        with app.open() as ctx:
            account = sync_accounts.config(sync_accounts.get_row(ctx, view.id), box)

        def sync(stats: dict[str, int]) -> tuple[float, dict[str, int]]:
            began = time.perf_counter()
            counts = caldav.sync(app, account, _quiet, threading.Event(), stats=stats)
            return time.perf_counter() - began, counts

        first: dict[str, int] = {}
        with PeakMemory() as peak:
            first_s, first_counts = sync(first)
        again: dict[str, int] = {}
        again_s, again_counts = sync(again)
        app.dispose()
    return Figures(
        events, people, first_s, peak.peak, first["round_trips"], first_counts,
        again_s, again["round_trips"], again_counts,
    )  # fmt: skip


def put(url: str, calendar: str, server: Any) -> None:
    """The whole calendar in one PUT: Radicale makes it a calendar of that many events."""
    import base64
    import urllib.request

    token = base64.b64encode(f"{server.user}:{server.password}".encode()).decode()
    request = urllib.request.Request(
        url,
        data=calendar.encode(),
        method="PUT",
        headers={"Content-Type": "text/calendar", "Authorization": f"Basic {token}"},
    )
    with urllib.request.urlopen(request, timeout=600) as answer:
        if answer.status not in (200, 201, 204):
            raise RuntimeError(f"Radicale refused the calendar: HTTP {answer.status}")


def _quiet(*_: Any) -> None:
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_caldav", description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args(argv)
    for line in run(args.events, args.people).lines():
        print(line)


if __name__ == "__main__":
    main()
