"""Counts in words: the noun agrees with the number."""

from __future__ import annotations

from rapport.domain.counts import counted, said


def test_one_is_singular_and_others_plural() -> None:
    assert counted(1, "upcoming meetings") == "1 upcoming meeting"
    assert counted(1, "interactions updated") == "1 interaction updated"
    assert counted(1, "attendees not in your network") == "1 attendee not in your network"
    assert counted(0, "messages") == "0 messages"
    assert counted(12408, "messages") == "12,408 messages"


def test_said_leaves_out_zeros_and_says_when_there_is_nothing() -> None:
    assert said({"messages": 2, "interactions": 1, "meetings": 0}) == "2 messages, 1 interaction"
    assert said({"meetings": 0}) == "nothing new"
