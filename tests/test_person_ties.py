"""The conversation ties warm paths read, on SQLite and PostgreSQL: kept current by
every write that changes who was in which conversation (logging, importing,
deleting, moving, dropping someone, a merge, an undo), equal at every step to the
ties worked out from scratch, and filled once for a database from before them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, text

from rapport.domain.warm_paths import LARGE_GROUP
from rapport.services import interaction_edits, interactions, journal, merge, ties
from rapport.services import warm_paths as paths
from rapport.services.context import Ctx, Rapport
from rapport.settings import Settings
from rapport.storage.person_ties import PersonTie
from tests.cli_runner import Cli
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_interaction, make_person, migrated_back_to

Kept = dict[tuple[int, int], tuple[int, dt.date]]


def _kept(ctx: Ctx) -> Kept:
    t = PersonTie
    rows = ctx.session.execute(
        select(t.person_id, t.other_id, t.conversations, t.last_conversation_at).where(
            t.workspace_id == ctx.workspace_id
        )
    )
    return {(a, b): (n, last.date()) for a, b, n, last in rows}


def _consistent(ctx: Ctx) -> Kept:
    """The ties kept, checked against the ties worked out from scratch."""
    kept = _kept(ctx)
    ties.rebuild(ctx.session, ctx.workspace_id)
    assert _kept(ctx) == kept
    return kept


def _reason(ctx: Ctx, target: int, who: str) -> str | None:
    """Why `who` knows the target, as the person page's "Who knows them" says it."""
    found = paths.to_person(ctx, target)
    return next((h.reason for h in found.known_by if h.name == who), None)


def _people(ctx: Ctx) -> dict[str, int]:
    ids = {n.split()[0].lower(): make_person(ctx, n).id for n in ("Ana Lima", "Jane Doe", "Bo Li")}
    for weeks in range(0, 20, 2):  # the user knows Ana well
        make_interaction(ctx, [ids["ana"]], on=TODAY - dt.timedelta(weeks=weeks))
    return ids


def test_a_conversation_logged_is_a_path_at_once_and_undo_takes_it_back(
    open_ctx: OpenCtx,
) -> None:
    with open_ctx() as ctx:
        ids = _people(ctx)
    with open_ctx() as ctx:
        assert _reason(ctx, ids["jane"], "Ana Lima") is None
        make_interaction(ctx, [ids["ana"], ids["jane"]], on=TODAY - dt.timedelta(days=40))
    with open_ctx() as ctx:
        reason = _reason(ctx, ids["jane"], "Ana Lima")
        assert reason is not None
        assert reason.startswith("Ana and Jane were both in 1 conversation of yours")
        make_interaction(ctx, [ids["ana"], ids["jane"], ids["bo"]], on=TODAY)
    with open_ctx() as ctx:
        reason = _reason(ctx, ids["jane"], "Ana Lima")
        assert reason is not None
        assert reason.startswith("Ana and Jane were both in 2 conversations of yours")
        assert _consistent(ctx)[ids["ana"], ids["jane"]] == (2, TODAY)
    with open_ctx() as ctx:
        journal.undo(ctx)  # the meeting of three
    with open_ctx() as ctx:
        reason = _reason(ctx, ids["jane"], "Ana Lima")
        assert reason is not None and "1 conversation of yours" in reason
        kept = _consistent(ctx)
        assert (ids["ana"], ids["bo"]) not in kept and (ids["jane"], ids["bo"]) not in kept
        journal.undo(ctx)  # the first one
    with open_ctx() as ctx:
        assert _reason(ctx, ids["jane"], "Ana Lima") is None
        assert _consistent(ctx) == {}


def test_deleting_moving_and_dropping_someone_change_the_ties(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ids = _people(ctx)
        old = make_interaction(ctx, [ids["ana"], ids["jane"]], on=TODAY - dt.timedelta(days=900))
        new = make_interaction(ctx, [ids["ana"], ids["jane"], ids["bo"]], on=TODAY)
    with open_ctx() as ctx:
        assert _consistent(ctx)[ids["ana"], ids["jane"]] == (2, TODAY)
        interactions.delete_interaction(ctx, new.id)
    with open_ctx() as ctx:
        assert _consistent(ctx) == {(ids["ana"], ids["jane"]): (1, old.occurred_at.date())}
        reason = _reason(ctx, ids["jane"], "Ana Lima")
        assert reason is not None and "the last on" in reason
        moved = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(9), tzinfo=ctx.tz)
        interaction_edits.reschedule(ctx, old.id, moved)
    with open_ctx() as ctx:
        assert _consistent(ctx) == {(ids["ana"], ids["jane"]): (1, moved.date())}
        interaction_edits.drop_participants(ctx, old.id, [ids["jane"]])
    with open_ctx() as ctx:
        assert _consistent(ctx) == {}
        assert _reason(ctx, ids["jane"], "Ana Lima") is None


def test_a_large_meeting_ties_no_one_and_imports_count_too(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ids = _people(ctx)
        crowd = [make_person(ctx, f"Guest {n}").id for n in range(LARGE_GROUP - 2)]
        everyone = [ids["ana"], ids["jane"], *crowd]
        full = make_interaction(ctx, everyone)  # LARGE_GROUP people: still ties them
    with open_ctx() as ctx:
        assert len(_consistent(ctx)) == LARGE_GROUP * (LARGE_GROUP - 1) // 2
        # one more joins (as a calendar import adds an attendee): too large to tie anyone
        ctx.session.execute(
            text(
                "INSERT INTO interaction_participant "
                "(interaction_id, person_id, workspace_id, occurred_at) "
                "SELECT interaction_id, :bo, workspace_id, occurred_at "
                "FROM interaction_participant WHERE interaction_id = :iid AND person_id = :ana"
            ),
            {"bo": ids["bo"], "iid": full.id, "ana": ids["ana"]},
        )
        ties.refresh(ctx, [[*everyone, ids["bo"]]])
        assert _consistent(ctx) == {}
    with open_ctx() as ctx:
        at = dt.datetime.combine(TODAY - dt.timedelta(days=10), dt.time(10), tzinfo=ctx.tz)
        interactions.log_many(
            ctx,
            [
                interactions.InteractionIn(
                    kind="email", occurred_at=at + dt.timedelta(hours=h),
                    participant_ids=[ids["ana"], ids["jane"]], summary="Thread",
                    source="mbox", external_id=f"<m{h}@example.com>",
                )
                for h in range(3)
            ],
        )  # fmt: skip
    with open_ctx() as ctx:
        assert _consistent(ctx) == {(ids["ana"], ids["jane"]): (3, at.date())}


def test_a_merge_keeps_the_ties_and_its_undo_puts_them_back(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ids = _people(ctx)
        twin = make_person(ctx, "Jane D.").id
        make_interaction(ctx, [ids["ana"], twin], on=TODAY - dt.timedelta(days=5))
        make_interaction(ctx, [ids["ana"], ids["jane"]], on=TODAY - dt.timedelta(days=50))
        make_interaction(ctx, [ids["bo"], twin, ids["jane"]], on=TODAY - dt.timedelta(days=8))
    with open_ctx() as ctx:
        before = _consistent(ctx)
        merge.merge(ctx, ids["jane"], twin)
    with open_ctx() as ctx:
        kept = _consistent(ctx)
        assert kept[ids["ana"], ids["jane"]] == (2, TODAY - dt.timedelta(days=5))
        assert kept[ids["jane"], ids["bo"]] == (1, TODAY - dt.timedelta(days=8))
        assert not any(twin in pair for pair in kept)
        reason = _reason(ctx, ids["jane"], "Ana Lima")
        assert reason is not None and "2 conversations of yours" in reason
        journal.undo(ctx)
    with open_ctx() as ctx:
        assert _consistent(ctx) == before


def test_an_older_database_has_its_ties_filled_when_first_opened(
    database_url: str, tmp_path: Path
) -> None:
    first = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    with first.open(write=True) as ctx:
        ids = _people(ctx)
        make_interaction(ctx, [ids["ana"], ids["jane"]], on=TODAY - dt.timedelta(days=5))
    migrated_back_to(first.engine, "0015")
    first.dispose()
    again = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    with again.open(today=TODAY) as ctx:
        assert _kept(ctx) == {(ids["ana"], ids["jane"]): (1, TODAY - dt.timedelta(days=5))}
    again.dispose()


def test_rapport_reindex_works_the_ties_out_again(database_url: str, tmp_path: Path) -> None:
    app = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    with app.open(write=True, today=TODAY) as ctx:
        ids = _people(ctx)
        make_interaction(ctx, [ids["ana"], ids["jane"]], on=TODAY - dt.timedelta(days=5))
    with app.engine.begin() as conn:
        conn.execute(text("DELETE FROM person_tie"))
    said = Cli(database_url, TODAY.isoformat(), str(tmp_path))("reindex").stdout
    assert "Warm paths rebuilt: 1 pair of people who were in the same conversations." in said
    with app.open(today=TODAY) as ctx:
        assert _kept(ctx) == {(ids["ana"], ids["jane"]): (1, TODAY - dt.timedelta(days=5))}
    app.dispose()
