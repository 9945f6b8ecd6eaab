"""The CardDAV benchmark runs end to end at a tiny size (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from bench.carddav import run


def test_the_carddav_benchmark_runs_and_an_incremental_sync_names_the_ten_edits(
    tmp_path: Path,
) -> None:
    figures = run(people=150, folder=tmp_path)
    assert figures.cards == 150
    assert figures.initial_requests == 1 + 2 + 1  # PROPFIND, two multigets, sync-collection
    assert figures.incremental_changed == 10
    assert any("incremental" in line for line in figures.lines())
