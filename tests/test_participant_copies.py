"""A participant row carries its interaction's moment, direction and tone (health
reads them from the (person, time) index alone): every way of writing interactions
keeps the copies equal, and the migration that added them filled them in."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

from alembic import command
from bench import load
from sqlalchemy import select, text

from rapport.adapters import backup as backup_file
from rapport.services import backup, imports, interactions, workspace
from rapport.services.context import Ctx, Rapport
from rapport.services.imports import ImportOptions
from rapport.services.interactions import InteractionIn
from rapport.settings import Settings
from rapport.storage import migrate
from rapport.storage.engine import make_engine
from rapport.storage.schema import Interaction, InteractionParticipant
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_interaction, make_person

NOON = dt.datetime.combine(TODAY, dt.time(12), dt.UTC)


def _copies(ctx: Ctx) -> list[tuple[int, bool, bool, bool]]:
    """Per participant row: (interaction id, moment equal, direction equal, tone equal)."""
    p, i = InteractionParticipant, Interaction
    rows = ctx.session.execute(
        select(p.interaction_id, p.occurred_at, p.direction, p.tone,
               i.occurred_at, i.direction, i.tone)
        .join(i, i.id == p.interaction_id)
        .where(p.workspace_id == ctx.workspace_id)
    )  # fmt: skip
    return [(r[0], r[1] == r[4], r[2] == r[5], r[3] == r[6]) for r in rows]


def _all_equal(ctx: Ctx) -> bool:
    found = _copies(ctx)
    return bool(found) and all(a and b and c for _, a, b, c in found)


def test_logged_and_bulk_logged_interactions_copy_direction_and_tone(ctx: Ctx) -> None:
    ana, bruno = make_person(ctx, "Ana").id, make_person(ctx, "Bruno").id
    make_interaction(ctx, [ana, bruno], direction="them", tone="warm")
    make_interaction(ctx, [ana], direction="me", tone="tense")
    interactions.log_many(
        ctx,
        [
            InteractionIn("email", NOON, [ana, bruno], "Re: pilot", direction="me"),
            InteractionIn("meeting", NOON, [bruno], "Review", direction="them"),
        ],
    )
    assert len(_copies(ctx)) == 6
    assert _all_equal(ctx)


def test_people_added_to_known_meetings_get_their_moment_direction_and_tone(
    open_ctx: OpenCtx,
) -> None:
    """A calendar imported again with its unknown attendees accepted: they join the
    meetings stored the first time."""
    calendar = Path(__file__).parent / "samples" / "google-calendar.ics"
    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@example.com", timezone="Europe/Lisbon")
        make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
        make_person(ctx, "Bruno Souza", emails=["bruno@globex.io"])
        imports.run(ctx, calendar)
    with open_ctx() as ctx:
        before = len(_copies(ctx))
        added = imports.run(ctx, calendar, ImportOptions(add_people=True))
    assert added.updated == 2
    with open_ctx(write=False) as ctx:
        assert len(_copies(ctx)) > before
        assert _all_equal(ctx)


def test_a_bulk_load_copies_them(ctx: Ctx) -> None:
    from bench.generate import SMALL, generate

    load.load(ctx, generate(SMALL).network)
    assert len(_copies(ctx)) > 5000
    assert _all_equal(ctx)


def test_a_backup_from_before_the_copies_gets_them_on_restore(
    app: Rapport, tmp_path: Path, sqlite_template: Path
) -> None:
    with app.open(write=True, today=TODAY) as ctx:
        ana = make_person(ctx, "Ana").id
        make_interaction(ctx, [ana], direction="me", tone="warm")
        make_interaction(ctx, [ana], direction="them", tone=None)
    with app.open(today=TODAY) as ctx:
        out = io.StringIO()
        backup.export(ctx, out)
    data = json.loads(out.getvalue())
    table = data["tables"]["interaction_participant"]
    keep = [n for n, c in enumerate(table["columns"]) if c not in ("direction", "tone")]
    table["columns"] = [table["columns"][n] for n in keep]
    table["rows"] = [[row[n] for n in keep] for row in table["rows"]]
    target_path = tmp_path / "target.db"
    shutil.copy(sqlite_template, target_path)
    target = Rapport(Settings(database_url=f"sqlite:///{target_path}", data_dir=tmp_path))
    try:
        with target.open(write=True, today=TODAY) as ctx:
            backup.restore(ctx, backup_file.parse(json.dumps(data).encode("utf-8")))
        with target.open(today=TODAY) as ctx:
            assert len(_copies(ctx)) == 2
            assert _all_equal(ctx)
    finally:
        target.dispose()


def test_the_migration_fills_in_the_copies(database_url: str) -> None:
    engine = make_engine(database_url)
    config = migrate._config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
        with engine.begin() as c:
            c.execute(text("INSERT INTO workspace (id, name, timezone, settings, created_at) "
                           "VALUES (900, 'Old', 'UTC', '{}', '2026-01-01')"))  # fmt: skip
            for pid in (901, 902):
                c.execute(
                    text("INSERT INTO person (id, workspace_id, full_name, name_key, strained, "
                         "created_at, updated_at) VALUES (:id, 900, 'P', 'p', false, "
                         "'2026-01-01', '2026-01-01')"),
                    {"id": pid},
                )  # fmt: skip
            for iid, direction, tone in ((903, "me", "warm"), (904, "them", None)):
                c.execute(
                    text("INSERT INTO interaction (id, workspace_id, kind, occurred_at, "
                         "direction, summary, tone, source, created_at) VALUES (:id, 900, "
                         "'call', '2026-02-01 10:00:00', :d, 'x', :t, 'manual', '2026-02-01')"),
                    {"id": iid, "d": direction, "t": tone},
                )  # fmt: skip
                for pid in (901, 902):
                    c.execute(
                        text("INSERT INTO interaction_participant (interaction_id, person_id, "
                             "workspace_id, occurred_at) VALUES (:i, :p, 900, "
                             "'2026-02-01 10:00:00')"),
                        {"i": iid, "p": pid},
                    )  # fmt: skip
        migrate.upgrade(engine)
        with engine.connect() as c:
            rows = c.execute(
                text("SELECT interaction_id, direction, tone FROM interaction_participant "
                     "WHERE workspace_id = 900 ORDER BY interaction_id, person_id")
            ).all()  # fmt: skip
        assert [tuple(r) for r in rows] == [
            (903, "me", "warm"), (903, "me", "warm"), (904, "them", None), (904, "them", None),
        ]  # fmt: skip
    finally:
        migrate.upgrade(engine)
        engine.dispose()
