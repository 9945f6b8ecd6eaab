"""The processes the runner starts, so each side's memory and caches are its own.

python -m bench.worker load SPEC.json OUT_DIR RESULT.json [--postgres URL]
python -m bench.worker ops ENV.json ours|floor RUNS RESULT.json [KEY…]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import db, ops
from bench import load as network_load
from bench.generate import Spec, generate
from bench.measure import PeakMemory, Result, digest, time_runs


def _spec(path: Path) -> Spec:
    data = json.loads(path.read_text())
    data["today"] = dt.date.fromisoformat(data["today"])
    return Spec(**data)


def _timed(key: str, side: str, work: Callable[[], Any]) -> tuple[Result, Any]:
    result = Result(key, side)
    with PeakMemory() as memory:
        start = time.perf_counter()
        answer = work()
        result.runs_ms.append(round((time.perf_counter() - start) * 1000, 1))
    result.peak_rss_mb = round(memory.peak, 1)
    return result, answer


def load(spec: Spec, out: Path, postgres: tuple[str, str] | None) -> tuple[list[Result], ops.Env]:
    """Generate the network, load it with the floor and through the product, and
    describe the loaded database for the operations."""
    results = []
    gen_result, gen = _timed("generate", "ours", lambda: generate(spec))
    results.append(gen_result)
    network = gen.network
    data_dir = out / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    if postgres:
        return _load_postgres(spec, gen, postgres, data_dir, results)
    template = out / "empty.db"
    db.empty_sqlite(template)
    db.checkpoint(template)
    ours_path, floor_path = out / "rapport.db", out / "floor.db"
    ours_url = db.copy_sqlite(template, ours_path)
    db.copy_sqlite(template, floor_path)
    app = db.open_app(ours_url, data_dir)
    with app.open() as ctx:  # connect and check the schema before the clock starts
        workspace_id = ctx.workspace_id

    def product() -> Any:

        with app.open(write=True, today=spec.today) as ctx:
            return network_load.load(ctx, network)

    ours, report = _timed("load", "ours", product)
    app.dispose()
    ours.answer = digest(sorted(report.counts.items()))
    results.append(ours)
    from bench import floor

    conn = floor.connect(str(floor_path))
    floor_result, counts = _timed("load", "floor", lambda: floor.load(conn, network, workspace_id))
    conn.close()
    floor_result.answer = digest(sorted(counts.items()))
    results.append(floor_result)
    for stale in (floor_path, Path(f"{floor_path}-wal"), Path(f"{floor_path}-shm")):
        stale.unlink(missing_ok=True)
    db.checkpoint(ours_path)
    env = ops.Env(
        url=ours_url,
        backend="sqlite",
        today=spec.today.isoformat(),
        workspace_id=workspace_id,
        data_dir=str(data_dir),
        sqlite_path=str(ours_path),
        **_landmarks(gen, report.person_ids),
        counts=report.counts,
    )
    return results, env


def _landmarks(gen: Any, person_ids: list[int]) -> dict[str, Any]:
    """The people and words the operations look up: the closest tie's page, a
    topic word, and the full name of someone in the middle of the network."""
    middle = gen.network.people[gen.by_rank[len(gen.by_rank) // 50]]
    return {
        "person_id": person_ids[gen.by_rank[0]],
        "one_word": "pricing",
        "two_words": middle.full_name,
    }


def _load_postgres(
    spec: Spec, gen: Any, urls: tuple[str, str], data_dir: Path, results: list[Result]
) -> tuple[list[Result], ops.Env]:
    """Ours into the first database, the floor into the second (both made and
    dropped by the runner)."""
    from bench import floor_pg

    url, floor_url = urls
    floor_workspace = db.prepare(floor_url, data_dir)
    workspace_id = db.prepare(url, data_dir)
    app = db.open_app(url, data_dir)

    def product() -> Any:

        with app.open(write=True, today=spec.today) as ctx:
            return network_load.load(ctx, gen.network)

    ours, report = _timed("load", "ours", product)
    app.dispose()
    ours.answer = digest(sorted(report.counts.items()))
    results.append(ours)
    floor_result, counts = _timed(
        "load", "floor", lambda: floor_pg.load(floor_url, gen.network, floor_workspace)
    )
    floor_result.answer = digest(sorted(counts.items()))
    results.append(floor_result)
    env = ops.Env(
        url=url,
        backend="postgresql",
        today=spec.today.isoformat(),
        workspace_id=workspace_id,
        data_dir=str(data_dir),
        **_landmarks(gen, report.person_ids),
        counts=report.counts,
    )
    return results, env


def run_ops(env: ops.Env, side: str, runs: int, keys: list[str]) -> list[Result]:
    results = []
    for op in ops.OPERATIONS:
        if keys and op.key not in keys:
            continue
        prepare = op.ours if side == "ours" else op.floor
        if prepare is None:
            results.append(Result(op.key, side, note="no floor"))
            continue
        try:
            results.append(_measure(op, prepare, env, side, op.runs or runs))
        except ops.NotBuilt as exc:
            results.append(Result(op.key, side, note=str(exc)))
        except Exception as exc:  # report the failure in the table, keep measuring
            traceback.print_exc()
            results.append(Result(op.key, side, note=f"failed: {type(exc).__name__}: {exc}"))
    ops.cleanup(env)
    return results


def _measure(
    op: ops.Operation, prepare: Callable[[ops.Env], ops.Run], env: ops.Env, side: str, runs: int
) -> Result:
    if not op.writes:
        return time_runs(op.key, side, prepare(env), runs)
    prepare(env)  # NotBuilt before copying a database for nothing
    copy, reset = ops.scratch(env)
    reset()
    current: dict[str, Any] = {"run": prepare(copy), "fresh": True}

    def before() -> None:
        if not current.pop("fresh", False):
            reset()
            current["run"] = prepare(copy)

    return time_runs(op.key, side, lambda: current["run"](), runs, warmup=0, before_each=before)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in ("load", "ops"):
        raise SystemExit(__doc__)
    result_path, command, rest = Path(argv[0]), argv[1], argv[2:]
    payload: dict[str, Any]
    if command == "load":
        postgres = (rest[3], rest[4]) if len(rest) > 4 and rest[2] == "--postgres" else None
        results, env = load(_spec(Path(rest[0])), Path(rest[1]), postgres)
        payload = {"results": [r.to_json() for r in results], "env": dataclasses.asdict(env)}
    else:
        env = ops.Env.read(Path(rest[0]))
        side, runs = rest[1], int(rest[2])
        payload = {"results": [r.to_json() for r in run_ops(env, side, runs, rest[3:])]}
    result_path.write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
