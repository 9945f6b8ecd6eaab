"""`python -m bench`: build a realistic network through the product's bulk path and
print, for each operation, our time against the floor (the same work written
directly against the database driver), their ratio, the target and the verdict.

Each side runs in a process of its own (`bench.worker`), so its memory is its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import ops
from bench.files import write_all
from bench.generate import SMALL, Spec, generate, scaled
from bench.measure import BUDGET_S, Result, calibration, calibration_text
from bench.report import Row, print_table, results_markdown

ROOT = Path(__file__).resolve().parent.parent
SERVE_TARGET = ops.Target(rss_mb=300)
QUICK = (10_000, 400_000)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--people", type=int, default=Spec.people)
    parser.add_argument("--interactions", type=int, default=Spec.interactions)
    parser.add_argument("--seed", type=int, default=Spec.seed)
    parser.add_argument("--small", action="store_true", help="300 people, 5,000 interactions")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="10,000 people, 400,000 interactions, 3 runs: a few minutes, to run often "
        "(the full size stays the reference)",
    )
    parser.add_argument("--runs", type=int, default=None, help="timed runs per operation (5)")
    parser.add_argument("--only", default="", help="comma-separated operation keys")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--markdown", type=Path, help="also write the tables here (Markdown)")
    parser.add_argument(
        "--sync",
        action="store_true",
        help="also run the live-sync benchmarks: a 100,000-message mailbox on Dovecot "
        "(bench.sync_imap), a 5,000-event calendar on Radicale (bench.sync_caldav) and a "
        "phone's first and incremental CardDAV sync of 30,000 cards (bench.carddav)",
    )
    parser.add_argument("--sync-only", action="store_true", help="only the live-sync benchmarks")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the network loaded by the previous run in --out (skip the load)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.people, args.interactions = QUICK
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    return args


def worker(*args: str) -> dict[str, Any]:
    """Run `bench.worker` with `args` (the result file is appended) and read its result."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    try:
        command = [sys.executable, "-m", "bench.worker", str(result_path), *args]
        subprocess.run(command, cwd=ROOT, check=True)
        data: dict[str, Any] = json.loads(result_path.read_text())
        return data
    finally:
        result_path.unlink(missing_ok=True)


def results(data: dict[str, Any]) -> dict[str, Result]:
    return {r["key"]: Result.from_json(r) for r in data["results"]}


def run_process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time (ms) and peak resident memory (MB) of a whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        error = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {error}")
    if process.stderr:
        process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def time_process(key: str, side: str, command: list[str], env: dict[str, str], runs: int) -> Result:
    result = Result(key, side)
    try:
        run_process(command, env)  # warm the disk cache
        peak = spent = 0.0
        while len(result.runs_ms) < runs and spent < BUDGET_S:
            elapsed, rss = run_process(command, env)
            result.runs_ms.append(round(elapsed, 1))
            peak, spent = max(peak, rss), spent + elapsed / 1000
        result.peak_rss_mb = round(peak, 1)
    except RuntimeError as exc:
        result.note = f"failed: {exc}"[:200]
    return result


def cli_rows(env: ops.Env, runs: int, *, with_help: bool = True) -> list[Row]:
    """The read commands as a user runs them, from process start (`bench.cli`)."""
    from bench import cli

    found = cli.rows(env, runs)
    return found if with_help else [r for r in found if "--help" not in r.title]


def measure(
    env: ops.Env, env_path: Path, load: dict[str, Result], runs: int, keys: list[str], label: str
) -> list[Row]:
    env.save(env_path)
    print(f"[{label}] operations, ours…", flush=True)
    ours = results(worker("ops", str(env_path), "ours", str(runs), *keys))
    print(f"[{label}] operations, floor…", flush=True)
    floor = results(worker("ops", str(env_path), "floor", str(runs), *keys))
    people, interactions = env.counts.get("person", 0), env.counts.get("interaction", 0)
    rows = [
        Row("generate the network (bench only, not timed against)", load["generate"]),
        Row(
            f"bulk load: {people:,} people, {interactions:,} interactions",
            load["load"],
            load["load_floor"],
        ),
    ]
    for op in ops.OPERATIONS:
        if op.key in ours:
            rows.append(Row(op.title, ours[op.key], floor.get(op.key), op.target, op.compare))
    web = [ours[k] for k in ("web_today", "web_people", "web_person") if k in ours]
    served = [r.peak_rss_mb for r in web if r.peak_rss_mb is not None and not r.note]
    serve = Result("serve", "ours", peak_rss_mb=max(served) if served else None)
    if not served:
        serve.note = web[0].note if web and web[0].note else "not measured"
    rows.append(Row("serve process: peak RSS over the web requests", serve, None, SERVE_TARGET))
    return rows


def run_sqlite(spec_path: Path, args: argparse.Namespace, files: dict[str, str]) -> list[Row]:
    saved = args.out / "load-sqlite.json"
    if args.reuse and saved.exists() and (args.out / "rapport.db").exists():
        print("[SQLite] reusing the network loaded by the previous run", flush=True)
        data = json.loads(saved.read_text())
    else:
        print("[SQLite] generating and loading the network (ours, then the floor)…", flush=True)
        data = worker("load", str(spec_path), str(args.out))
        saved.write_text(json.dumps(data))
    load = _load_results(data)
    env = ops.Env(**data["env"])
    env.files = files
    keys = [k for k in args.only.split(",") if k]
    rows = measure(env, args.out / "env-sqlite.json", load, args.runs, keys, "SQLite")
    print("[SQLite] command line…", flush=True)
    return rows + cli_rows(env, args.runs)


def _load_results(data: dict[str, Any]) -> dict[str, Result]:
    found = {}
    for r in data["results"]:
        result = Result.from_json(r)
        key = result.key if result.side == "ours" else f"{result.key}_floor"
        found[key] = result
    return found


def run_postgres(
    spec_path: Path, args: argparse.Namespace, files: dict[str, str]
) -> tuple[list[Row], str]:
    from bench.db import postgres_database
    from bench.floor_pg import server_version

    with postgres_database(args.postgres) as url:
        print("[PostgreSQL] generating and loading the network (ours, then the floor)…")
        with postgres_database(args.postgres) as floor_url:
            data = worker("load", str(spec_path), str(args.out), "--postgres", url, floor_url)
        load = _load_results(data)
        env = ops.Env(**data["env"])
        env.files = files
        keys = [k for k in args.only.split(",") if k]
        rows = measure(env, args.out / "env-postgres.json", load, args.runs, keys, "PostgreSQL")
        rows += cli_rows(env, args.runs, with_help=False)
        return rows, server_version(url)


def run_sync_benchmarks() -> None:
    """The live-sync benchmarks, each in a process of its own (they start their servers)."""
    for module in ("bench.sync_imap", "bench.sync_caldav", "bench.carddav"):
        print(f"== python -m {module}", flush=True)
        subprocess.run([sys.executable, "-m", module], cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.sync_only:
        run_sync_benchmarks()
        return
    base = dataclasses.replace(SMALL if args.small else Spec(), seed=args.seed)
    spec = base if args.small else scaled(base, args.people, args.interactions)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    speed_before = calibration()
    print(f"machine speed (fixed work, lower is faster): {calibration_text(speed_before)}")
    spec_path = args.out / "spec.json"
    spec_path.write_text(json.dumps(dataclasses.asdict(spec), default=str, indent=2))
    print(f"writing the import files into {args.out / 'files'}…", flush=True)
    files = write_all(generate(spec, with_interactions=False), args.out / "files")
    sections: list[tuple[str, list[Row]]] = []
    pg_version = None
    if not args.no_sqlite:
        sections.append(("SQLite", run_sqlite(spec_path, args, files)))
        print_table("SQLite", sections[-1][1])
    if args.postgres:
        rows, pg_version = run_postgres(spec_path, args, files)
        sections.append(("PostgreSQL", rows))
        print_table("PostgreSQL", rows)
    total = time.perf_counter() - started
    speed_after = calibration()
    print(f"machine speed at the end: {calibration_text(speed_after)}")
    notes = [
        "machine speed (fixed work, lower is faster; `bench.measure.calibration`): "
        f"{calibration_text(speed_before)} at the start, {calibration_text(speed_after)} "
        "at the end",
        f"network: {spec.people:,} people, {spec.interactions:,} interactions, seed {spec.seed}, "
        f"today {spec.today}",
        f"medians of up to {args.runs} runs after one warm-up; an operation stops repeating "
        f"once its runs took {BUDGET_S:.0f} s, and a first run over 1 s counts (no warm-up); "
        "imports run each time on a fresh copy of the database; the load runs once",
        f"whole benchmark: {total:.0f} s",
    ]
    print(f"whole benchmark: {total:.0f} s")
    if args.sync:
        run_sync_benchmarks()
    if args.markdown:
        args.markdown.write_text(results_markdown(sections, notes, pg_version))
        print(f"tables written to {args.markdown}")


if __name__ == "__main__":
    main()
