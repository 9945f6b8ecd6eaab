"""The IMAP sync at scale: a generated mailbox on a real Dovecot, synced into a fresh
SQLite database holding a 1,000-person network.

    python -m bench.sync_imap                 # 100,000 messages
    python -m bench.sync_imap --messages 2000 --batch 500

Prints the first sync's time, peak memory (the process's maximum resident set) and
IMAP commands, then the same for a sync with nothing new. The mailbox is ten years
of threads (1–6 messages, replies on the same or a later day, some with people in
copy) with a few hundred correspondents, 600 of them people of the network, and
mailing-list and no-reply mail the sync must leave out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path

from bench import dovecot

ME = dovecot.USER
END = dt.datetime(2026, 11, 1, 18, 0, tzinfo=dt.UTC)
YEARS = 10


@dataclass
class Mailbox:
    inbox: list[bytes] = field(default_factory=list)
    sent: list[bytes] = field(default_factory=list)
    network: list[tuple[str, str]] = field(default_factory=list)  # (name, email)
    strangers: list[str] = field(default_factory=list)


def _message(
    sender: str, to: list[str], cc: list[str], subject: str, at: dt.datetime, mid: str,
    refs: list[str], extra: list[str],
) -> bytes:  # fmt: skip
    lines = [
        f"From: {sender}",
        f"To: {', '.join(to)}",
        *([f"Cc: {', '.join(cc)}"] if cc else []),
        f"Subject: {subject}",
        f"Date: {format_datetime(at)}",
        f"Message-ID: <{mid}>",
        *([f"In-Reply-To: <{refs[-1]}>", f"References: {' '.join(f'<{r}>' for r in refs)}"]
          if refs else []),
        *extra,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n\r\nHello,\r\n\r\nThanks, talk soon.\r\n").encode()


def mailbox(messages: int, *, seed: int = 17, people: int = 1000) -> Mailbox:
    """About `messages` messages (INBOX and Sent together), deterministic for `seed`."""
    rng = random.Random(seed)
    box = Mailbox()
    box.network = [(f"Person {i:04d}", f"person{i:04d}@corp{i % 37}.com") for i in range(people)]
    correspondents = [e for _, e in box.network[: min(600, people)]]
    box.strangers = [f"stranger{i:03d}@elsewhere{i % 11}.org" for i in range(300)]
    pool = correspondents + box.strangers
    topics = ["Lunch", "Project update", "Contract", "Intro", "Next steps", "Quick question",
              "Coffee?", "Slides", "Hiring", "Conference"]  # fmt: skip
    span = dt.timedelta(days=365 * YEARS).total_seconds()
    thread = 0
    while len(box.inbox) + len(box.sent) < messages:
        thread += 1
        start = END - dt.timedelta(seconds=rng.random() * span)
        roll = rng.random()
        if roll < 0.05:  # a mailing list
            box.inbox.append(_message(
                "Weekly <weekly@lists.example.org>", [ME], [], f"Digest {thread}", start,
                f"list{thread}@lists.example.org", [], ["List-Id: <weekly.lists.example.org>"],
            ))  # fmt: skip
            continue
        if roll < 0.08:  # an automatic sender
            box.inbox.append(_message(
                "Shop <no-reply@shop.example>", [ME], [], f"Order {thread}", start,
                f"order{thread}@shop.example", [], [],
            ))  # fmt: skip
            continue
        other = rng.choice(pool)
        copied = [rng.choice(pool)] if rng.random() < 0.15 else []
        subject = f"{rng.choice(topics)} #{thread}"
        refs: list[str] = []
        at = start
        mine = rng.random() < 0.4
        for n in range(rng.randint(1, 6)):
            mid = f"t{thread}.{n}@{'example.com' if mine else other.split('@')[1]}"
            if mine:
                data = _message(f"Ana <{ME}>", [other], copied,
                                ("Re: " if n else "") + subject, at, mid, refs, [])  # fmt: skip
                box.sent.append(data)
            else:
                data = _message(other, [ME], copied, ("Re: " if n else "") + subject, at, mid,
                                refs, [])  # fmt: skip
                box.inbox.append(data)
            refs = [*refs, mid]
            at += dt.timedelta(hours=rng.choice([1, 3, 20, 30, 72]))
            mine = not mine
            if at > END:
                break
    return box


def deliver(server: dovecot.Dovecot, box: Mailbox) -> None:
    server.deliver("INBOX", box.inbox)
    server.deliver("Sent", box.sent)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_imap")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args(argv)

    from rapport.adapters.records import ContactRecord
    from rapport.services import sync_accounts
    from rapport.services.context import Rapport
    from rapport.services.imports import contacts
    from rapport.services.secret_box import for_data_dir
    from rapport.services.sync import imap
    from rapport.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="rapport-bench-imap-"))
    t0 = time.perf_counter()
    box = mailbox(args.messages, people=args.people)
    server = dovecot.start()
    try:
        deliver(server, box)
        print(f"mailbox: {len(box.inbox):,} in INBOX, {len(box.sent):,} in Sent "
              f"({time.perf_counter() - t0:.1f} s to generate and write)")  # fmt: skip
        app = Rapport(Settings(database_url=f"sqlite:///{work}/rapport.db", data_dir=work))
        with app.open(write=True) as ctx:
            ctx.unjournaled()
            contacts.load(
                ctx,
                [ContactRecord(line=i, full_name=n, emails=[e]) for i, (n, e) in
                 enumerate(box.network, start=1)],
                "bench",
            )  # fmt: skip
            acc = sync_accounts.add(ctx, for_data_dir(work), sync_accounts.AccountSpec(
                kind="imap", host="127.0.0.1", port=server.port, security="none",
                username=server.user, password=server.password, name="bench mail",
            ))  # fmt: skip
        with app.open() as ctx:
            config = sync_accounts.config(sync_accounts.get_row(ctx, acc.id), for_data_dir(work))
        before = _peak_mb()
        t1 = time.perf_counter()
        first = imap.run(app, config, lambda *_: None, threading.Event(), batch=args.batch)
        first_s = time.perf_counter() - t1
        peak = _peak_mb()
        t2 = time.perf_counter()
        again = imap.run(app, config, lambda *_: None, threading.Event(), batch=args.batch)
        again_s = time.perf_counter() - t2
        app.dispose()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    figures = {
        "messages": float(args.messages),
        "first_sync_s": first_s,
        "first_sync_commands": float(first.commands),
        "peak_rss_mb": peak,
        "rss_before_sync_mb": before,
        "no_change_s": again_s,
        "no_change_commands": float(again.commands),
    }
    print(f"first sync: {first_s:.1f} s, {first.commands} IMAP commands, peak RSS {peak:.0f} MB "
          f"(before the sync {before:.0f} MB); {first.counts}")  # fmt: skip
    print(f"no-change sync: {again_s * 1000:.0f} ms, {again.commands} IMAP commands "
          f"({len(again.folders)} folders); {again.counts}")  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
