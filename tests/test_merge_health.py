"""A health correction survives a merge, on SQLite and PostgreSQL: the merged-away
record's is kept when the kept one has none (and the preview says so); where both
have one, the kept record's stays and the other's is written into the notes."""

from __future__ import annotations

from pathlib import Path

from rapport.services import health, merge
from tests.cli_runner import Cli
from tests.conftest import TODAY
from tests.factories import make_person


def test_the_other_records_correction_is_kept_when_the_kept_one_has_none(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    other = make_person(ctx, "Ana L.", emails=["ana@acme.com"])
    health.adjust(ctx, other.id, 15, "weekly on Signal")

    shown = merge.preview(ctx, keep.id, other.id)
    merge.merge(ctx, keep.id, other.id)

    assert "health correction: +15 (weekly on Signal)" in shown.filled
    kept = health.person_health(ctx, keep.id)
    assert (kept.adjustment, kept.adjustment_reason) == (15, "weekly on Signal")


def test_the_kept_records_correction_stays_and_the_others_is_noted(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    other = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    health.adjust(ctx, keep.id, -10, "never answers")
    health.adjust(ctx, other.id, 20, "weekly on Signal")

    shown = merge.preview(ctx, keep.id, other.id)
    merged = merge.merge(ctx, keep.id, other.id).person

    assert [(c.field, c.keep, c.other) for c in shown.conflicts] == [
        ("health correction", "-10 (never answers)", "+20 (weekly on Signal)")
    ]
    kept = health.person_health(ctx, keep.id)
    assert (kept.adjustment, kept.adjustment_reason) == (-10, "never answers")
    assert merged.notes == (
        f"Merged from Ana Lima on {TODAY.isoformat()}: health correction +20 (weekly on Signal)."
    )


def test_the_same_correction_on_both_is_simply_kept(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    other = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    for pid in (keep.id, other.id):
        health.adjust(ctx, pid, 5, "old friend")
    shown = merge.preview(ctx, keep.id, other.id)
    assert shown.conflicts == [] and shown.filled == []
    merge.merge(ctx, keep.id, other.id)
    assert health.person_health(ctx, keep.id).adjustment == 5


def test_the_cli_preview_says_the_correction_is_kept(database_url: str, tmp_path: Path) -> None:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("person", "add", "Ana Lima", "--email", "ana@acme.com")
    cli("person", "add", "Ana L.", "--force", "--email", "ana@acme.com")
    cli("health", "#2", "--adjust", "+15", "--reason", "weekly on Signal")
    out = cli("merge", "#1", "#2", "--dry-run").stdout
    assert "Filled in from Ana L.: health correction: +15 (weekly on Signal)" in out
    cli("merge", "#1", "#2", "--yes")
    assert cli("health", "#1", "--json").json()["adjustment"] == 15
