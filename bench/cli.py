"""The command line's wall time, as a user lives it: each read command run as a fresh
process, its median next to the interpreter's floor and the target.

    python -m bench.cli ENV.json [--runs 7]

ENV.json describes a loaded network: `python -m bench` writes one into its --out
folder (env-sqlite.json, env-postgres.json), so after a run `python -m bench.cli
bench/out/env-sqlite.json` measures the command line again in a minute. Each command is
timed twice: cold (`RAPPORT_WARM=0`, every import paid by the process) and warm (the
default: a fork of the warm process the first `rapport` started runs it). The floor is
`python -c "import sqlite3"`, the least any Python command pays.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Result
from bench.ops import Env, Target
from bench.report import Row, print_table
from rapport.warm_process import stop_warm_process, warm_pid

ROOT = Path(__file__).resolve().parent.parent
READ_TARGET = Target(ms=200)
HELP_TARGET = Target(ms=150)
FLOOR = [sys.executable, "-c", "import sqlite3"]


@dataclass
class Command:
    key: str
    title: str
    argv: list[str]
    target: Target = READ_TARGET


def commands(env: Env) -> list[Command]:
    """The read commands the targets name, on the network's landmarks: the closest
    tie (by id: names repeat in a generated network) and a surname."""
    person = f"#{env.person_id}"
    surname = env.two_words.split()[-1]
    return [
        Command("cli_help", "rapport --help", ["--help"], HELP_TARGET),
        Command("cli_agenda", "rapport agenda", ["agenda"]),
        Command("cli_search", "rapport search SURNAME", ["search", surname]),
        Command("cli_person_show", "rapport person show PERSON", ["person", "show", person]),
        Command("cli_person_list", "rapport person list", ["person", "list"]),
        Command("cli_brief", "rapport brief PERSON", ["brief", person]),
        Command("cli_health", "rapport health PERSON", ["health", person]),
    ]


def wall_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()}")
    return elapsed


def timed(key: str, side: str, argv: list[str], env: dict[str, str], runs: int) -> Result:
    """The process's wall time `runs` times, after one untimed run (disk cache)."""
    result = Result(key, side)
    try:
        wall_ms(argv, env)
        result.runs_ms = [round(wall_ms(argv, env), 1) for _ in range(runs)]
    except RuntimeError as exc:
        result.note = f"failed: {exc}"[:200]
    return result


def warm_socket(rapport: str, env: dict[str, str]) -> str:
    """Where the warm process of `rapport`'s code listens (asked of its Python)."""
    python = str(Path(rapport).with_name("python"))
    code = "from rapport.launcher import socket_path; print(socket_path())"
    done = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True)
    return done.stdout.strip()


def rows(env: Env, runs: int) -> list[Row]:
    """For each command: warm against the floor, then cold against the floor."""
    rapport = str(Path(sys.executable).with_name("rapport"))
    variables = {
        **os.environ,
        "RAPPORT_DATABASE_URL": env.url,
        "RAPPORT_TODAY": env.today,
        "RAPPORT_DATA_DIR": env.data_dir,
    }
    cold = {**variables, "RAPPORT_WARM": "0"}
    warm = {**variables, "RAPPORT_WARM": "1"}
    socket = warm_socket(rapport, warm)
    ours = warm_pid(socket) is None  # then this measurement starts it, and stops it
    wall_ms([rapport, "--help"], warm)  # starts the warm process
    deadline = time.monotonic() + 60
    while not Path(socket).exists() and time.monotonic() < deadline:
        time.sleep(0.1)  # it listens once it has imported and primed
    floor = timed("floor", "floor", FLOOR, variables, runs)
    found = []
    try:
        for c in commands(env):
            line = [rapport, *c.argv]
            found.append(
                Row(
                    f"CLI: {c.title}",
                    timed(c.key, "ours", line, warm, runs),
                    floor,
                    c.target,
                    compare=False,
                )
            )
            found.append(
                Row(
                    f"CLI: {c.title} (RAPPORT_WARM=0)",
                    timed(c.key, "ours", line, cold, runs),
                    floor,
                    c.target,
                    compare=False,
                )
            )
    finally:
        if ours:
            stop_warm_process(socket)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cli", description=__doc__)
    parser.add_argument("env", type=Path, help="the loaded network's ENV.json")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    env = Env.read(args.env)
    people = env.counts.get("person", 0)
    label = f"command line, {env.backend}, {people:,} people (floor: python -c 'import sqlite3')"
    print_table(label, rows(env, args.runs))


if __name__ == "__main__":
    main()
