"""The command line's wall time, as a user lives it: each read command run as a fresh
process, its median next to the interpreter's floor and the target.

    python -m bench.cli ENV.json [--runs 7]

ENV.json is the description of a loaded network that `python -m bench` writes
(bench/out/env-sqlite.json) or `python -m bench.worker load` returns. Each command is
timed twice: cold (`RAPPORT_WARM=0`, every import paid by the process) and warm (the
default: the command is run by a fork of the warm process the first `rapport` started).
The floor is `python -c "import sqlite3"`, the least any Python command pays.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.ops import Env

ROOT = Path(__file__).resolve().parent.parent
READ_TARGET_MS = 200.0
HELP_TARGET_MS = 150.0


@dataclass
class Command:
    title: str
    argv: list[str]
    target_ms: float = READ_TARGET_MS


def commands(env: Env, surname: str, name: str) -> list[Command]:
    return [
        Command("rapport --help", ["--help"], HELP_TARGET_MS),
        Command("rapport agenda", ["agenda"]),
        Command("rapport search SURNAME", ["search", surname]),
        Command("rapport person show NAME", ["person", "show", name]),
        Command("rapport person list", ["person", "list"]),
        Command("rapport brief NAME", ["brief", name]),
        Command("rapport health NAME", ["health", name]),
    ]


def wall_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()}")
    return elapsed


def median_ms(argv: list[str], env: dict[str, str], runs: int) -> float:
    wall_ms(argv, env)  # warm the disk cache
    return statistics.median(wall_ms(argv, env) for _ in range(runs))


def warm_sockets() -> set[Path]:
    folder = Path(os.environ.get("XDG_RUNTIME_DIR") or "/tmp") / f"rapport-{os.getuid()}"
    return set(folder.glob("*.sock")) if folder.is_dir() else set()


def stop_warm(path: Path) -> None:
    """End the warm process listening on `path` (found by the socket's peer id)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
        creds = probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        pid = struct.unpack("3i", creds)[0]
    except OSError:
        return
    finally:
        probe.close()
    os.kill(pid, 15)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cli", description=__doc__)
    parser.add_argument("env", type=Path, help="the loaded network's ENV.json")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    env = Env.read(args.env)
    name = env.two_words
    surname = name.split()[-1]
    rapport = str(Path(sys.executable).with_name("rapport"))
    variables = {
        **os.environ,
        "RAPPORT_DATABASE_URL": env.url,
        "RAPPORT_TODAY": env.today,
        "RAPPORT_DATA_DIR": env.data_dir,
    }
    cold = {**variables, "RAPPORT_WARM": "0"}
    warm = {**variables, "RAPPORT_WARM": "1"}
    floor = median_ms([sys.executable, "-c", "import sqlite3"], variables, args.runs)
    before = warm_sockets()
    wall_ms([rapport, "--help"], warm)  # starts the warm process
    deadline = time.monotonic() + 30
    while not warm_sockets() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    started = warm_sockets() - before
    time.sleep(1.0)  # let it finish importing
    print(f"{env.backend}, {env.counts.get('person', 0):,} people; medians of {args.runs} runs")
    print(f"floor: python -c 'import sqlite3' {floor:.0f} ms")
    header = f"{'command':<28} {'cold':>8} {'warm':>8} {'target':>8}  verdict (warm)"
    print(header)
    print("-" * len(header))
    try:
        for command in commands(env, surname, name):
            line = [rapport, *command.argv]
            cold_ms = median_ms(line, cold, args.runs)
            warm_ms = median_ms(line, warm, args.runs)
            verdict = "ok" if warm_ms < command.target_ms else "MISS"
            print(
                f"{command.title:<28} {cold_ms:>5.0f} ms {warm_ms:>5.0f} ms "
                f"{command.target_ms:>5.0f} ms  {verdict} ({warm_ms / floor:.1f}× floor)",
                flush=True,
            )
    finally:
        for path in started:
            stop_warm(path)


if __name__ == "__main__":
    main()
