"""The scheduler inside `rapport serve`: a daemon thread that checks every minute
whether a daily digest is due. No cron, no queue: its state is in the database, so a
restart neither loses nor repeats a day, and two servers never both send."""

from __future__ import annotations

import logging
import threading

from rapport.services import digest
from rapport.services.context import Rapport

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
