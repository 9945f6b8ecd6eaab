"""The warm process `rapport` hands its commands to (see `rapport.launcher`): it imports
what commands need and runs them once, then listens on its socket and forks a child for
each caller, which takes over the caller's standard streams, directory and environment
and runs the command as a fresh process would.

    python -m rapport.warm_process SOCKET_PATH
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

IDLE_S = 15 * 60  # the warm process ends after this long without a command
_MAX_REQUEST = 4 * 1024 * 1024

# imported by the warm process before it forks: what the read commands use
PRELOAD = (
    "rapport.cli",
    "rapport.cli.runtime",
    "rapport.cli.dates",
    "rapport.services.context",
    "rapport.services.agenda",
    "rapport.services.brief",
    "rapport.services.health",
    "rapport.services.listings",
    "rapport.services.people",
    "rapport.services.profile",
    "rapport.services.resolve",
    "rapport.services.search",
    "rapport.domain.agenda.answers",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",  # (loads libpq; no connection is made)
    "rich.console",
    "rich.markup",
    "rich.table",
    "typer._adapters",
)


def serve_warm(path: str) -> None:
    """Unless a warm process for `path` is already there: import what commands need,
    run them once, listen on `path` and fork a child for each caller until idle.
    Callers that come before it listens run their command in their own process."""
    lock = _take_lock(path)
    if lock is None:
        return
    _preload()
    _prime()
    import gc

    # what was imported lives as long as the process: out of the collector's sight, a
    # child's collections stay short (and its pages shared with the parent)
    gc.collect()
    gc.freeze()
    listener = _listen(path)
    if listener is None:
        return
    identity = os.stat(path).st_ino
    signal.signal(signal.SIGTERM, _stop)  # (until here, ending leaves nothing behind)
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children end on their own
        _remove_dead_sockets(os.path.dirname(path))
        listener.settimeout(IDLE_S)
        while True:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                break
            connection.settimeout(None)
            if os.fork() == 0:
                listener.close()
                os.close(lock)
                _child(connection)  # never returns
            connection.close()
    finally:
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == identity:
                os.unlink(path)
                os.unlink(path + ".lock")


def _take_lock(path: str) -> int | None:
    """The lock only one warm process for `path` holds while it lives (its file holds
    its process id), or None when another one has it."""
    import fcntl

    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(lock)
        return None
    os.ftruncate(lock, 0)
    os.write(lock, str(os.getpid()).encode())
    return lock


def warm_pid(path: str) -> int | None:
    """The process id of the warm process for `path`, listening or still starting;
    None when there is none."""
    import fcntl

    try:
        lock = os.open(path + ".lock", os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return None  # nobody holds it
        except OSError:
            pass
        pid = int(os.pread(lock, 32, 0) or b"0")
        return pid if pid > 0 else None
    except (OSError, ValueError):
        return None
    finally:
        os.close(lock)


def stop_warm_process(path: str) -> bool:
    """End the warm process for `path`: whether there was one."""
    pid = warm_pid(path)
    if pid is None:
        return False
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    return True


def _listen(path: str) -> socket.socket | None:
    """A socket listening on `path`; None when a live warm process has it."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o077)
    try:
        try:
            listener.bind(path)
        except OSError:
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(path)
                listener.close()
                return None  # another one is listening
            except OSError:
                os.unlink(path)  # left by one that ended abruptly
                listener.bind(path)
            finally:
                probe.close()
    finally:
        os.umask(old)
    listener.listen(64)
    return listener


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from rapport.cli import command
    from rapport.services.context import prepare

    prepare()
    command()


# what the warm process runs once, on a database of its own, before it serves: the
# first query of a process costs SQLAlchemy more than later ones (a third more for
# `person show`), and its children inherit what it has warmed. No row is kept: the
# database and its engine are gone before the first fork.
PRIME = (
    ["person", "add", "Ada Lovelace", "--org", "Analytical Engines", "--type", "client"],
    ["log", "Ada", "-k", "coffee", "-s", "Notes on the engine"],
    ["person", "show", "Ada"],
    ["person", "list"],
    ["search", "Lovelace"],
    ["brief", "Ada"],
    ["health", "Ada"],
    ["agenda"],
)


def _prime() -> None:
    import tempfile

    from rapport.cli import command, runtime

    saved_env, saved_out = dict(os.environ), sys.stdout
    try:
        with tempfile.TemporaryDirectory() as folder, open(os.devnull, "w") as devnull:
            os.environ.update(
                {
                    "RAPPORT_DATABASE_URL": f"sqlite:///{folder}/rapport.db",
                    "RAPPORT_DATA_DIR": folder,
                    "RAPPORT_WARM": "0",
                }
            )
            sys.stdout = devnull
            for argv in PRIME:
                with contextlib.suppress(Exception, SystemExit):
                    command()(argv, prog_name="rapport", standalone_mode=False)
            runtime.reset()
    except Exception:  # a warm process that could not prime still serves
        runtime.reset()
    finally:
        sys.stdout = saved_out
        os.environ.clear()
        os.environ.update(saved_env)


def _stop(_signum: int, _frame: Any) -> None:
    sys.exit(0)  # through the `finally` that removes the socket


def _remove_dead_sockets(folder: str) -> None:
    """Remove what warm processes that were killed left behind."""
    for name in os.listdir(folder):
        if name.endswith(".sock") and warm_pid(os.path.join(folder, name)) is None:
            for stale in (name, name + ".lock"):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, stale))


def _receive(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, fds, _flags, _address = socket.recv_fds(connection, 65536, 3)
    if len(fds) != 3 or len(data) < 4:
        raise OSError("an incomplete request")
    size = int.from_bytes(data[:4], "big")
    if size > _MAX_REQUEST:
        raise OSError("a request too large")
    body = data[4:]
    while len(body) < size:
        more = connection.recv(size - len(body))
        if not more:
            raise OSError("an incomplete request")
        body += more
    return json.loads(body), fds


def _child(connection: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = 1
    try:
        request, fds = _receive(connection)
        connection.sendall(f"pid {os.getpid()}\n".encode())
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        _become_caller(request)
        code = _run_command()
    except BaseException:
        import traceback

        code = 1
        os.write(2, f"error: the warm process failed: {traceback.format_exc()}".encode())
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(OSError):
            connection.sendall(f"exit {code}\n".encode())
        os._exit(code)


def _become_caller(request: dict[str, Any]) -> None:
    import time

    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    (in_enc, in_err), (out_enc, out_err), (err_enc, err_err) = request["streams"]
    sys.stdin = open(0, encoding=in_enc, errors=in_err, closefd=False)  # noqa: SIM115
    sys.stdout = open(  # noqa: SIM115
        1, "w", encoding=out_enc, errors=out_err, closefd=False, buffering=1 if os.isatty(1) else -1
    )
    sys.stderr = open(2, "w", encoding=err_enc, errors=err_err, closefd=False, buffering=1)  # noqa: SIM115
    sys.argv = ["rapport", *request["argv"]]


def _run_command() -> int:
    from rapport.cli import main as cli_main

    try:
        cli_main(prog_name="rapport")
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BaseException:
        import traceback

        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    serve_warm(sys.argv[1])
