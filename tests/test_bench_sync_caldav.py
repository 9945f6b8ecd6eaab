"""The CalDAV sync benchmark runs end to end at a tiny size (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from bench.sync_caldav import run


def test_the_caldav_benchmark_runs_and_a_sync_with_nothing_new_is_one_round_trip(
    tmp_path: Path,
) -> None:
    figures = run(events=40, people=20, folder=tmp_path)
    assert figures.first_counts["events"] == 40
    assert figures.first_counts["meetings"] > 0
    assert figures.again_counts == {}
    assert figures.again_round_trips == 1
    assert any("no-change sync" in line for line in figures.lines())
