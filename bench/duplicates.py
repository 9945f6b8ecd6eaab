"""`python -m bench.duplicates [--people N] [--out DIR]`: time the duplicate finder
(`services.duplicates.candidates`, what `rapport duplicates` runs) on the benchmark
network's people (no interactions: the finder never reads them), and print how many
pairs it proposes at the default threshold and by what evidence.

The network is generated and loaded once into DIR/duplicates-N.db and reused."""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from bench.db import checkpoint, empty_sqlite, load_product, open_app
from bench.generate import Spec, generate

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.duplicates", description=__doc__)
    parser.add_argument("--people", type=int, default=Spec.people)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    spec = replace(Spec(), people=args.people, interactions=0)
    path = args.out / f"duplicates-{args.people}.db"
    if not path.exists():
        print(f"generating and loading {args.people:,} people…", flush=True)
        network = generate(spec, with_interactions=False).network
        network.milestones, network.promises, network.favours = (), (), ()
        load_product(empty_sqlite(path), args.out, network, spec.today)
        checkpoint(path)
    from rapport.services import duplicates

    app = open_app(f"sqlite:///{path}", args.out)
    times = []
    try:
        for _ in range(args.runs):
            with app.open(today=spec.today) as ctx:
                start = time.perf_counter()
                duplicates.candidates(ctx)  # as `rapport duplicates` asks: the best 200
                times.append(time.perf_counter() - start)
        with app.open(today=spec.today) as ctx:
            pairs = duplicates.candidates(ctx, limit=1_000_000)  # all of them, to count
    finally:
        app.dispose()
    kinds = Counter(p.reasons[0].split(" (")[0] for p in pairs)
    print(f"{args.people:,} people: {len(pairs):,} pairs at the default threshold")
    for kind, n in kinds.most_common(8):
        print(f"  {n:>6,}  {kind}")
    print(f"median {statistics.median(times) * 1000:,.0f} ms over {args.runs} runs "
          f"({', '.join(f'{t * 1000:,.0f}' for t in times)} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
