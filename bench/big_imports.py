"""Imports at real size (issue 20), each in a fresh process on a fresh copy of the
loaded network, with its wall time and peak resident memory:

    python -m bench.big_imports prepare --people 10000 --interactions 400000 --out DIR
    python -m bench.big_imports run --out DIR [--only ics,mbox,restore]

`prepare` loads the network through the product's bulk path and writes a 10-year
calendar of 240,000 events, an mbox of 160,000 messages and the network's JSON
backup; `run` imports each (the backup into an empty database) and prints one line
per file: seconds, peak RSS and what was imported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from bench import db
from bench.files import ics, mbox
from bench.generate import Spec, generate, scaled

ROOT = Path(__file__).resolve().parent.parent


def prepare(args: argparse.Namespace) -> None:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    spec = scaled(Spec(), args.people, args.interactions)
    spec = replace(spec, mbox_messages=args.messages, ics_events=args.events)
    gen = generate(spec)
    data_dir = out / "data"
    data_dir.mkdir(exist_ok=True)
    db.empty_sqlite(out / "empty.db")
    db.checkpoint(out / "empty.db")
    url = db.copy_sqlite(out / "empty.db", out / "network.db")
    db.load_product(url, data_dir, gen.network, spec.today)
    db.checkpoint(out / "network.db")
    ics(gen, out / "calendar.ics", days=365 * 10, series=0.02)
    mbox(gen, out / "mail.mbox")
    app = db.open_app(url, data_dir)
    try:
        from rapport.services import backup

        with app.open() as ctx, (out / "backup.json").open("w", encoding="utf-8") as stream:
            backup.export(ctx, stream)
    finally:
        app.dispose()
    (out / "spec.json").write_text(json.dumps({"today": spec.today.isoformat()}))


def _import(out: Path, database: Path, file: Path, fmt: str) -> None:
    """In this process: import `file` into `database`; print the counts."""
    from rapport.services import imports

    today = json.loads((out / "spec.json").read_text())["today"]
    import datetime as dt

    app = db.open_app(f"sqlite:///{database}", out / "data")
    try:
        with app.open(write=True, today=dt.date.fromisoformat(today)) as ctx:
            summary = imports.run(ctx, file, imports.ImportOptions(format=fmt))
    finally:
        app.dispose()
    used = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "created": summary.created,
                "updated": summary.updated,
                "people_created": summary.people_created,
                "skipped": len(summary.skipped),
                "ignored": len(summary.ignored),
                "peak_rss_mb": used.ru_maxrss // 1024,
                "cpu_s": round(used.ru_utime + used.ru_stime, 1),
            }
        )
    )


CASES = {
    "ics": ("network.db", "calendar.ics", "ics"),
    "mbox": ("network.db", "mail.mbox", "mail"),
    "restore": ("empty.db", "backup.json", "backup"),
}


def run(args: argparse.Namespace) -> None:
    out: Path = args.out
    for key in args.only.split(","):
        base, file, fmt = CASES[key]
        target = out / f"scratch-{key}.db"
        db.copy_sqlite(out / base, target)
        command = [sys.executable, "-m", "bench.big_imports", "one", str(out), str(target)]
        command += [str(out / file), fmt]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        size = (out / file).stat().st_size / 1e6
        answer = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-800:]
        load = os.getloadavg()[0]
        print(f"{key}: {size:.0f} MB file, {seconds:.1f} s (process; load average {load:.1f})")
        print(f"    {answer}", flush=True)
        for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            stale.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "one":
        _import(Path(argv[1]), Path(argv[2]), Path(argv[3]), argv[4])
        return
    parser = argparse.ArgumentParser(prog="python -m bench.big_imports", description=__doc__)
    parser.add_argument("action", choices=["prepare", "run"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "big")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=400_000)
    parser.add_argument("--events", type=int, default=240_000)
    parser.add_argument("--messages", type=int, default=160_000)
    parser.add_argument("--only", default="ics,mbox,restore")
    args = parser.parse_args(argv)
    (prepare if args.action == "prepare" else run)(args)


if __name__ == "__main__":
    main()
