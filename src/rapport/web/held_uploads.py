"""An uploaded import file held between the steps of one import, so the user picks it
once: mapping a CSV's columns after seeing its first rows, answering "is this you?",
importing for real after a preview (dry run), or trying again with other options.

The bytes are kept in the data directory, one folder per account, under the SHA-256
of a random token that only the page holding it knows (so the folder's listing
names no token). A held file is only ever read back into an import by its own
account; nothing serves it. It lasts `KEEP`; an account holds at most `PER_ACCOUNT`
files (the oldest goes first) of at most the upload limit each; a successful import
removes it. Expired files go whenever a file is held (any account's) or taken.

The data directory is the server's own: several `rapport serve` processes share
held files only when they share that directory (the database is theirs in common;
the file is a short-lived scratch copy, not data)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from rapport.errors import ImportFailed

KEEP_SECONDS = 30 * 60  # a held file lasts this long after it was uploaded
PER_ACCOUNT = 3  # files one account may have held at once
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass(frozen=True)
class Held:
    token: str
    name: str  # the file's name as the user's computer gave it
    data: bytes


def _folder(root: Path, user_id: int) -> Path:
    return root / str(int(user_id))


def _path(root: Path, user_id: int, token: str) -> Path:
    digest = hashlib.sha256(token.encode("ascii")).hexdigest()
    return _folder(root, user_id) / digest


def _sweep(folder: Path, now: float) -> list[tuple[float, Path]]:
    """Remove the expired files of one account; the others, oldest first."""
    kept: list[tuple[float, Path]] = []
    if not folder.is_dir():
        return kept
    for path in folder.iterdir():
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:
            continue
        being_written = path.name.startswith(".tmp-")
        if now - modified > (60 if being_written else KEEP_SECONDS):
            path.unlink(missing_ok=True)
        elif not being_written:
            kept.append((modified, path))
    return sorted(kept)


def hold(root: Path, user_id: int, data: bytes, name: str) -> str:
    """Keep `data` (named `name`) for `user_id`; returns the token that takes it."""
    folder = _folder(root, user_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = time.time()
    for other in root.iterdir():  # the accounts that never came back for theirs, too
        if other != folder and other.is_dir():
            _sweep(other, now)
    kept = _sweep(folder, now)
    for _, old in kept[: max(0, len(kept) - PER_ACCOUNT + 1)]:
        old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(32)
    target = _path(root, user_id, token)
    temporary = folder / f".tmp-{target.name}"
    head = json.dumps({"name": name}, ensure_ascii=True).encode("ascii")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as stream:
        stream.write(head + b"\n" + data)
    os.replace(temporary, target)
    return token


def take(root: Path, user_id: int, token: str) -> Held:
    """The file `token` holds for `user_id` (it stays held); ImportFailed when the
    token is not one of theirs or the file has expired."""
    gone = ImportFailed(
        f"the file chosen earlier is no longer held (files are kept {KEEP_SECONDS // 60} "
        "minutes): choose it again"
    )
    if not _TOKEN.match(token):
        raise gone
    _sweep(_folder(root, user_id), time.time())
    try:
        stored = _path(root, user_id, token).read_bytes()
    except FileNotFoundError:
        raise gone from None
    head, _, data = stored.partition(b"\n")
    name = str(json.loads(head.decode("ascii")).get("name") or "upload")
    return Held(token, name, data)


def drop(root: Path, user_id: int, token: str) -> None:
    """Forget the file `token` holds (after it was imported)."""
    if _TOKEN.match(token):
        _path(root, user_id, token).unlink(missing_ok=True)
