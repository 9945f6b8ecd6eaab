"""The IMAP connector (being built: see issue 17)."""

from __future__ import annotations

import threading

from rapport.errors import SyncFailed
from rapport.services.context import Rapport
from rapport.services.sync_accounts import AccountConfig


def check(account: AccountConfig) -> str:
    raise SyncFailed("IMAP sync is not available yet")


def sync(
    app: Rapport, account: AccountConfig, progress: object, stop: threading.Event
) -> dict[str, int]:
    raise SyncFailed("IMAP sync is not available yet")
