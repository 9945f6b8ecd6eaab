"""Bulk jobs make Python's cycle collector run rarely, and put it back as it was."""

from __future__ import annotations

import gc
import threading

import pytest

from rapport.services import cycle_collection
from rapport.services.cycle_collection import fewer_collections


def test_collections_are_rarer_inside_and_as_before_after() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        inside = gc.get_threshold()
        assert inside[0] == max(cycle_collection.YOUNG, before[0])
        assert inside[1:] == before[1:]
        assert gc.isenabled()  # rarer, never off
    assert gc.get_threshold() == before


def test_the_thresholds_come_back_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the import failed")
    assert gc.get_threshold() == before


def test_overlapping_users_restore_the_original_thresholds() -> None:
    """Two imports in two server threads, the first ending before the second."""
    before = gc.get_threshold()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def first() -> None:
        with fewer_collections():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with fewer_collections():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.get_threshold())  # the first has left: still raised

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == [(max(cycle_collection.YOUNG, before[0]), *before[1:])]
    assert gc.get_threshold() == before
