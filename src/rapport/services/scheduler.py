"""The schedulers inside `rapport serve`: a daemon thread that checks every minute
whether a daily digest is due, and one that starts the sync of each account that is
due (each in a thread of its own). No cron, no queue: their state is in the
database, so a restart neither loses nor repeats a day or a sync, and two servers
never both send a digest nor sync one account at once."""

from __future__ import annotations

import logging
import threading

from rapport.services import digest, sync
from rapport.services.context import Rapport
from rapport.services.secret_box import SecretBox

log = logging.getLogger("rapport.scheduler")


class DigestScheduler:
    def __init__(self, app: Rapport, *, interval: float = 60.0) -> None:
        self.app = app
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rapport-digest", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for delivery in digest.tick(self.app):
                    if delivery.outcome in ("sent", "failed"):
                        log.warning(
                            "digest for workspace %s: %s", delivery.workspace_id, delivery.message
                        )
            except Exception:  # never let one bad pass stop the reminders
                log.exception("digest check failed; trying again in %s s", self.interval)
            self._stop.wait(self.interval)


class MeaningScheduler:
    """Keeps the vectors of "who do I know who…" current inside `rapport serve`:
    every `interval` seconds, the people of each workspace waiting to be embedded
    (new or changed) are embedded, `batch` at a time, each batch in short
    transactions of its own (services.semantic.embed_waiting). Only started when the
    optional model is installed; the model loads on the first person waiting."""

    def __init__(self, app: Rapport, *, interval: float = 20.0, batch: int = 64) -> None:
        self.app = app
        self.interval = interval
        self.batch = batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rapport-meaning", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def pass_once(self) -> int:
        """Embed every person waiting, in every workspace, until done or stopped; how
        many were embedded."""
        from rapport.services import semantic

        done = 0
        for workspace_id in semantic.workspaces(self.app):
            while not self._stop.is_set():
                step = semantic.embed_waiting(self.app, workspace_id, most=self.batch)
                done += step
                if step < self.batch:
                    break
        return done

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pass_once()
            except Exception:  # a failed pass is tried again; search still answers
                log.exception("embedding people failed; trying again in %s s", self.interval)
            self._stop.wait(self.interval)


class SyncScheduler:
    """The live sync inside `rapport serve`: every `interval` seconds, each account
    that is due runs in a thread of its own (at most `workers` at once), apart from
    the digest's thread, so a long first sync delays neither the digest nor the
    other accounts. Which process runs an account is decided by the runner's claim
    in the database, so several servers on one database share the work. `stop()`
    sets the event every run watches: a run stops at its next saved cursor."""

    def __init__(
        self, app: Rapport, box: SecretBox, *, interval: float = 30.0, workers: int = 4
    ) -> None:
        self.app = app
        self.box = box
        self.interval = interval
        self.workers = workers
        self.results: list[sync.RunResult] = []  # the latest runs, newest last (for tests)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._running: dict[int, threading.Thread] = {}

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rapport-sync", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        for worker in list(self._running.values()):
            worker.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pass_once()
            except Exception:  # never let one bad pass stop the syncing
                log.exception("sync check failed; trying again in %s s", self.interval)
            self._stop.wait(self.interval)

    def pass_once(self) -> list[threading.Thread]:
        """Start a run for each due account not already running here; the threads."""
        self._running = {k: t for k, t in self._running.items() if t.is_alive()}
        started = []
        for account_id in sync.due(self.app):
            if self._stop.is_set() or len(self._running) >= self.workers:
                break
            if account_id in self._running:
                continue
            worker = threading.Thread(
                target=self._one, args=(account_id,), name=f"rapport-sync-{account_id}", daemon=True
            )
            self._running[account_id] = worker
            worker.start()
            started.append(worker)
        return started

    def _one(self, account_id: int) -> None:
        try:
            result = sync.run(self.app, self.box, account_id, stop=self._stop)
        except Exception:
            log.exception("sync of account %s stopped unexpectedly", account_id)
            return
        self.results = [*self.results[-99:], result]
        if result.outcome in ("synced", "failed"):
            log.warning("sync of %s: %s: %s", result.name, result.outcome, result.message)
