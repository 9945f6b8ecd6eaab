"""The sync scheduler of `rapport serve`: due accounts run in threads of their own,
apart from the digest's; a failing server is not retried before its backoff; two
schedulers on one database share the accounts, never running one twice; stop ends
it cleanly."""

from __future__ import annotations

import time
from pathlib import Path

from rapport.services import secret_box, sync_accounts
from rapport.services.context import Rapport
from rapport.services.scheduler import DigestScheduler, SyncScheduler
from rapport.settings import Settings
from tests.test_sync_accounts import add, row


def _settle(*schedulers: SyncScheduler) -> None:
    for s in schedulers:
        for thread in s.pass_once():
            thread.join(30)


def test_due_accounts_run_in_their_own_threads_then_wait_for_their_backoff(
    app: Rapport,
) -> None:
    first, second = add(app, name="one"), add(app, name="two")
    scheduler = SyncScheduler(app, secret_box.of(app), interval=3600)
    threads = scheduler.pass_once()
    assert sorted(t.name for t in threads) == [f"rapport-sync-{first}", f"rapport-sync-{second}"]
    for t in threads:
        t.join(30)
    assert sorted(r.outcome for r in scheduler.results) == ["failed", "failed"]
    for account_id in (first, second):
        stored = row(app, account_id)
        assert stored.attempts == 1 and stored.last_error and stored.running_since is None
    assert scheduler.pass_once() == []  # backing off: nothing due
    with app.open(write=True) as ctx:  # a new password: due again at once
        sync_accounts.change(ctx, secret_box.of(app), first, password="again")
    _settle(scheduler)
    assert row(app, first).attempts == 1 and row(app, second).attempts == 1


def test_two_schedulers_on_one_database_never_run_one_account_twice(
    app: Rapport, database_url: str, tmp_path: Path
) -> None:
    ids = [add(app, name=f"account {i}") for i in range(6)]
    others = [Rapport(Settings(database_url=database_url, data_dir=tmp_path)) for _ in range(2)]
    schedulers = [SyncScheduler(o, secret_box.of(o), interval=3600) for o in others]
    for _ in range(4):  # at most four runs at once per server: a few passes
        threads = [t for s in schedulers for t in s.pass_once()]
        for t in threads:
            t.join(30)
    for o in others:
        o.dispose()
    outcomes = [r.outcome for s in schedulers for r in s.results]
    # each account failed exactly once, whichever server ran it; the other server
    # found it claimed or no longer due
    assert outcomes.count("failed") == len(ids)
    assert set(outcomes) <= {"failed", "claimed-elsewhere", "not-due"}
    assert all(row(app, i).attempts == 1 for i in ids)


def test_the_scheduler_starts_and_stops_cleanly_beside_the_digest(app: Rapport) -> None:
    account_id = add(app)
    syncing = SyncScheduler(app, secret_box.of(app), interval=0.05)
    digest = DigestScheduler(app, interval=0.05)
    syncing.start()
    digest.start()
    deadline = time.monotonic() + 20
    while row(app, account_id).last_error is None and time.monotonic() < deadline:
        time.sleep(0.05)
    began = time.monotonic()
    syncing.stop()
    digest.stop()
    assert time.monotonic() - began < 5
    assert row(app, account_id).last_error is not None
    assert row(app, account_id).running_since is None
