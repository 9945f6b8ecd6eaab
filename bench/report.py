"""The results table: for each operation, our median, the floor's, their ratio, the
target and the verdict, the peak memory, and whether both computed the same answer."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Result
from bench.ops import Target

COLUMNS = [
    "operation",
    "ours",
    "floor",
    "ratio",
    "target",
    "verdict",
    "peak RSS",
    "answers",
    "runs",
]


@dataclass
class Row:
    title: str
    ours: Result
    floor: Result | None = None
    target: Target | None = None
    compare: bool = True

    def ratio(self) -> float | None:
        ours = self.ours.median_ms
        floor = self.floor.median_ms if self.floor else None
        if ours is None or not floor:
            return None
        return ours / floor

    def verdict(self) -> str:
        if self.ours.note:
            return self.ours.note
        if self.target is None:
            return ""
        misses = []
        median = self.ours.median_ms or 0.0
        if self.target.ms is not None and median >= self.target.ms:
            misses.append("time")
        ratio = self.ratio()
        if self.target.ratio is not None and ratio is not None and ratio > self.target.ratio:
            misses.append("ratio")
        rss = self.ours.peak_rss_mb
        if self.target.rss_mb is not None and rss is not None and rss >= self.target.rss_mb:
            misses.append("memory")
        return "ok" if not misses else "MISS: " + ", ".join(misses)

    def answers(self) -> str:
        if not self.compare or not self.floor or not self.ours.answer or not self.floor.answer:
            return ""
        return "same" if self.ours.answer == self.floor.answer else "DIFFERENT"

    def cells(self) -> list[str]:
        ratio = self.ratio()
        rss = self.ours.peak_rss_mb
        return [
            self.title,
            ms(self.ours.median_ms),
            ms(self.floor.median_ms) if self.floor else "",
            f"{ratio:.2f}×" if ratio is not None else "",
            self.target.text() if self.target else "",
            self.verdict(),
            f"{rss:.0f} MB" if rss is not None else "",
            self.answers(),
            self.runs(),
        ]

    def runs(self) -> str:
        counts = [str(len(self.ours.runs_ms))] if self.ours.runs_ms else []
        if self.floor and self.floor.runs_ms:
            counts.append(str(len(self.floor.runs_ms)))
        return "/".join(counts)


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    return f"{value:.1f} ms"


def print_table(title: str, rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in COLUMNS:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row.cells())
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=170)
    console.print(table)


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row.cells()) + " |")
    return "\n".join(lines)


def machine(postgres_version: str | None = None) -> list[str]:
    """What the figures were measured on."""
    cpu = "unknown CPU"
    memory = "unknown memory"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB RAM"
                break
    except OSError:
        pass
    import sqlalchemy

    found = [
        f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.platform()}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {sqlalchemy.__version__}",
    ]
    if postgres_version:
        found.append(f"PostgreSQL {postgres_version}")
    return found


def command_line() -> str:
    return "python -m bench " + " ".join(sys.argv[1:])


def results_markdown(
    sections: list[tuple[str, list[Row]]], notes: list[str], postgres_version: str | None
) -> str:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "## Run",
        "",
        f"- date: {today}",
        f"- command: `{command_line()}`",
        *[f"- machine: {m}" for m in machine(postgres_version)],
        *[f"- {n}" for n in notes],
    ]
    for title, rows in sections:
        parts += ["", f"### {title}", "", markdown(rows)]
    return "\n".join(parts) + "\n"
