"""`python -m bench.semantic`: "who do I know who…" at scale, with the real model.

Generates the bench network (bench.generate; 50,000 people and 2,000,000 conversations
by default), loads it into a SQLite file through the product's bulk path (no vectors:
everyone waits), then measures:
- the index build: every person embedded (services.semantic.embed_waiting, as
  `rapport reindex` and the scheduler do), its time and the process's peak memory;
- a question: `who` end to end (keyword search, the question embedded, the matrix
  product, fusion, reasons), the median of the questions below, after one to warm up;
- a write: a person's interests changed through the service (which marks the vector
  stale), the median, and then the cost of embedding that one person again.
Targets (issue 19): a question < 150 ms, the build < 10 minutes, a write < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import db
from bench.generate import Spec, generate, scaled
from bench.measure import PeakMemory, rss_mb

QUESTIONS = (
    "works on climate tech in Lisbon",
    "someone who could invest in my seed round",
    "machine learning engineer",
    "knows about pricing",
    "met at a conference in Berlin",
    "head of sales",
    "loves hiking",
    "product designer in London",
    "could introduce me to a bank",
    "works in healthcare",
    "an old colleague from Acme",
    "Ana",
)
WRITES = 20


def run(people: int, interactions: int, threads: int | None) -> dict[str, Any]:
    import torch

    from rapport.services import people as people_service
    from rapport.services import semantic
    from rapport.storage import vectors

    if threads:  # before the model loads (services.semantic reads it then)
        os.environ["RAPPORT_EMBED_THREADS"] = str(threads)
        torch.set_num_threads(threads)
    spec = scaled(Spec(), people, interactions)
    out: dict[str, Any] = {"people": people, "interactions": interactions}
    started = time.perf_counter()
    gen = generate(spec)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = db.empty_sqlite(path)
        db.load_product(url, Path(tmp), gen.network, spec.today)
        out["load_s"] = round(time.perf_counter() - started, 1)
        app = db.open_app(url, Path(tmp))
        try:
            t = time.perf_counter()
            semantic.model()
            out["model_load_s"] = round(time.perf_counter() - t, 1)
            with PeakMemory() as memory:
                t = time.perf_counter()
                done = semantic.embed_waiting(app, batch=256)
                out["build_s"] = round(time.perf_counter() - t, 1)
            out["embedded"] = done
            out["people_per_s"] = round(done / max(out["build_s"], 1e-9), 1)
            out["build_peak_rss_mb"] = round(memory.peak, 1)
            semantic.who(app, QUESTIONS[0], catch_up=0)  # reads the matrix once
            times = []
            for question in QUESTIONS:
                t = time.perf_counter()
                semantic.who(app, question, catch_up=0)
                times.append((time.perf_counter() - t) * 1000)
            out["question_median_ms"] = round(statistics.median(times), 1)
            out["question_max_ms"] = round(max(times), 1)
            with app.open() as ctx:
                ids = [p.id for p in people_service.listing(ctx, limit=WRITES)[0]]
            writes, marks, embeds = [], [], []
            for i, pid in enumerate(ids):
                t = time.perf_counter()
                with app.open(write=True) as ctx:
                    people_service.edit(ctx, pid, {"interests": f"sailing and chess {i}"})
                    m = time.perf_counter()
                    vectors.mark_stale(ctx.session, [pid])  # what the write adds for who
                    marks.append((time.perf_counter() - m) * 1000)
                writes.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                semantic.embed_waiting(app, most=1)
                embeds.append((time.perf_counter() - t) * 1000)
            out["write_median_ms"] = round(statistics.median(writes), 1)
            out["mark_stale_median_ms"] = round(statistics.median(marks), 2)
            out["reembed_one_median_ms"] = round(statistics.median(embeds), 1)
            out["rss_mb_after"] = round(rss_mb(), 1)
        finally:
            app.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument(
        "--interactions", type=int, default=None, help="conversations (40 per person)"
    )
    parser.add_argument("--threads", type=int, default=None, help="torch threads (all cores)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    interactions = args.interactions if args.interactions is not None else args.people * 40
    result = run(args.people, interactions, args.threads)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    build_50k = result["build_s"] * 50_000 / max(result["people"], 1)
    print(f"who do I know who… — {result['people']:,} people, {interactions:,} conversations")
    print(f"  network generated and loaded   {result['load_s']} s")
    print(f"  model loaded                   {result['model_load_s']} s")
    print(
        f"  index built                    {result['build_s']} s "
        f"({result['people_per_s']} people/s, peak {result['build_peak_rss_mb']} MB; "
        f"50,000 people: {build_50k / 60:.1f} min at this rate; target < 10 min)"
    )
    print(
        f"  a question (median)            {result['question_median_ms']} ms "
        f"(slowest {result['question_max_ms']} ms; target < 150 ms)"
    )
    print(
        f"  a write (median)               {result['write_median_ms']} ms, of which marking "
        f"the vector stale {result['mark_stale_median_ms']} ms (target < 50 ms)"
    )
    print(f"  that person embedded again     {result['reembed_one_median_ms']} ms")


if __name__ == "__main__":
    main()
