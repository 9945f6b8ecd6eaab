"""The IMAP connector: the user's mailbox, read-only, headers only, incrementally.

Each followed folder (INBOX, the Sent folder found by SPECIAL-USE or its common
names, and `account.folders`) has a cursor: its UIDVALIDITY and the last UID read.
A sync asks each folder's STATUS (one command) and stops there when no UID is new;
otherwise it EXAMINEs the folder (read-only: no flag can change), lists the new UIDs
and fetches their headers with BODY.PEEK in batches. Each batch is stored in one
transaction with the cursor's advance (`mail_sync.store`), so a run killed at any
point resumes from the last batch stored, and a message read twice (a UIDVALIDITY
change re-scans the folder) is known by its Message-ID and counted once.
"""

from __future__ import annotations

import imaplib
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from rapport.domain.counts import counted
from rapport.errors import SyncFailed
from rapport.services.context import Rapport
from rapport.services.sync import mail_sync
from rapport.services.sync.mail_sync import FolderCursor
from rapport.services.sync_accounts import AccountConfig

Progress = Callable[[str, int, int | None], None]
BATCH = 1000  # UIDs per FETCH, and messages per transaction
TIMEOUT = 60  # seconds a server may take to answer one command
# the headers the mbox importer reads (`adapters.mail.message`): who, when, which
# thread, and what tells list, bulk and automatic mail apart
HEADERS = (
    "From Sender To Cc Date Subject Message-ID In-Reply-To References "
    "List-Id List-Unsubscribe List-Post Precedence Auto-Submitted Delivered-To X-Original-To"
)
FETCH = f"BODY.PEEK[HEADER.FIELDS ({HEADERS.upper()})]"
# names a Sent folder has where the server does not say SPECIAL-USE (RFC 6154)
SENT_NAMES = ("sent", "sent items", "sent messages", "sent mail", "gesendet", "envoyés")


@dataclass
class Outcome:
    """What a run did: the counts the runner keeps, and the IMAP commands it sent."""

    counts: dict[str, int] = field(default_factory=dict)
    commands: int = 0
    folders: list[str] = field(default_factory=list)  # those read (STATUS answered)


def _where(account: AccountConfig) -> str:
    return f"{account.host}:{_port(account)}"


def _port(account: AccountConfig) -> int:
    return account.port or (993 if account.security == "tls" else 143)


@contextmanager
def _signed_in(account: AccountConfig, outcome: Outcome) -> Iterator[IMAPClient]:
    """A client signed in to the account; every failure as SyncFailed in words."""
    context = ssl.create_default_context()
    where = _where(account)
    try:
        client = IMAPClient(
            account.host,
            port=_port(account),
            ssl=account.security == "tls",
            ssl_context=context,
            timeout=TIMEOUT,
        )
    except ssl.SSLError as exc:
        raise SyncFailed(f"cannot connect to {where} over TLS: {exc.reason or exc}") from None
    except (OSError, IMAPClientError) as exc:
        raise SyncFailed(f"cannot connect to {where}: {_said(exc)}") from None
    _count_commands(client, outcome)
    try:
        if account.security == "starttls":
            try:
                client.starttls(context)
            except ssl.SSLError as exc:
                raise SyncFailed(f"STARTTLS with {where} failed: {exc.reason or exc}") from None
            except IMAPClientError as exc:
                raise SyncFailed(f"{where} does not offer STARTTLS: {_said(exc)}") from None
        try:
            client.login(account.username, account.password)
        except LoginError:
            raise SyncFailed(
                f"{account.host} refused the sign-in for {account.username}: check the user "
                "name and the password (an app password for Gmail, iCloud, Outlook.com)"
            ) from None
        yield client
    except TimeoutError:
        raise SyncFailed(f"{where} did not answer within {TIMEOUT} seconds") from None
    except IMAPClientAbortError as exc:
        raise SyncFailed(f"the connection to {where} was lost: {_said(exc)}") from None
    except (OSError, imaplib.IMAP4.error) as exc:
        raise SyncFailed(f"{where} answered in a way the sync cannot use: {_said(exc)}") from None
    finally:
        try:
            client.logout()
        except Exception:  # the connection is gone already: just close the socket
            with suppress(Exception):
                client.shutdown()


def _said(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:300]


def _count_commands(client: IMAPClient, outcome: Outcome) -> None:
    """Count the commands sent (each one a round trip), for the benchmark and tests:
    every command, imaplib's or imapclient's own (SEARCH, STATUS), takes a new tag."""
    imap: Any = client._imap
    new_tag = imap._new_tag

    def counted() -> Any:
        outcome.commands += 1
        return new_tag()

    imap._new_tag = counted


def _folders(
    client: IMAPClient, account: AccountConfig, sent: str | None
) -> tuple[list[str], str | None]:
    """INBOX, the Sent folder and the account's own, each once, and the Sent folder:
    `sent` when it is known from a cursor (no LIST then), else found by LIST."""
    if sent is None:
        sent = _find_sent(client)
    wanted = ["INBOX", *([sent] if sent else []), *account.folders]
    return list(dict.fromkeys(wanted)), sent


def _find_sent(client: IMAPClient) -> str | None:
    listed = client.list_folders()
    for flags, _, name in listed:
        if b"\\Sent" in flags:
            return str(name)
    for flags, delimiter, name in listed:
        leaf = str(name).rsplit(delimiter.decode() if delimiter else "/", 1)[-1]
        if leaf.casefold() in SENT_NAMES and b"\\Noselect" not in flags:
            return str(name)
    return None


def _status(client: IMAPClient, folder: str, condstore: bool) -> dict[bytes, int]:
    items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY", *(["HIGHESTMODSEQ"] if condstore else [])]
    try:
        found: dict[bytes, int] = client.folder_status(folder, items)
    except IMAPClientAbortError:
        raise
    except IMAPClientError as exc:
        raise SyncFailed(f"the folder {folder!r} is not on the server ({_said(exc)})") from None
    return found


def check(account: AccountConfig) -> str:
    """Sign in and count the messages of the folders a sync reads."""
    outcome = Outcome()
    with _signed_in(account, outcome) as client:
        sent = _find_sent(client)
        shown = []
        for folder in _folders(client, account, sent)[0]:
            messages = _status(client, folder, False).get(b"MESSAGES", 0)
            label = folder
            if folder == sent and folder != "Sent":
                label = f"Sent ({folder})"
            shown.append(f"{label}: {counted(messages, 'messages')}")
        if sent is None:
            shown.append("no Sent folder found")
    return "; ".join(shown)


def sync(
    app: Rapport, account: AccountConfig, progress: Progress, stop: threading.Event
) -> dict[str, int]:
    """Read what is new in the account's folders (see the module's docstring)."""
    return run(app, account, progress, stop).counts


def run(
    app: Rapport,
    account: AccountConfig,
    progress: Progress,
    stop: threading.Event,
    *,
    batch: int = BATCH,
) -> Outcome:
    """`sync`, with the number of IMAP commands it took."""
    outcome = Outcome()
    counts = mail_sync.Counts()
    with _signed_in(account, outcome) as client:
        cursors = mail_sync.start(app, account)  # once signed in: the address is real
        condstore = client.has_capability("CONDSTORE")
        sent = next((c.folder for c in cursors.values() if c.state.get("role") == "sent"), None)
        folders, sent = _folders(client, account, sent)
        for folder in folders:
            if stop.is_set():
                break
            try:
                status = _status(client, folder, condstore)
            except SyncFailed:
                if folder != sent or folder in account.folders:
                    raise
                # the Sent folder remembered was renamed: look for it again
                found = _find_sent(client)
                stale = cursors.get(folder)
                if stale is not None:  # not the Sent folder any more: not asked again
                    stale.state = {k: v for k, v in stale.state.items() if k != "role"}
                    mail_sync.store(app, account, stale, [], counts)
                if found is None or found == folder:
                    continue
                folder, sent = found, found
                status = _status(client, folder, condstore)
            outcome.folders.append(folder)
            cursor = cursors.get(folder) or FolderCursor(folder)
            if folder == sent:
                cursor.state = {**cursor.state, "role": "sent"}
            _folder(app, account, client, cursor, status, counts, progress, stop, batch)
    outcome.counts = counts.as_dict()
    return outcome


def _folder(
    app: Rapport,
    account: AccountConfig,
    client: IMAPClient,
    cursor: FolderCursor,
    status: dict[bytes, int],
    counts: mail_sync.Counts,
    progress: Progress,
    stop: threading.Event,
    batch: int,
) -> None:
    folder = cursor.folder
    validity = int(status[b"UIDVALIDITY"])
    uidnext = int(status[b"UIDNEXT"])
    modseq = status.get(b"HIGHESTMODSEQ")
    if cursor.uidvalidity != validity:
        # a new folder, or the server renumbered it: read it all again; what was
        # stored is known by Message-ID and external id, so nothing doubles
        cursor.uidvalidity, cursor.last_uid = validity, 0
    if cursor.last_uid >= uidnext - 1:
        progress(folder, 0, 0)
        return
    client.select_folder(folder, readonly=True)  # EXAMINE: flags cannot change
    after = cursor.last_uid
    uids = sorted(u for u in client.search(["UID", f"{after + 1}:*"]) if u > after)
    total = len(uids)
    if not uids:
        cursor.last_uid = uidnext - 1
        mail_sync.store(app, account, cursor, [], counts)
        return
    for start in range(0, total, batch):
        if stop.is_set():
            return
        chunk = uids[start : start + batch]
        fetched = client.fetch(chunk, [FETCH])
        headers = [_headers(fetched.get(uid, {})) for uid in chunk]
        last = start + batch >= total
        cursor.last_uid = max(chunk[-1], uidnext - 1) if last else chunk[-1]
        if last and modseq is not None:
            cursor.modseq = int(modseq)
        mail_sync.store(app, account, cursor, [h for h in headers if h], counts)
        progress(folder, min(start + batch, total), total)


def _headers(item: dict[bytes, Any]) -> bytes:
    for key, value in item.items():
        if key.startswith(b"BODY[") and isinstance(value, bytes):
            return value
    return b""
