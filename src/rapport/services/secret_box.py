"""Passwords at rest: what Rapport must keep to sign in to the user's mail and
calendar servers, encrypted so that the database file alone does not reveal them.

The key is 32 random bytes in `secret.key` in the data directory, created on first
use with mode 0600 (only the user can read it), or given base64-encoded in
`RAPPORT_SECRET_KEY` (several servers on one PostgreSQL database share it that way).
Each password is sealed with AES-256-GCM under a fresh 96-bit nonce, bound to what it
is for (`purpose`, e.g. "sync_account:7"), so a sealed value copied onto another
row does not open. A sealed value reads "v1:" + base64(nonce + ciphertext + tag).
A copied database plus its data directory reveals everything: the key only keeps
the database file (and the JSON backup, which has no passwords) from doing so.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

from rapport.errors import SecretUnreadable
from rapport.services.context import Rapport

KEY_ENV = "RAPPORT_SECRET_KEY"
KEY_FILE = "secret.key"
_PREFIX = "v1:"


@dataclass(frozen=True)
class SecretBox:
    key: bytes
    where: str  # where the key came from, for messages: a path or the variable's name

    def seal(self, secret: str, purpose: str) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        sealed = AESGCM(self.key).encrypt(nonce, secret.encode(), purpose.encode())
        return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, purpose: str) -> str:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            if not sealed.startswith(_PREFIX):
                raise ValueError("not a sealed value")
            raw = base64.b64decode(sealed[len(_PREFIX) :], validate=True)
            return AESGCM(self.key).decrypt(raw[:12], raw[12:], purpose.encode()).decode()
        except (InvalidTag, ValueError, binascii.Error) as exc:
            raise SecretUnreadable(
                f"the stored password cannot be read with the key in {self.where} (the "
                "database was moved without its key, or the key changed): give the "
                "password again"
            ) from exc


def of(app: Rapport) -> SecretBox:
    """The box of the installation `app` runs in (its data directory's key)."""
    return for_data_dir(app.settings.data_dir)


def for_data_dir(data_dir: Path) -> SecretBox:
    """The box of this installation: RAPPORT_SECRET_KEY, else `data_dir/secret.key`
    (made on first use, readable by the user alone)."""
    given = os.environ.get(KEY_ENV, "").strip()
    if given:
        try:
            key = base64.b64decode(given, validate=True)
        except binascii.Error:
            key = b""
        if len(key) != 32:
            raise SecretUnreadable(
                f"{KEY_ENV} must be 32 bytes in base64 (make one with: "
                'python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())")'
            )
        return SecretBox(key, KEY_ENV)
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # written whole under another name, then linked into place: a process that
        # loses the race reads the winner's key, never a half-written one
        spare = data_dir / f".{KEY_FILE}.{os.getpid()}"
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(base64.b64encode(os.urandom(32)) + b"\n")
        try:
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    try:
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
    except (OSError, binascii.Error) as exc:
        raise SecretUnreadable(f"cannot read the key in {path}: {exc}") from exc
    if len(key) != 32:
        raise SecretUnreadable(f"the key in {path} is not 32 bytes in base64")
    return SecretBox(key, str(path))
