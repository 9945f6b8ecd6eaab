"""The operations the benchmark measures: for each, how the product does it and how
the floor does it, and the target it must meet.

Adding an operation is a few lines: a function that prepares the product's run, one
that prepares the floor's (or None), and an `Operation` in OPERATIONS. A `prepare`
function does the untimed set-up and returns the callable that is timed; that
callable returns the answer, so the runner can check that both sides agree. Product
code that does not exist yet raises NotBuilt, and the table says so.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

Run = Callable[[], Any]


class NotBuilt(Exception):
    """The product code an operation measures does not exist (yet)."""


def need(module: str, *names: str) -> Any:
    """`module` if it exists and has `names`; NotBuilt otherwise."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise NotBuilt(f"not yet built: {module}") from exc
        raise
    missing = [n for n in names if not hasattr(found, n)]
    if missing:
        raise NotBuilt(f"not wired: {module} has no {', '.join(missing)}")
    return found


@dataclass(frozen=True)
class Target:
    ms: float | None = None
    ratio: float | None = None
    rss_mb: float | None = None

    def text(self) -> str:
        parts = []
        if self.ms is not None:
            parts.append(f"< {self.ms:g} ms" if self.ms < 1000 else f"< {self.ms / 1000:g} s")
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}× floor")
        if self.rss_mb is not None:
            parts.append(f"< {self.rss_mb:g} MB")
        return ", ".join(parts)


@dataclass
class Env:
    """What the operations need to know about the loaded network (written by the load
    step as JSON, read by each worker)."""

    url: str
    backend: str  # sqlite or postgresql
    today: str
    workspace_id: int
    data_dir: str
    sqlite_path: str | None = None
    person_id: int = 0  # the closest tie: the heaviest person page
    one_word: str = "pricing"
    two_words: str = ""
    files: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.today)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def read(cls, path: Path) -> Env:
        return cls(**json.loads(path.read_text()))


@dataclass(frozen=True)
class Operation:
    key: str
    title: str
    ours: Callable[[Env], Run]
    floor: Callable[[Env], Run] | None = None
    target: Target | None = None
    writes: bool = False  # runs on a fresh copy of the database each time
    runs: int | None = None  # None: the runner's --runs
    compare: bool = True  # the answers of both sides must be equal


# --- the product's side ---------------------------------------------------------------


_apps: dict[str, Any] = {}


def app(env: Env) -> Any:
    """One open Rapport per database for the worker's lifetime, as a server keeps it."""
    if env.url not in _apps:
        from bench.db import open_app

        _apps[env.url] = open_app(env.url, Path(env.data_dir))
    return _apps[env.url]


def reading(env: Env, work: Callable[[Any], Any]) -> Run:
    def run() -> Any:
        with app(env).open(today=env.day) as ctx:
            return work(ctx)

    return run


def writing(env: Env, work: Callable[[Any], Any]) -> Run:
    def run() -> Any:
        with app(env).open(write=True, today=env.day) as ctx:
            return work(ctx)

    return run


def ours_agenda(env: Env) -> Run:
    from rapport.services import agenda

    return reading(env, lambda ctx: [i.person_id for i in agenda.keep_in_touch(ctx, env.day)])


def ours_person(env: Env) -> Run:
    """What the person page reads: the profile (with the last 50 interactions) and
    the health of the tie, explained."""
    from rapport.services import health, profile

    def work(ctx: Any) -> list[int]:
        page = profile.profile(ctx, env.person_id)
        health.person_health(ctx, env.person_id)
        return [i.id for i in page.interactions]

    return reading(env, work)


def ours_search(words: Callable[[Env], str]) -> Callable[[Env], Run]:
    def prepare(env: Env) -> Run:
        from rapport.services import search

        query = words(env)
        return reading(env, lambda ctx: sorted((r.kind, r.id) for r in search.find(ctx, query)))

    return prepare


def ours_path(env: Env) -> Run:
    """Warm paths to the closest tie and who knows them (the person page's card)."""
    from rapport.services import warm_paths

    return reading(env, lambda ctx: len(warm_paths.to_person(ctx, env.person_id).known_by))


def ours_health(env: Env) -> Run:
    health = need("rapport.services.health", "scores")
    return reading(env, lambda ctx: len(health.scores(ctx, env.day)))


def ours_export(env: Env) -> Run:
    backup = need("rapport.services.backup", "export")
    target = Path(env.data_dir) / "export-ours.json"

    def work(ctx: Any) -> Any:
        with target.open("w", encoding="utf-8") as stream:
            return backup.export(ctx, stream)

    return reading(env, work)


def ours_import(fmt: str, file_key: str) -> Callable[[Env], Run]:
    def prepare(env: Env) -> Run:
        imports = need("rapport.services.imports", "run", "ImportOptions")
        path = Path(env.files[file_key])
        options = imports.ImportOptions(format=fmt)
        return writing(env, lambda ctx: _counted(imports.run(ctx, path, options)))

    return prepare


def _counted(summary: Any) -> dict[str, int]:
    return {k: getattr(summary, k, 0) for k in ("created", "updated", "people_created")}


def ours_web(path: Callable[[Env], str]) -> Callable[[Env], Run]:
    def prepare(env: Env) -> Run:
        from bench.web import signed_in_client

        client = signed_in_client(env)
        target = path(env)

        def run() -> Any:
            response = client.get(target)
            if response.status_code != 200:
                raise RuntimeError(f"GET {target}: {response.status_code}")
            return response.status_code

        return run

    return prepare


# --- the floor's side -------------------------------------------------------------------


def _sqlite(env: Env) -> sqlite3.Connection:
    from bench import floor

    if env.backend != "sqlite" or not env.sqlite_path:
        raise NotBuilt("no floor on this backend")
    return floor.connect(env.sqlite_path)


def floor_agenda(env: Env) -> Run:
    from bench import floor

    if env.backend == "postgresql":
        from bench import floor_pg

        pg = floor_pg.connect(env.url)
        return lambda: floor_pg.agenda(pg, env.workspace_id, env.day)
    conn = _sqlite(env)
    return lambda: floor.agenda(conn, env.workspace_id, env.day)


def floor_person(env: Env) -> Run:
    from bench import floor

    if env.backend == "postgresql":
        from bench import floor_pg

        pg = floor_pg.connect(env.url)
        return lambda: [
            r[0] for r in floor_pg.person_page(pg, env.person_id, env.day)["interactions"]
        ]
    conn = _sqlite(env)
    return lambda: [r[0] for r in floor.person_page(conn, env.person_id, env.day)["interactions"]]


def floor_search(words: Callable[[Env], str]) -> Callable[[Env], Run]:
    def prepare(env: Env) -> Run:
        from bench import floor

        query = words(env)
        if env.backend == "postgresql":
            from bench import floor_pg

            pg = floor_pg.connect(env.url)
            return lambda: sorted(
                (k, i) for k, i, _ in floor_pg.search(pg, env.workspace_id, query)
            )
        conn = _sqlite(env)
        return lambda: sorted((k, i) for k, i, _ in floor.search(conn, env.workspace_id, query))

    return prepare


def floor_export(env: Env) -> Run:
    from bench import floor

    conn = _sqlite(env)
    target = Path(env.data_dir) / "export-floor.json"
    return lambda: floor.export(conn, env.workspace_id, target)


def floor_import(kind: str, file_key: str) -> Callable[[Env], Run]:
    def prepare(env: Env) -> Run:
        from bench import floor_imports

        path = Path(env.files[file_key])
        run = floor_imports.importer(kind)
        conn = _sqlite(env)
        return lambda: run(conn, env.workspace_id, path)

    return prepare


def scratch(env: Env) -> tuple[Env, Callable[[], None]]:
    """An Env on a scratch copy of the loaded SQLite database, and the (untimed) reset
    that copies it afresh before each run of an operation that writes."""
    from bench.db import copy_sqlite

    if env.backend != "sqlite" or not env.sqlite_path:
        raise NotBuilt("writing operations are measured on SQLite only")
    source = Path(env.sqlite_path)
    target = Path(env.data_dir, "scratch", source.name)
    target.parent.mkdir(exist_ok=True)
    copy = Env(**{**asdict(env), "sqlite_path": str(target), "url": f"sqlite:///{target}"})

    def reset() -> None:
        if copy.url in _apps:
            _apps.pop(copy.url).dispose()
        copy_sqlite(source, target)

    return copy, reset


OPERATIONS = [
    Operation(
        "linkedin",
        "LinkedIn import (Connections.csv)",
        ours_import("linkedin", "linkedin"),
        floor_import("linkedin", "linkedin"),
        Target(ms=5000),
        writes=True,
        runs=3,
        compare=False,
    ),
    Operation(
        "mbox",
        "mbox import",
        ours_import("mail", "mbox"),
        floor_import("mbox", "mbox"),
        Target(ms=15000),
        writes=True,
        runs=3,
        compare=False,
    ),
    Operation(
        "ics",
        ".ics import",
        ours_import("ics", "ics"),
        floor_import("ics", "ics"),
        writes=True,
        runs=3,
        compare=False,
    ),
    Operation("agenda", "today's agenda", ours_agenda, floor_agenda, Target(ms=100, ratio=3)),
    Operation(
        "person",
        "person page data with health (closest tie)",
        ours_person,
        floor_person,
        Target(ms=30),
    ),
    Operation(
        "search1",
        "search, one word",
        ours_search(lambda e: e.one_word),
        floor_search(lambda e: e.one_word),
        Target(ms=50),
    ),
    Operation(
        "search2",
        "search, two words",
        ours_search(lambda e: e.two_words),
        floor_search(lambda e: e.two_words),
        Target(ms=50),
    ),
    Operation("health", "health scores, everyone", ours_health, None, Target(ms=2000)),
    Operation("path", "warm paths to a person", ours_path, None, Target(ms=200), compare=False),
    Operation("export", "JSON export", ours_export, floor_export, runs=3, compare=False),
    Operation("web_today", "web: Today page", ours_web(lambda e: "/"), None, compare=False),
    Operation("web_people", "web: People page", ours_web(lambda e: "/people"), None, compare=False),
    Operation(
        "web_person",
        "web: Person page (closest tie)",
        ours_web(lambda e: f"/people/{e.person_id}"),
        None,
        compare=False,
    ),
]
BY_KEY = {op.key: op for op in OPERATIONS}


def cleanup(env: Env) -> None:
    for app_ in _apps.values():
        app_.dispose()
    _apps.clear()
    for name in ("export-ours.json", "export-floor.json"):
        Path(env.data_dir, name).unlink(missing_ok=True)
    shutil.rmtree(Path(env.data_dir, "scratch"), ignore_errors=True)
