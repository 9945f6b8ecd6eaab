"""Starting `rapport`: what a command imports, and the warm process that runs commands
in forks of itself (`rapport.launcher`, `rapport.warm_process`), used as a person
would, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TODAY

SERVER_ONLY = ("fastapi", "starlette", "uvicorn", "jinja2", "alembic", "multipart")

# the launcher's own code, as the `rapport` script runs it; `block` names modules this
# process cannot import, to show the command ran elsewhere
LAUNCH = (
    "import sys\n"
    "for name in {block!r}: sys.modules[name] = None\n"
    "sys.argv = ['rapport', *sys.argv[1:]]\n"
    "from rapport.launcher import main\n"
    "main()\n"
)


def _env(database_url: str, tmp_path: Path, *, warm: bool) -> dict[str, str]:
    return {
        **os.environ,
        "RAPPORT_DATABASE_URL": database_url,
        "RAPPORT_TODAY": TODAY.isoformat(),
        "RAPPORT_DATA_DIR": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "RAPPORT_WARM": "1" if warm else "0",
        "COLUMNS": "200",
    }


def rapport(
    env: dict[str, str], *args: str, block: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LAUNCH.format(block=block), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def imported_after(env: dict[str, str], *args: str) -> set[str]:
    """The modules a cold `rapport ARGS` has imported when it ends."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(' '.join(sorted(sys.modules)), file=sys.stderr))\n"
        "sys.argv = ['rapport', *sys.argv[1:]]\n"
        "from rapport.launcher import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


@pytest.fixture
def warm_env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a `rapport` that uses a warm process, stopped at the end."""
    env = _env(database_url, tmp_path, warm=True)
    (tmp_path / "run").mkdir()
    yield env
    from rapport.warm_process import stop_warm_process

    # one a failed command started may still be starting: look again until none is
    quiet = 0
    while quiet < 3:
        locks = (tmp_path / "run").glob("rapport-*/*.sock.lock")
        found = [stop_warm_process(str(lock).removesuffix(".lock")) for lock in locks]
        quiet = 0 if any(found) else quiet + 1
        time.sleep(0.3)


def _wait_for_warm_process(env: dict[str, str]) -> None:
    folder = Path(env["XDG_RUNTIME_DIR"]) / f"rapport-{os.getuid()}"
    deadline = time.monotonic() + 60
    while not list(folder.glob("*.sock")):
        assert time.monotonic() < deadline, "no warm process started"
        time.sleep(0.05)


def test_the_launcher_imports_only_the_standard_library() -> None:
    code = (
        "import sys, rapport.launcher; "
        "print(' '.join(m for m in ('typer', 'click', 'rich', 'sqlalchemy', 'rapport.cli') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_help_imports_neither_the_database_nor_the_web(tmp_path: Path) -> None:
    env = _env("sqlite:///" + str(tmp_path / "rapport.db"), tmp_path, warm=False)
    found = imported_after(env, "--help")
    assert "typer" in found
    assert not found & {"sqlalchemy", "psycopg", *SERVER_ONLY}


def test_a_read_command_imports_nothing_of_the_web(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path, warm=False)
    assert rapport(env, "person", "add", "Ana Lima").returncode == 0
    for command in (["person", "list"], ["search", "Lima"], ["person", "show", "Ana"]):
        found = imported_after(env, *command)
        assert "sqlalchemy" in found
        assert not found & set(SERVER_ONLY), command


def test_a_warm_command_answers_as_a_cold_one(warm_env: dict[str, str]) -> None:
    cold_env = {**warm_env, "RAPPORT_WARM": "0"}
    first = rapport(warm_env, "person", "add", "Ana Lima", "--org", "Acme")
    assert first.returncode == 0, first.stderr
    _wait_for_warm_process(warm_env)
    # the caller cannot import Typer: only a warm process can have run the command
    blocked = ("typer", "rapport.cli")
    for command in (
        ["person", "show", "Ana", "--json"],
        ["person", "list"],
        ["search", "Lima"],
        ["agenda"],
        ["--help"],
    ):
        warm = rapport(warm_env, *command, block=blocked)
        cold = rapport(cold_env, *command)
        assert (warm.returncode, warm.stdout, warm.stderr) == (
            cold.returncode,
            cold.stdout,
            cold.stderr,
        ), command
    # writes, errors and exit codes come back as they are
    added = rapport(warm_env, "person", "add", "Bruno Souza", "--json", block=blocked)
    assert added.returncode == 0 and added.stdout.strip().startswith("{"), added.stderr
    missing = rapport(warm_env, "person", "show", "Nobody", block=blocked)
    assert missing.returncode == 3
    assert missing.stderr == "error: no person matches 'Nobody'\n"
    assert "Bruno Souza" in rapport(cold_env, "person", "list").stdout


def test_a_warm_command_works_in_the_callers_directory(
    warm_env: dict[str, str], tmp_path: Path
) -> None:
    rapport(warm_env, "--help")
    _wait_for_warm_process(warm_env)
    (tmp_path / "people.csv").write_text("First Name,Last Name\nAna,Lima\n")
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH.format(block=("typer",)), "import", "people.csv"],
        capture_output=True,
        text=True,
        env=warm_env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    shown = rapport(warm_env, "person", "show", "Ana Lima", "--json", block=("typer",))
    assert shown.returncode == 0, shown.stderr


def test_without_warm_processes_none_is_started(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path, warm=False)
    (tmp_path / "run").mkdir()
    assert rapport(env, "person", "list").returncode == 0
    time.sleep(0.2)
    assert list((tmp_path / "run").iterdir()) == []


def test_commands_that_ask_for_a_password_run_in_their_own_process() -> None:
    """A hidden prompt needs the terminal as the process's own: the commands that may
    ask one are never handed to a warm process."""
    from rapport import cli
    from rapport.launcher import COLD_COMMANDS

    folder = Path(cli.__file__).parent
    asking = {p.name for p in folder.glob("*.py") if "hide_input" in p.read_text()}
    assert asking == {"accounts.py", "web.py"}  # a new one: add its command to COLD_COMMANDS
    assert {"accounts", "user"} <= COLD_COMMANDS
