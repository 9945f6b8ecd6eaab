"""Many people at once: `rapport serve` as a user runs it, asked for one page by N
clients at the same time, over real sockets on the loopback.

    python -m bench.concurrency bench/out/env-sqlite.json            # Today, 20 clients, 15 s
    python -m bench.concurrency bench/out/env-postgres.json --path /people --clients 20

The network is the one a `python -m bench` run loaded (its env file). The server is a
process of its own (`rapport serve`, one uvicorn worker, "today" pinned to the
network's day); the clients are threads of this process, each with a kept-alive
connection and the owner's session cookie, asking again as soon as an answer comes.
Prints requests per second, the median, p95 and p99 latency, and any answer that
was not 200. Bounded: it stops after `--seconds` or `--max-requests`, whichever first.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import OWNER_EMAIL
from bench.ops import Env
from bench.web import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    failures: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, elapsed_ms: float) -> None:
        with self.lock:
            if status == 200:
                self.latencies_ms.append(elapsed_ms)
            else:
                self.failures[status] = self.failures.get(status, 0) + 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def ensure_owner(env: Env) -> None:
    """The owner's sign-in, made once (cheaply hashed: signing in is not measured)."""
    from argon2 import PasswordHasher

    from bench.ops import app
    from rapport.services import accounts

    rapport = app(env)
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    if accounts.count(rapport) == 0:
        accounts.add(rapport, OWNER_EMAIL, PASSWORD)


def start_server(env: Env, port: int) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "RAPPORT_DATABASE_URL": env.url,
        "RAPPORT_DATA_DIR": env.data_dir,
        "RAPPORT_TODAY": env.today,
        "RAPPORT_WARM": "0",
    }
    command = [sys.executable, "-m", "rapport", "serve", "--host", HOST, "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = server.stderr.read().decode() if server.stderr else ""
            raise RuntimeError(f"rapport serve exited {server.returncode}: {error[-2000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("rapport serve did not start listening within 60 s")


def sign_in(port: int) -> str:
    """The session cookie of the owner, signed in through the login form."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", "/login")
    page = connection.getresponse()
    body = page.read().decode()
    cookies = _cookies(page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', body)
    form = urllib.parse.urlencode(
        {"email": OWNER_EMAIL, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
    connection.request("POST", "/login", body=form, headers=headers)
    answer = connection.getresponse()
    answer.read()
    if answer.status not in (302, 303):
        raise RuntimeError(f"could not sign in: {answer.status}")
    session = _cookies(answer)
    connection.close()
    return "; ".join(c for c in (cookies, session) if c)


def _cookies(response: http.client.HTTPResponse) -> str:
    found = [v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
    return "; ".join(found)


def client(
    port: int, path: str, cookie: str, until: float, budget: list[int], tally: Tally
) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie}
    while time.monotonic() < until:
        with tally.lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            status = 0
        tally.add(status, (time.perf_counter() - started) * 1000)
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(env: Env, path: str, clients: int, seconds: float, max_requests: int) -> dict[str, float]:
    ensure_owner(env)
    port = free_port()
    server = start_server(env, port)
    try:
        cookie = sign_in(port)
        warm = Tally()
        client(port, path, cookie, time.monotonic() + 2, [20], warm)  # caches, first render
        tally, budget = Tally(), [max_requests]
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=client, args=(port, path, cookie, until, budget, tally))
            for _ in range(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    done = tally.latencies_ms
    if not done:
        raise RuntimeError(f"no request answered 200 (failures: {tally.failures})")
    return {
        "requests": len(done),
        "failed": sum(tally.failures.values()),
        "seconds": elapsed,
        "per_second": len(done) / elapsed,
        "median_ms": statistics.median(done),
        "p95_ms": percentile(done, 0.95),
        "p99_ms": percentile(done, 0.99),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency", description=__doc__)
    parser.add_argument("env", type=Path, help="an env file of a bench run (bench/out/env-*.json)")
    parser.add_argument("--path", default="/", help="the page asked for (default: Today)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    args = parser.parse_args(argv)
    env = Env.read(args.env)
    found = run(env, args.path, args.clients, args.seconds, args.max_requests)
    print(
        f"{args.path} on {env.backend}, {args.clients} clients: "
        f"{found['per_second']:.1f} requests/s ({found['requests']:,.0f} in "
        f"{found['seconds']:.1f} s), median {found['median_ms']:.1f} ms, "
        f"p95 {found['p95_ms']:.1f} ms, p99 {found['p99_ms']:.1f} ms, "
        f"{found['failed']:.0f} failed; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
