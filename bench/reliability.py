"""`python -m bench.reliability`: does Rapport keep its data under load and faults?

Five checks, each bounded in count and time, on loopback only, on SQLite and (with
`--postgres URL`) PostgreSQL:
- kill -9 during import: `rapport import` killed at random moments, then the file
  imported to the end; the database must open and hold every contact;
- kill -9 during API writes: `rapport serve` killed under writing clients and
  restarted; every write it acknowledged must be there;
- concurrent CLI writers: N processes each running `rapport log` K times;
- concurrent API clients: N clients writing for S seconds (p50/p99 per request);
- a file mutator: the sample files of tests/samples with bytes flipped, cut,
  repeated and inserted, fed to the importer: records or a RapportError, never
  another exception.
Each prints its figures: load held, faults survived, inputs tried, tracebacks,
errors, data lost. The code under test is whatever `rapport` PYTHONPATH finds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "samples"
EMAIL, PASSWORD = "bench@example.com", "correct horse battery"


@dataclass
class Row:
    check: str
    backend: str
    load: str
    faults: str = "-"
    inputs: int | str = "-"
    tracebacks: int = 0
    errors: int = 0
    lost: int = 0
    latency: str = "-"

    def cells(self) -> list[str]:
        return [
            self.check,
            self.backend,
            self.load,
            self.faults,
            str(self.inputs),
            str(self.tracebacks),
            str(self.errors),
            str(self.lost),
            self.latency,
        ]


HEADER = ["check", "backend", "load held", "faults survived", "inputs", "tracebacks"]
HEADER += ["errors", "data lost", "p50 / p99 ms"]


# --- databases and processes -------------------------------------------------------


@contextmanager
def database(backend: str, postgres: str | None, workdir: Path) -> Iterator[str]:
    """A new empty database on `backend`, dropped afterwards (PostgreSQL)."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    assert postgres
    admin_url = make_url(postgres).set(drivername="postgresql+psycopg")
    name = f"rapport_reliability_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def environment(url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "RAPPORT_DATABASE_URL": url, "RAPPORT_DATA_DIR": str(data_dir)}


def cli(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rapport", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


def prepare(env: dict[str, str]) -> str:
    """An account, a person to log with, and an API token (returned)."""
    for done in (
        cli(env, "user", "add", EMAIL, "--password-stdin", stdin=PASSWORD + "\n"),
        cli(env, "person", "add", "Ana Lima"),
    ):
        if done.returncode:
            raise SystemExit(f"could not prepare the database: {done.stderr}")
    made = cli(env, "token", "create", "reliability", "--json")
    secret: str = json.loads(made.stdout)["secret"]
    return secret


def count(url: str, table: str, where: str = "") -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return int(c.execute(text(f"SELECT count(*) FROM {table} {where}")).scalar() or 0)
    finally:
        engine.dispose()


def existing_ids(url: str, ids: list[int]) -> set[int]:
    engine = create_engine(url)
    found: set[int] = set()
    try:
        with engine.connect() as c:
            for start in range(0, len(ids), 500):
                chunk = ",".join(str(i) for i in ids[start : start + 500]) or "0"
                found |= {
                    r[0] for r in c.execute(text(f"SELECT id FROM person WHERE id IN ({chunk})"))
                }
    finally:
        engine.dispose()
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """`rapport serve` in a process of its own, on a loopback port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.port = env, log, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rapport", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2).read()
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise SystemExit(f"rapport serve did not answer; see {self.log}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback")


def post_person(base: str, token: str, name: str) -> tuple[int | None, float]:
    """The new person's id (None when the write was not acknowledged) and the time."""
    request = urllib.request.Request(
        f"{base}/api/v1/people",
        data=json.dumps({"full_name": name}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
    return (int(body["id"]) if response.status == 201 else None), time.perf_counter() - start


def percentiles(seconds: list[float]) -> str:
    if len(seconds) < 2:
        return "-"
    cuts = statistics.quantiles(seconds, n=100)
    return f"{cuts[49] * 1000:.0f} / {cuts[98] * 1000:.0f}"


# --- the checks -----------------------------------------------------------------------


def cli_writers(backend: str, url: str, work: Path, processes: int, each: int) -> Row:
    env = environment(url, work)
    prepare(env)
    before = count(url, "interaction")

    def writer(n: int) -> tuple[int, int]:
        failed = tracebacks = 0
        for k in range(each):
            done = cli(env, "log", "Ana", "-s", f"writer {n}-{k}")
            failed += done.returncode != 0
            tracebacks += "Traceback" in done.stderr
        return failed, tracebacks

    with ThreadPoolExecutor(processes) as pool:
        results = list(pool.map(writer, range(processes)))
    failed = sum(f for f, _ in results)
    logged = count(url, "interaction") - before
    return Row(
        "concurrent CLI writers",
        backend,
        f"{processes} processes × {each} `rapport log`",
        inputs=processes * each,
        tracebacks=sum(t for _, t in results),
        errors=failed,
        lost=processes * each - failed - logged,
    )


def api_clients(backend: str, url: str, work: Path, clients: int, seconds: float) -> Row:
    env = environment(url, work)
    token = prepare(env)
    server = Server(env, work / "serve.log")
    server.start()
    acked: list[int] = []
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client(n: int) -> None:
        nonlocal errors
        k = 0
        while time.monotonic() < end:
            k += 1
            try:
                made, took = post_person(server.base, token, f"Client {n} {k}")
            except (OSError, urllib.error.URLError, ValueError):
                with lock:
                    errors += 1
                continue
            with lock:
                latencies.append(took)
                if made is None:
                    errors += 1
                else:
                    acked.append(made)

    try:
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
    finally:
        server.stop()
    lost = len(acked) - len(existing_ids(url, acked))
    return Row(
        "concurrent API clients",
        backend,
        f"{clients} clients × {seconds:.0f} s: {len(acked)} writes",
        inputs=len(acked) + errors,
        tracebacks=server.tracebacks(),
        errors=errors,
        lost=lost,
        latency=percentiles(latencies),
    )


def kill_api(backend: str, url: str, work: Path, rounds: int, rng: random.Random) -> Row:
    env = environment(url, work)
    token = prepare(env)
    server = Server(env, work / "serve-killed.log")
    acked: list[int] = []
    survived = 0
    for round_ in range(rounds):
        server.start()  # answering /healthz after a kill -9 is surviving it
        survived += round_ > 0
        stop = threading.Event()

        def client(n: int, base: str = server.base, stop: threading.Event = stop) -> None:
            k = 0
            while not stop.is_set():
                k += 1
                try:
                    made, _ = post_person(base, token, f"Killed {n} {k}")
                except (OSError, urllib.error.URLError, ValueError):
                    continue  # the server is gone: not acknowledged, not counted
                if made is not None:
                    acked.append(made)

        seen = len(acked)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        first = time.monotonic() + 20  # kill mid-load: after the first acknowledged write
        while len(acked) == seen and time.monotonic() < first:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.2, 1.5))
        server.kill()
        stop.set()
        for t in threads:
            t.join()
    server.start()
    survived += 1
    server.stop()
    lost = len(acked) - len(existing_ids(url, acked))
    return Row(
        "kill -9 during API writes",
        backend,
        f"4 clients, {len(acked)} acknowledged writes",
        faults=f"{survived}/{rounds} kills",
        inputs=len(acked),
        tracebacks=server.tracebacks(),
        lost=lost,
    )


def vcards(path: Path, people: int) -> None:
    with path.open("w") as f:
        for n in range(people):
            f.write(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported Person {n}\r\n"
                f"EMAIL:person{n}@example.org\r\nORG:Firm {n % 40}\r\nEND:VCARD\r\n"
            )


def kill_import(backend: str, url: str, work: Path, rounds: int, rng: random.Random) -> Row:
    env = environment(url, work)
    prepare(env)
    people = 1500
    source = work / "many.vcf"
    vcards(source, people)
    survived = tracebacks = 0
    for _ in range(rounds):
        process = subprocess.Popen(
            [sys.executable, "-m", "rapport", "import", str(source)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(1.0, 4.0))
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate()
        tracebacks += b"Traceback" in err
        opened = cli(env, "person", "list", "--json")
        survived += opened.returncode == 0
        tracebacks += "Traceback" in opened.stderr
    if backend == "sqlite":
        engine = create_engine(url)
        with engine.connect() as c:
            if c.execute(text("PRAGMA integrity_check")).scalar() != "ok":
                survived -= 1
        engine.dispose()
    final = cli(env, "import", str(source))
    tracebacks += "Traceback" in final.stderr
    present = count(url, "person", "WHERE full_name LIKE 'Imported Person %'")
    return Row(
        "kill -9 during import",
        backend,
        f"{people} contacts, {rounds} killed imports",
        faults=f"{survived}/{rounds} kills",
        inputs=rounds + 1,
        tracebacks=tracebacks,
        errors=int(final.returncode != 0),
        lost=people - present,
    )


def mutations(data: bytes, rng: random.Random) -> bytes:
    """`data` with a few random byte-level changes."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not out:
            break
        where = rng.randrange(len(out))
        kind = rng.choice(("flip", "cut", "repeat", "insert", "truncate"))
        if kind == "flip":
            out[where] ^= 1 << rng.randrange(8)
        elif kind == "cut":
            del out[where : where + rng.randint(1, 64)]
        elif kind == "repeat":
            out[where:where] = out[where : where + rng.randint(1, 256)]
        elif kind == "insert":
            out[where:where] = rng.choice(
                (b"\x00", b"\xff\xfe", b'"', b",", b"\r\n", b"BEGIN:VCARD\r\n", b"=", "é".encode())
            )
        else:
            del out[where:]
    return bytes(out)


def mutator(work: Path, inputs: int, seconds: float, rng: random.Random) -> Row:
    from rapport.errors import RapportError
    from rapport.services import imports
    from rapport.services.context import Rapport
    from rapport.settings import Settings

    files = sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.suffix != ".md")
    app = Rapport(Settings(database_url=f"sqlite:///{work / 'mutated.db'}", data_dir=work))
    tried = tracebacks = 0
    first: list[str] = []
    end = time.monotonic() + seconds
    try:
        while tried < inputs and time.monotonic() < end:
            sample = rng.choice(files)
            data = mutations(sample.read_bytes(), rng)
            tried += 1
            try:
                with app.open(write=False) as ctx:  # rolled back: the database stays small
                    imports.run(ctx, data)
            except RapportError:
                pass
            except Exception as exc:  # anything else is a bug to report
                tracebacks += 1
                if len(first) < 3:
                    first.append(f"{sample.name}: {type(exc).__name__}: {exc}")
    finally:
        app.dispose()
    for line in first:
        print("  mutator:", line)
    return Row(
        "file mutator",
        "sqlite",
        f"{len(files)} sample files",
        inputs=tried,
        tracebacks=tracebacks,
    )


# --- running ------------------------------------------------------------------------


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__)
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--writers", type=int, default=12, help="concurrent CLI processes")
    parser.add_argument("--logs", type=int, default=2, help="`rapport log` per CLI process")
    parser.add_argument("--clients", type=int, default=20, help="concurrent API clients")
    parser.add_argument("--seconds", type=float, default=30, help="API load duration")
    parser.add_argument("--kills", type=int, default=3, help="kill -9 rounds per check")
    parser.add_argument("--mutations", type=int, default=300, help="mutated files to import")
    parser.add_argument(
        "--only", default="", help="comma-separated: import,api-kill,cli,api,mutate"
    )
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    rng = random.Random(args.seed)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    checks: list[tuple[str, Callable[[str, str, Path], Row]]] = [
        ("import", lambda b, u, w: kill_import(b, u, w, args.kills, rng)),
        ("api-kill", lambda b, u, w: kill_api(b, u, w, args.kills, rng)),
        ("cli", lambda b, u, w: cli_writers(b, u, w, args.writers, args.logs)),
        ("api", lambda b, u, w: api_clients(b, u, w, args.clients, args.seconds)),
    ]
    rows: list[Row] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rapport-reliability-") as tmp:
        for key, check in checks:
            if only and key not in only:
                continue
            for backend in backends:
                work = Path(tmp) / f"{key}-{backend}"
                work.mkdir()
                with database(backend, args.postgres, work) as url:
                    rows.append(check(backend, url, work))
                print(" | ".join(rows[-1].cells()), flush=True)
        if not only or "mutate" in only:
            work = Path(tmp) / "mutate"
            work.mkdir()
            rows.append(mutator(work, args.mutations, 60, rng))
            print(" | ".join(rows[-1].cells()), flush=True)
    print()
    print("| " + " | ".join(HEADER) + " |")
    print("|" + " --- |" * len(HEADER))
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    print(f"\n{time.monotonic() - started:.0f} s in all")
    bad = sum(r.tracebacks + r.errors + r.lost for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
