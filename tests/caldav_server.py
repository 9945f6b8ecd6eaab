"""A real CalDAV server for the sync tests and the benchmark: Radicale, started as
its own process (`python -m radicale`, this interpreter) on a free loopback port,
with a throwaway storage folder and an htpasswd file, so a wrong password is really
refused. If it cannot start, `RadicaleServer.start` raises with Radicale's own
words; tests fail on it, never skip.

    with RadicaleServer(tmp_path) as server:
        server.url          # http://127.0.0.1:PORT/
        server.client()     # a caldav.DAVClient signed in as the user
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

USER = "ana@example.com"
PASSWORD = "correct horse battery staple"
START_TIMEOUT = 20.0  # seconds: Radicale starts in about one on this machine kind


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RadicaleServer:
    """One Radicale on loopback, its data under `folder` (which it may create)."""

    def __init__(self, folder: Path, user: str = USER, password: str = PASSWORD) -> None:
        self.folder = folder
        self.user = user
        self.password = password
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RadicaleServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        users = self.folder / "users"
        # plain text: Radicale compares the password itself (a wrong one is refused)
        users.write_text(f"{self.user}:{self.password}\n", encoding="utf-8")
        log = (self.folder / "radicale.log").open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "radicale",
                "--server-hosts", f"127.0.0.1:{self.port}",
                "--auth-type", "htpasswd",
                "--auth-htpasswd-filename", str(users),
                "--auth-htpasswd-encryption", "plain",
                # Radicale waits after a failed login; keep the wrong-password test short
                "--auth-delay", "0",
                "--storage-filesystem-folder", str(self.folder / "collections"),
                "--logging-level", "warning",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.url, timeout=1).close()
                return self
            except urllib.error.HTTPError:  # it answers (401, 403…): it is up
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        said = (self.folder / "radicale.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(
            f"Radicale did not start on 127.0.0.1:{self.port} within {START_TIMEOUT:.0f} s "
            f"({sys.executable} -m radicale). Its log:\n{said}"
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> RadicaleServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def client(self) -> Any:
        """A `caldav.DAVClient` signed in as the user (what the tests change the
        calendar with: a real client library, not the connector under test)."""
        from caldav.davclient import DAVClient

        return DAVClient(url=self.url, username=self.user, password=self.password)

    def make_calendar(self, name: str) -> Any:
        """A new calendar named `name` in the user's home (a caldav.Calendar)."""
        principal = self.client().principal()
        return principal.make_calendar(name=name)
