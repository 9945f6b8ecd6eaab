"""Dovecot for the IMAP tests: a real server on a loopback port (`bench.dovecot`, the
one copy shared with the benchmark), messages written as a mail server would, and
the account to sync it with. Tests that cannot start it fail with the reason: they
are never skipped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from email.utils import format_datetime

import pytest
from bench import dovecot
from bench.dovecot import Dovecot

__all__ = ["Dovecot", "email", "running"]


def running(*, tls: bool = False) -> Iterator[Dovecot]:
    """A started server, stopped afterwards (for a fixture to yield from)."""
    try:
        server = dovecot.start(tls=tls)
    except dovecot.DovecotUnavailable as exc:
        pytest.fail(f"cannot start Dovecot for the IMAP tests: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def email(
    sender: str,
    to: Sequence[str],
    subject: str,
    at: dt.datetime,
    message_id: str,
    *,
    reply_to: str | None = None,
    references: Sequence[str] = (),
    cc: Sequence[str] = (),
    extra: Sequence[str] = (),
    body: str = "Hello,\r\n\r\nSee you soon.\r\n",
) -> bytes:
    """One message as it arrives: headers, a blank line, a body."""
    lines = [
        f"From: {sender}",
        f"To: {', '.join(to)}",
        *([f"Cc: {', '.join(cc)}"] if cc else []),
        f"Subject: {subject}",
        f"Date: {format_datetime(at)}",
        f"Message-ID: <{message_id}>",
        *([f"In-Reply-To: <{reply_to}>"] if reply_to else []),
        *([f"References: {' '.join(f'<{r}>' for r in references)}"] if references else []),
        *extra,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()
