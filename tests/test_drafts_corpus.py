"""Every built-in draft, for a generated corpus of situations, keeps the rules of a
sendable message (tests/drafts_corpus.py)."""

from __future__ import annotations

from rapport.domain import drafts
from rapport.domain.drafts import Situation
from tests.drafts_corpus import LONG, situations
from tests.drafts_corpus import problems as problems_of


def _draft(s: Situation) -> tuple[str, str]:
    return drafts.compose(drafts.DEFAULT_TEMPLATES[s.kind], s)


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    corpus = list(situations())
    assert len(corpus) >= 300
    assert {s.kind for s in corpus} == set(drafts.DEFAULT_TEMPLATES)


def test_every_draft_of_the_corpus_reads() -> None:
    bad = {}
    for s in situations():
        subject, body = _draft(s)
        found = problems_of(s, subject, body)
        if found:
            bad[repr(s)] = [*found, subject, body]
    assert not bad, "\n\n".join(f"{k}\n" + "\n".join(v) for k, v in list(bad.items())[:10])


def test_the_rules_catch_the_drafts_users_reported() -> None:
    s = Situation("thanks", "Ana", "1", name="Ana Lima", me="Sam", context="she was upset")
    reported = (
        "Thank you for to a designer she knows.",
        "Thank you for lent a book.",
        "Thank you. thank you.",
        "I was thinking back to our conversation about .",
        "I've been thinking about she was upset, and I'd value it.",
    )
    for sentence in reported:
        assert problems_of(s, "Thank you", f"Hi Ana,\n\n{sentence}\n\nBest,\nSam")
    assert problems_of(s, "share two data-engineer CVs", "Hi Ana,\n\nHi.\n\nBest,\nSam")


def test_the_same_item_gives_the_same_draft() -> None:
    for s in list(situations())[::7]:
        assert _draft(s) == _draft(s)


def test_ten_follow_ups_after_one_event_are_not_identical() -> None:
    people = [("Ana", 1), ("Bruno", 2), ("Carla", 3), ("Dan", 4), ("Eve", 5)]
    people += [("Fay", 6), ("Gil", 7), ("Hana", 8), ("Ivo", 9), ("Jo", 10)]
    bodies = {
        _draft(Situation("follow-up", first, f"{pid}:followup:{pid}:7", me="Sam", event="PyCon"))[
            1
        ].replace(first, "X")
        for first, pid in people
    }
    assert len(bodies) >= 4


def test_long_and_foreign_text_is_left_out_not_cut() -> None:
    for s in situations():
        _, body = _draft(s)
        assert LONG[:30] not in body
