"""Starting `rapport`: a command runs in a process forked from a warm one when it can.

A command's own work takes milliseconds; importing SQLAlchemy, the models, the services
and Typer takes ten times as long, on every run. So the first `rapport` of a session
starts, beside doing its work as usual, a small background process that imports all of
that once and then waits on a Unix socket that only its user can reach. Each later
`rapport` (this module: nothing but the standard library's socket and os) hands it its
arguments, environment, working directory and its own stdin, stdout and stderr; the warm
process forks a child that runs the command exactly as a fresh process would, on the
caller's terminal, and answers with the exit code. Every command runs in a fresh fork of
a process that has only imported code, so nothing carries over from one command to the
next: no open database, no cached row.

The warm process is keyed by the code it imported (the Python, its path, the package's
files), so an upgrade or an edit starts a new one, and it ends after a while without a
command (`rapport.warm_process`). `RAPPORT_WARM=0` runs every command in its own
process, as before; so do `rapport serve`, the commands that may ask for a password, and
systems without Unix sockets that pass file descriptors.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from typing import Any

WARM_ENV = "RAPPORT_WARM"  # "0": never use or start a warm process
# run in their own process: `serve` and `mcp` run for long (nothing to gain); `accounts`
# and `user` may ask for a password, which needs the caller's terminal as its own to
# hide what is typed (a warm process's child has none)
COLD_COMMANDS = frozenset({"serve", "mcp", "accounts", "user"})


def main() -> None:
    """The `rapport` command."""
    argv = sys.argv[1:]
    if not _may_go_warm(argv):
        _run_here()
    path = socket_path()
    if path is None:
        _run_here()
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError:
        connection.close()
        start_warm_process(path)
        _run_here()
    sys.exit(_run_there(connection, argv))


def _run_here() -> NoReturn:
    from rapport.cli import main as cli_main

    cli_main()
    sys.exit(0)


def _may_go_warm(argv: list[str]) -> bool:
    if os.environ.get(WARM_ENV, "1") == "0" or sys.platform == "win32":
        return False
    if not hasattr(socket, "AF_UNIX") or not hasattr(socket, "send_fds"):
        return False
    if argv and argv[0] in COLD_COMMANDS:
        return False
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
        os.getcwd()
    except OSError:  # a closed standard stream, or a folder since removed
        return False
    return True


def socket_path() -> str | None:
    """Where the warm process for this code listens, in a directory only this user
    can enter; None when no such directory can be had."""
    uid = os.getuid()
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    folder = os.path.join(base, f"rapport-{uid}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    if info.st_uid != uid or info.st_mode & 0o077 or not os.path.isdir(folder):
        return None  # someone else's, or open to others: never trust it
    return os.path.join(folder, f"{_code_stamp():08x}.sock")


def _code_stamp() -> int:
    """A number that changes when the code a warm process would run changes: the
    interpreter, the import path and every file of the package (their names, sizes and
    modification times)."""
    import zlib

    package = os.path.dirname(os.path.abspath(__file__))
    parts = [sys.executable, *sys.path[1:]]  # [0] is the script's own folder
    pending = [package]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    parts.sort()
    return zlib.crc32("\n".join(parts).encode())


def start_warm_process(path: str) -> None:
    """Start the warm process for `path` in the background, detached from the terminal."""
    import subprocess

    with contextlib.suppress(OSError):  # then every command runs in its own process
        subprocess.Popen(
            [sys.executable, "-m", "rapport.warm_process", path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )


# --- the caller's side --------------------------------------------------------------


def _streams() -> list[list[str]]:
    found = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        found.append(
            [
                getattr(stream, "encoding", None) or "utf-8",
                getattr(stream, "errors", None) or "strict",
            ]
        )
    return found


def _run_there(connection: socket.socket, argv: list[str]) -> int:
    """Run `argv` in a child of the warm process: its exit code."""
    request = json.dumps(
        {
            "argv": argv,
            "env": dict(os.environ),
            "cwd": os.getcwd(),
            "umask": _umask(),
            "streams": _streams(),
        }
    ).encode()
    child: list[int] = []
    received: list[int] = []

    def forward(signum: int, _frame: Any) -> None:
        received.append(signum)
        if child:
            with contextlib.suppress(OSError):
                os.kill(child[0], signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    try:
        header = len(request).to_bytes(4, "big")
        socket.send_fds(connection, [header + request], [0, 1, 2])
        reader = connection.makefile("rb")
        for line in reader:
            word, _, value = line.decode().strip().partition(" ")
            if word == "pid":
                child.append(int(value))
                for early in received:  # a Ctrl-C before the child was known
                    os.kill(child[0], early)
            elif word == "exit":
                return int(value)
    except OSError:
        pass
    if received:
        return 128 + received[-1]
    print("error: the command stopped without an answer (run it again)", file=sys.stderr)
    return 1


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


if __name__ == "__main__":
    main()
