"""`python -m bench.paths [--people N --interactions N] [--db FILE] [--out DIR]`: warm
introduction paths at scale (issue 19, target: a path in under 200 ms at 50,000
people and 2,000,000 interactions).

Prints the time to fill the conversation ties from scratch (`services.ties.rebuild`:
what the first open after migration 0017 and `rapport reindex` do), a path's time
(`warm_paths.to_person`, the person page's card) for random people and for the
closest tie (who shares thousands of meetings), wall and CPU (the machine is
shared: CPU time is what the query itself costs), and what keeping the ties costs
each write: a meeting logged, one deleted, the merge of the closest tie.

The network is generated and loaded once into DIR/paths-PEOPLE-INTERACTIONS.db (or
the SQLite file given with --db, made by `python -m bench` or an earlier run) and
reused; the load fills the ties itself."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.db import checkpoint, empty_sqlite, load_product, open_app
from bench.generate import Spec, generate

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 200


def _ms(work: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU milliseconds of `work()`."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.paths", description=__doc__)
    parser.add_argument("--people", type=int, default=Spec.people)
    parser.add_argument("--interactions", type=int, default=Spec.interactions)
    parser.add_argument("--sample", type=int, default=15, help="random people asked about")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an SQLite file with the network loaded")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    spec = replace(Spec(), people=args.people, interactions=args.interactions)
    path = args.db or args.out / f"paths-{args.people}-{args.interactions}.db"
    if not path.exists():
        args.out.mkdir(parents=True, exist_ok=True)
        print(f"generating and loading {args.people:,} people, {args.interactions:,} "
              "interactions…", flush=True)  # fmt: skip
        load_product(empty_sqlite(path), args.out, generate(spec).network, spec.today)
        checkpoint(path)

    from rapport.services import interactions, ties, warm_paths
    from rapport.storage.person_ties import PersonTie
    from rapport.storage.schema import InteractionParticipant, Person

    app = open_app(f"sqlite:///{path}", path.parent)
    _ = app.engine  # migrate (and fill the ties) before any clock starts
    today = spec.today
    with app.open(write=True, today=today) as ctx:
        wall, cpu = _ms(lambda: ties.rebuild(ctx.session, ctx.workspace_id))
        pairs = ctx.session.scalar(select(func.count()).select_from(PersonTie))
    print(f"fill the ties from scratch: {wall / 1000:.1f} s ({cpu / 1000:.1f} s CPU), "
          f"{pairs:,} pairs of people")  # fmt: skip

    p = InteractionParticipant
    with app.open(today=today) as ctx:
        people = list(
            ctx.session.scalars(
                select(Person.id).where(Person.archived_at.is_(None)).order_by(Person.id)
            )
        )
        closest = ctx.session.scalar(
            select(p.person_id).group_by(p.person_id).order_by(func.count().desc()).limit(1)
        )
        shared = ctx.session.scalar(select(func.count()).where(p.person_id == closest))
    assert closest is not None
    chosen = random.Random(args.seed).sample(people, args.sample)

    def path_to(person_id: int) -> tuple[float, float]:
        with app.open(today=today) as ctx:
            return _ms(lambda: warm_paths.to_person(ctx, person_id))

    path_to(chosen[0])  # the first query of a process reads the schema and warms the cache
    runs = [path_to(person_id) for person_id in chosen]
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    close_wall, close_cpu = path_to(closest)
    median = statistics.median(walls)
    print(f"a path, {args.sample} random people: median {median:.0f} ms "
          f"(CPU {statistics.median(cpus):.0f}), max {max(walls):.0f} ms "
          f"(CPU {max(cpus):.0f}); target {TARGET_MS} ms: "
          f"{'met' if median < TARGET_MS else 'missed'}")  # fmt: skip
    print(f"a path to the closest tie ({shared:,} conversations): {close_wall:.0f} ms "
          f"(CPU {close_cpu:.0f})")  # fmt: skip

    others = [i for i in chosen if i != closest][:2]
    group = [closest, *others]
    with app.open(write=True, today=today) as ctx:
        at = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)
        ctx.session.execute(select(func.count()).select_from(PersonTie))  # the transaction begun
        added, again = [], []
        for _ in range(5):  # each undoes the other
            added.append(_ms(lambda: ties.conversations_added(ctx, [(group, at)]))[0])
            again.append(_ms(lambda: ties.refresh(ctx, [group]))[0])
        merged = _ms(lambda: ties.refresh_person(ctx, closest))
        meeting = interactions.InteractionIn(
            kind="meeting", occurred_at=at, participant_ids=group, summary="Bench meeting"
        )
        box: list[Any] = []
        logged = _ms(lambda: box.append(interactions.log(ctx, meeting)))
        deleted = _ms(lambda: interactions.delete_interaction(ctx, box[0].id))
    print(f"keeping the ties, a meeting of three with the closest tie (median of 5): "
          f"{statistics.median(added):.1f} ms to count it in, "
          f"{statistics.median(again):.1f} ms to work its pairs out again (a deletion, "
          f"a move); {merged[0]:.0f} ms for every tie of the closest tie (a merge)")  # fmt: skip
    print(f"the whole write through the service: logging it {logged[0]:.0f} ms, "
          f"deleting it {deleted[0]:.0f} ms")  # fmt: skip
    app.dispose()


if __name__ == "__main__":
    main()
