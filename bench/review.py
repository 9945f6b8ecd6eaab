"""`python -m bench.review`: matching by evidence on the benchmark network. A LinkedIn
export drawn from the network (`bench.files.linkedin`: most rows name people already
there, about one in eight with their email) is imported, then imported again; the
counts say how many rows updated someone by a key, were kept for review (a name
alone), or were created. Then the review page and the API's list are timed with
the queue that import left (5,000 proposals or so at the default size), served
in-process and signed in as a browser would be.

    python -m bench.review --people 10000 --rows 10000
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import db, files
from bench.generate import Spec, generate
from bench.measure import time_runs
from bench.ops import Env


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.review", description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the LinkedIn export")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each page")
    parser.add_argument("--out", type=Path, help="folder for the database (default: temporary)")
    return parser.parse_args(argv)


def _import(url: str, folder: Path, path: Path, spec: Spec) -> tuple[Any, float]:
    from rapport.services import imports

    app = db.open_app(url, folder)
    try:
        start = time.perf_counter()
        with app.open(write=True, today=spec.today) as ctx:
            summary = imports.run(ctx, path)
        return summary, time.perf_counter() - start
    finally:
        app.dispose()


def _line(label: str, summary: Any, seconds: float) -> str:
    return (
        f"{label:<12} {summary.updated:>7} keyed updates  {summary.proposed:>7} proposals  "
        f"{summary.created:>7} created  {summary.unchanged:>7} unchanged  "
        f"({summary.role_changes} role changes)  {seconds:6.1f} s"
    )


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    spec = dataclasses.replace(Spec(), people=args.people, linkedin_rows=args.rows)
    folder = args.out or Path(tempfile.mkdtemp(prefix="rapport-bench-review-"))
    folder.mkdir(parents=True, exist_ok=True)
    gen = generate(spec, with_interactions=False)
    url = db.empty_sqlite(folder / "rapport.db")
    db.load_product(url, folder, gen.network, spec.today)
    export = folder / "Connections.csv"
    files.linkedin(gen, export)
    print(f"network: {spec.people:,} people; LinkedIn export: {spec.linkedin_rows:,} rows")
    first, first_s = _import(url, folder, export, spec)
    again, again_s = _import(url, folder, export, spec)
    print(_line("import", first, first_s))
    print(_line("re-import", again, again_s))

    from bench.web import signed_in_client
    from rapport.services import review

    app = db.open_app(url, folder)
    with app.open(today=spec.today) as ctx:
        waiting = review.waiting(ctx)
        workspace_id = ctx.workspace_id
    app.dispose()
    env = Env(
        url=url,
        backend="sqlite",
        today=spec.today.isoformat(),
        workspace_id=workspace_id,
        data_dir=str(folder),
        sqlite_path=str(folder / "rapport.db"),
    )
    client = signed_in_client(env)
    last = max(1, -(-waiting // review.PER_PAGE))
    print(f"review queue: {waiting:,} proposals ({last} pages of {review.PER_PAGE})")
    for key, path in (
        ("review page 1", "/review"),
        (f"review page {last}", f"/review?page={last}"),
        ("review page, one kind", "/review?kind=same-name-org"),
        ("GET /api/v1/review", "/api/v1/review"),
        ("GET /api/v1/review 500", "/api/v1/review?per_page=500"),
    ):

        def run(target: str = path) -> int:
            response = client.get(target)
            if response.status_code != 200:
                raise RuntimeError(f"GET {target}: {response.status_code}")
            status: int = response.status_code
            return status

        result = time_runs(key, "ours", run, args.runs)
        runs = sorted(result.runs_ms)
        print(f"{key:<24} median {runs[len(runs) // 2]:8.1f} ms  (runs: {runs})")


if __name__ == "__main__":
    main()
