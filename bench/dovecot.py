"""A throwaway Dovecot IMAP server on a loopback port, for the tests and the benchmark.

`/usr/sbin/dovecot -c CONFIG` with its own base, state and log directories, one
passwd-file user and a Maildir the caller fills (`Dovecot.deliver`); plain IMAP and,
with `tls=True`, IMAPS on a second port with a self-signed certificate. Stopped by the
pid in `base_dir/master.pid`. The recipe is the one in STACK.md ("Wave 2 stack"):
imap-login refuses to run as root and mail refuses uid 0, so the mail is owned by
nobody:nogroup and every parent folder is traversable.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER = "ana@example.com"
PASSWORD = "s3cret-app-password"


class DovecotUnavailable(RuntimeError):
    """Dovecot could not be started; the message says why and how to get it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _self_signed(cert: Path, key: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    key.chmod(0o600)


_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
last_valid_uid = 0
first_valid_gid = 1
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
mail_privileged_group =
{ssl}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
  mailbox Archive {{
    special_use = \\Archive
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap {{
  process_limit = 20
}}
"""


@dataclass
class Dovecot:
    """A running server: connect to 127.0.0.1:`port` (plain, STARTTLS offered when
    `tls`) or `tls_port` (IMAPS)."""

    root: Path
    port: int
    tls_port: int | None
    user: str = USER
    password: str = PASSWORD
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def maildir(self) -> Path:
        return self.root / "mail" / self.user

    def folder_dir(self, folder: str) -> Path:
        """The Maildir directory of `folder` ("INBOX", "Sent", …)."""
        return self.maildir if folder == "INBOX" else self.maildir / f".{folder}"

    def deliver(self, folder: str, messages: list[bytes], *, seen: bool = False) -> None:
        """Put `messages` in `folder` (created if needed), as a mail server would:
        new/ files, or cur/ with the Seen flag when `seen`."""
        box = self.folder_dir(folder)
        for sub in ("cur", "new", "tmp"):
            (box / sub).mkdir(parents=True, exist_ok=True)
        stamp = time.time_ns()
        for i, data in enumerate(messages):
            base = f"{stamp // 10**9}.M{stamp % 10**9}P{os.getpid()}Q{i}.rapport"
            target = box / ("cur" if seen else "new") / (base + (":2,S" if seen else ""))
            target.write_bytes(data)
        self._own(self.root / "mail")

    def renumber(self, folder: str) -> None:
        """Give `folder` a new UIDVALIDITY, as a server does when it rebuilds a folder:
        the Maildir's uidlist says another one and its index is forgotten."""
        box = self.folder_dir(folder)
        uidlist = box / "dovecot-uidlist"
        head, _, rest = uidlist.read_text().partition("\n")
        words = [f"V{int(w[1:]) + 1000}" if w.startswith("V") else w for w in head.split()]
        uidlist.write_text(" ".join(words) + "\n" + rest)
        for index in box.glob("dovecot.index*"):
            index.unlink()
        self._own(box)

    def _own(self, top: Path) -> None:
        for path in [top, *top.rglob("*")]:
            os.chown(path, 65534, 65534)  # nobody:nogroup: mail refuses uid 0

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        try:
            pid = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pid = None
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        deadline = time.monotonic() + 10
        while pid is not None and time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)


def start(*, tls: bool = False) -> Dovecot:
    """Start Dovecot in a new directory under /tmp (removed by `stop`): short paths for
    its unix sockets (108 bytes at most), and parents every user can traverse, which
    pytest's own temporary directories are not (0700, reset by each session).
    DovecotUnavailable when it cannot start."""
    if not Path(DOVECOT).exists():
        raise DovecotUnavailable(
            f"{DOVECOT} is missing: install Debian's dovecot-imapd "
            "(scripts/test does: apt-get install -y dovecot-imapd)"
        )
    root = Path(tempfile.mkdtemp(prefix="dovecot-", dir="/tmp"))
    root.chmod(0o755)
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    ssl = "ssl = no"
    tls_port = free_port()
    if tls:
        cert, key = root / "cert.pem", root / "key.pem"
        _self_signed(cert, key)
        ssl = f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}"
    server = Dovecot(root=root, port=free_port(), tls_port=tls_port if tls else None)
    config = root / "dovecot.conf"
    config.write_text(
        _CONFIG.format(root=root, port=server.port, tls_port=tls_port if tls else 0, ssl=ssl)
    )
    (root / "passwd").write_text(f"{server.user}:{{PLAIN}}{server.password}::::::\n")
    for sub in ("mail", "home"):
        os.chown(root / sub, 65534, 65534)
    try:
        server.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise DovecotUnavailable(f"cannot run {DOVECOT}: {exc}") from exc
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            err = (
                server.process.stderr.read().decode(errors="replace")
                if server.process.stderr
                else ""
            )
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            shutil.rmtree(root, ignore_errors=True)
            raise DovecotUnavailable(f"dovecot exited at start: {err.strip()} {log[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5) as s:
                if s.recv(100).startswith(b"* OK"):
                    return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise DovecotUnavailable(f"dovecot did not answer on 127.0.0.1:{server.port} within 15 s")
