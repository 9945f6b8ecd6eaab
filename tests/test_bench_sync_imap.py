"""The IMAP benchmark runs end to end at a tiny size, and its mailbox has the shape
it promises."""

from __future__ import annotations

from bench import sync_imap


def test_the_generated_mailbox_has_threads_lists_and_strangers() -> None:
    box = sync_imap.mailbox(400, people=50)
    assert 400 <= len(box.inbox) + len(box.sent) < 410
    every = b"".join(box.inbox)
    assert b"List-Id:" in every and b"no-reply@" in every and b"References:" in every
    assert b"stranger" in every and len(box.network) == 50


def test_the_benchmark_runs_at_a_tiny_size(capsys: object) -> None:
    figures = sync_imap.main(["--messages", "300", "--people", "50", "--batch", "100"])
    assert figures["first_sync_commands"] >= 9  # login, list, status, select, search, fetch…
    # nothing new: LOGIN, one STATUS per folder (INBOX, Sent), LOGOUT
    assert figures["no_change_commands"] == 4
    assert figures["first_sync_s"] > 0 and figures["peak_rss_mb"] > 0
