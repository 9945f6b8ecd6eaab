"""The benchmark measures what it claims: the generator has the promised shape, and
each floor (raw sqlite3) computes the same answers as the product on a small network,
so a ratio compares the same work."""

from __future__ import annotations

import dataclasses
import sqlite3
import statistics
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench import db, files, floor, load
from bench.generate import SMALL, Generated, generate
from bench.network import InteractionRecord

from rapport.services import agenda as agenda_service
from rapport.services import health, profile, search
from rapport.services.context import Rapport

# --- the generator ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Generated:
    return generate(SMALL)


def _participations(interactions: list[InteractionRecord]) -> Counter[int]:
    return Counter(p for i in interactions for p in i.participants)


def test_the_generator_makes_the_network_it_was_asked_for(small: Generated) -> None:
    network = small.network
    assert len(network.people) == SMALL.people
    assert len(small.interactions) == SMALL.interactions
    assert len(network.organizations) == SMALL.organizations
    assert len(network.events) == SMALL.events
    assert all(p.emails for p in network.people)
    assert len({e for p in network.people for e in p.emails}) == sum(
        len(p.emails) for p in network.people
    ), "email addresses are unique"
    assert list(network.milestones)
    assert list(network.promises)
    assert list(network.favours)
    days = [i.occurred_at.date() for i in small.interactions]
    assert days == sorted(days)
    assert SMALL.first_day <= days[0] and days[-1] < SMALL.today


def test_the_same_seed_gives_the_same_network_and_another_seed_another(small: Generated) -> None:
    again = generate(SMALL)
    assert again.network.people == small.network.people
    assert again.interactions == small.interactions
    assert list(again.network.promises) == list(small.network.promises)
    other = generate(dataclasses.replace(SMALL, seed=SMALL.seed + 1))
    assert other.network.people != small.network.people


def test_a_few_close_ties_hold_much_of_the_contact_and_the_tail_little(
    small: Generated,
) -> None:
    counts = _participations(small.interactions)
    per_person = sorted((counts[p] for p in range(SMALL.people)), reverse=True)
    total = sum(per_person)
    top_tenth = sum(per_person[: SMALL.people // 10])
    assert top_tenth > 0.5 * total
    assert per_person[0] > 20 * statistics.median(per_person)
    closest = small.by_rank[0]
    assert counts[closest] == per_person[0] or counts[closest] > 0.5 * per_person[0]


def test_the_import_files_look_like_the_real_ones(small: Generated, tmp_path: Path) -> None:
    paths = files.write_all(small, tmp_path)
    lines = Path(paths["linkedin"]).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Notes:"
    header = lines.index(",".join(files.LINKEDIN_HEADER))
    assert len(lines) - header - 1 == SMALL.linkedin_rows
    mbox = Path(paths["mbox"]).read_text(encoding="utf-8")
    assert mbox.count("\nFrom MAILER-DAEMON ") + 1 == SMALL.mbox_messages
    ics = Path(paths["ics"]).read_bytes().decode()
    assert ics.count("BEGIN:VEVENT") == SMALL.ics_events
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    again = tmp_path / "again"
    files.write_all(small, again)
    assert (again / "mail.mbox").read_bytes() == Path(paths["mbox"]).read_bytes()


# --- the floor against the product ------------------------------------------------------


@dataclasses.dataclass
class Loaded:
    app: Rapport
    path: Path
    conn: sqlite3.Connection
    workspace_id: int
    person_ids: list[int]


@pytest.fixture(scope="module")
def loaded(small: Generated, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The small network loaded through the product's bulk path."""
    folder = tmp_path_factory.mktemp("bench")
    url = db.empty_sqlite(folder / "rapport.db")
    app = db.open_app(url, folder)

    with app.open(write=True, today=SMALL.today) as ctx:
        report = load.load(ctx, small.network)
        workspace_id = ctx.workspace_id
    conn = floor.connect(str(folder / "rapport.db"))
    yield Loaded(app, folder / "rapport.db", conn, workspace_id, report.person_ids)
    conn.close()
    app.dispose()


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the clock columns, in a stable order."""
    conn = sqlite3.connect(path)
    tables = [
        t
        for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_fts%' AND name != 'journal_entry'"
        )  # (the journal records when the workspace was set up, a moment of its own)
    ]
    found = {}
    for table in tables:
        columns = [
            c[1]
            for c in conn.execute(f"PRAGMA table_info({table})")
            # touch_*: what ranking check-ins reads, kept by the product's loader; the
            # floor's queries work it out from the rows themselves
            if c[1] not in ("created_at", "updated_at") and not c[1].startswith("touch_")
        ]
        found[table] = conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(columns)}"
        ).fetchall()
    found["search_fts"] = conn.execute(
        "SELECT rowid FROM search_fts WHERE search_fts MATCH 'pricing' ORDER BY rowid"
    ).fetchall()
    conn.close()
    return found


def test_the_floor_loads_the_same_rows_as_the_product(
    small: Generated, loaded: Loaded, tmp_path: Path
) -> None:
    url = db.empty_sqlite(tmp_path / "floor.db")
    assert url
    conn = floor.connect(str(tmp_path / "floor.db"))
    counts = floor.load(conn, small.network, loaded.workspace_id)
    conn.close()
    assert counts["interaction"] == SMALL.interactions
    ours, theirs = _rows(loaded.path), _rows(tmp_path / "floor.db")
    assert ours.keys() == theirs.keys()
    for table in ours:
        assert ours[table] == theirs[table], table


def test_the_agenda_floor_finds_the_same_people_in_the_same_order(loaded: Loaded) -> None:
    with loaded.app.open(today=SMALL.today) as ctx:
        ours = [i.person_id for i in agenda_service.keep_in_touch(ctx, SMALL.today)]
    assert len(ours) > 20
    assert floor.agenda(loaded.conn, loaded.workspace_id, SMALL.today) == ours


@pytest.mark.parametrize(
    "query", ["pricing", "pricing roadmap", "proposal", "caf", "Lima", "warm conversation"]
)
def test_the_search_floor_finds_the_same_things(
    small: Generated, loaded: Loaded, query: str
) -> None:
    with loaded.app.open(today=SMALL.today) as ctx:
        ours = {(r.kind, r.id) for r in search.find(ctx, query)}
    theirs = {(k, i) for k, i, _ in floor.search(loaded.conn, loaded.workspace_id, query)}
    assert ours == theirs


def test_the_search_floor_finds_a_person_by_full_name(small: Generated, loaded: Loaded) -> None:
    person = small.network.people[small.by_rank[5]]
    with loaded.app.open(today=SMALL.today) as ctx:
        ours = {(r.kind, r.id) for r in search.find(ctx, person.full_name)}
    theirs = {
        (k, i) for k, i, _ in floor.search(loaded.conn, loaded.workspace_id, person.full_name)
    }
    assert ("person", loaded.person_ids[small.by_rank[5]]) in ours
    assert ours == theirs


def test_the_person_page_floor_reads_the_same_interactions_and_health(
    small: Generated, loaded: Loaded
) -> None:
    for rank in (0, 10, SMALL.people // 2):
        pid = loaded.person_ids[small.by_rank[rank]]
        with loaded.app.open(today=SMALL.today) as ctx:
            page = profile.profile(ctx, pid)
            (facts,) = health._facts(ctx, SMALL.today, [pid], archived=True)
        theirs = floor.person_page(loaded.conn, pid, SMALL.today)
        h = theirs["health"]
        ((_last, me, them, warm, tense, months),) = h["activity"]
        ((given, received),) = h["favours"]
        ((kept, broken, overdue),) = h["promises"]
        assert (me, them, warm, tense, months) == (
            facts.initiated_by_me, facts.initiated_by_them, facts.warm, facts.tense,
            facts.months_in_touch,
        )  # fmt: skip
        assert (given or 0, received or 0) == (facts.given, facts.received)
        assert (kept or 0, broken or 0, overdue or 0) == (facts.kept, facts.broken, facts.overdue)
        assert sorted(t for (t,) in h["types"]) == sorted(facts.types)
        if rank == 0:
            assert me + them > 10 and months > 6  # the closest tie: a busy year
        assert [r[0] for r in theirs["interactions"]] == [i.id for i in page.interactions]
        assert theirs["interaction_count"] == page.interaction_count
        assert len(theirs["commitments"]) == len(page.commitments)
        assert len(theirs["milestones"]) == len(page.milestones)


def test_the_calibration_does_fixed_work_and_names_it() -> None:
    from bench.measure import calibration, calibration_text

    found = calibration()
    assert set(found) == {"python", "sqlite"} and all(v > 0 for v in found.values())
    text = calibration_text(found)
    assert text.startswith("Python ") and " ms, SQLite " in text


def test_quick_is_ten_thousand_people_and_three_runs_unless_told() -> None:
    from bench.__main__ import arguments

    quick = arguments(["--quick"])
    assert (quick.people, quick.interactions, quick.runs) == (10_000, 400_000, 3)
    assert arguments(["--quick", "--runs", "1"]).runs == 1
    full = arguments([])
    assert (full.people, full.runs) == (50_000, 5)


def test_the_concurrency_benchmark_serves_today_to_several_clients(loaded: Loaded) -> None:
    from bench import concurrency
    from bench.ops import Env

    env = Env(
        url=f"sqlite:///{loaded.path}",
        backend="sqlite",
        today=SMALL.today.isoformat(),
        workspace_id=loaded.workspace_id,
        data_dir=str(loaded.path.parent),
        sqlite_path=str(loaded.path),
    )
    found = concurrency.run(env, "/", clients=3, seconds=30, max_requests=12)
    assert found["requests"] == 12  # every answer a 200, signed in as the owner
    assert found["failed"] == 0
    assert found["median_ms"] <= found["p99_ms"]


def test_the_big_imports_run_on_a_small_network(tmp_path: Path, capsys) -> None:
    """`bench.big_imports` prepares its files and imports each in a process of its own
    (at a small size here: the figures come from the full one)."""
    from bench import big_imports

    out = tmp_path / "big"
    sizes = ["--people", "300", "--interactions", "3000", "--events", "300", "--messages", "200"]
    big_imports.main(["prepare", "--out", str(out), *sizes])
    ics_text = (out / "calendar.ics").read_text()
    assert ics_text.count("BEGIN:VEVENT") == 300
    capsys.readouterr()
    big_imports.main(["run", "--out", str(out)])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines if not line.startswith(" ")] == [
        "ics", "mbox", "restore",
    ]  # fmt: skip
    counts = [line for line in lines if line.startswith(" ")]
    assert all('"created": ' in line and '"peak_rss_mb": ' in line for line in counts), counts
