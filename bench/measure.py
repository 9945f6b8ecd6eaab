"""Timing and memory: medians of several runs, and the peak resident memory of the
process while an operation runs (sampled from /proc, so it is per operation)."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import resource
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    try:
        resident = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:  # not Linux: the peak so far is the best we have
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return resident * PAGE / 2**20


class PeakMemory:
    """Samples resident memory every few milliseconds in a thread while in use."""

    def __init__(self, every: float = 0.005) -> None:
        self.every = every
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self.peak = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def digest(answer: Any) -> str:
    """A short fingerprint of an answer, to check the product and the floor agree."""
    text = json.dumps(answer, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class Result:
    """One side (ours or floor) of one operation."""

    key: str
    side: str
    runs_ms: list[float] = field(default_factory=list)
    peak_rss_mb: float | None = None
    answer: str | None = None
    note: str | None = None  # why there is no figure: "not yet built: …", an error

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.runs_ms) if self.runs_ms else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        return cls(**data)


BUDGET_S = 20.0  # stop repeating an operation once its runs have taken this long
SLOW_MS = 1000.0  # a first run this slow counts as a timed run, not a warm-up


def time_runs(
    key: str,
    side: str,
    run: Callable[[], Any],
    runs: int,
    *,
    warmup: int = 1,
    before_each: Callable[[], None] | None = None,
    budget_s: float = BUDGET_S,
) -> Result:
    """Run `run` `warmup` times untimed, then up to `runs` times timed, fewer when the
    runs so far exceed `budget_s` (at least one). `before_each` (untimed) resets the
    state for operations that write."""
    result = Result(key, side)
    answer: Any = None
    spent = 0.0
    with PeakMemory() as memory:
        while len(result.runs_ms) < runs:
            if before_each is not None:
                before_each()
            gc.collect()
            start = time.perf_counter()
            answer = run()
            elapsed = (time.perf_counter() - start) * 1000
            spent += elapsed / 1000
            if warmup > 0 and elapsed < SLOW_MS:
                warmup -= 1
                continue
            warmup = 0
            result.runs_ms.append(round(elapsed, 3))
            if spent >= budget_s:
                break
    result.peak_rss_mb = round(memory.peak, 1)
    result.answer = digest(answer)
    return result


def calibration() -> dict[str, float]:
    """The machine's speed right now, as the milliseconds of two fixed pieces of work
    (the best of three): pure Python (sums, sorting, dictionaries) and SQLite in memory
    (insert, index, group). Printed at the start and the end of a run, they show whether
    the host was slower for this run or drifted during it: figures from runs with
    different calibrations compare through their ratios to the floor only."""

    def python_work() -> None:
        rows = [(i * 7919 % 10007, str(i)) for i in range(100_000)]
        rows.sort()
        counts: dict[int, int] = {}
        for key, _ in rows:
            counts[key % 1000] = counts.get(key % 1000, 0) + 1

    def sqlite_work() -> None:
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", ((i % 997, str(i)) for i in range(100_000)))
        conn.execute("CREATE INDEX t_a ON t (a)")
        conn.execute("SELECT a, count(*), max(b) FROM t GROUP BY a").fetchall()
        conn.close()

    found = {}
    for name, work in (("python", python_work), ("sqlite", sqlite_work)):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - started)
        found[name] = round(best * 1000, 1)
    return found


def calibration_text(found: dict[str, float]) -> str:
    return f"Python {found['python']:.0f} ms, SQLite {found['sqlite']:.0f} ms"
