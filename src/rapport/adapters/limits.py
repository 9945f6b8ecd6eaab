"""What reading one import file may cost: every cap in one table, and the clock.

A file can ask for far more than its size. A 203-byte calendar repeats an event every
second since 1900; a JSON backup nests lists 5,000 deep; a CSV holds one 10 MB field.
Each adapter stops at the cap that bounds its amplification, so what an import holds
in memory grows with the file's size and these caps, never with what the file asks
for; and the whole read stops at a deadline. A cap reached is ImportFailed in one
sentence (or, for one series of a calendar, that series left out and said so)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from rapport.errors import ImportFailed

# --- the caps (one table) ------------------------------------------------------------
# Meetings are imported from this day up to now: the window recurring series are
# expanded in. Earlier occurrences are not history anyone keeps in a calendar.
WINDOW_START = dt.datetime(1970, 1, 1)
# One recurring event: a daily meeting for 27 years. A series repeating more often
# up to now (FREQ=SECONDLY, …) is left out, named in the summary; the rest imports.
MAX_OCCURRENCES_PER_SERIES = 10_000
# All the meetings of one calendar file, recurring series expanded: ten busy years
# (a 240,000-event calendar with its series, about 275,000) with room to spare.
MAX_MEETINGS = 500_000
# Nesting of JSON (a backup) and of iCalendar components (BEGIN inside BEGIN); the
# deepest real file nests 4 (backup rows holding JSON columns) or 3 (an alarm).
MAX_NESTING = 64
# One CSV field (Python's csv default): longer than any note (at most 100,000).
MAX_FIELD_CHARS = 131_072
# The work of finding the starts of one recurring series, in function calls made by
# dateutil (counted, so the cap is the same on any machine): 10,000 starts take it
# 200,000 to 270,000; a rule that matches nothing (FREQ=SECONDLY;BYMONTH=2;
# BYMONTHDAY=30) would take 44 million, searching to the year 9999 (about a minute).
MAX_SERIES_CALLS = 5_000_000
# Reading and checking one file, whatever its kind.
IMPORT_SECONDS = 300.0


class Budget:
    """The time one import may take to read its file: `check()` in every loop that
    a file can make long raises ImportFailed once `seconds` have passed."""

    def __init__(
        self, seconds: float = IMPORT_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._deadline = clock() + seconds

    def check(self, line: int | None = None, source: str | None = None) -> None:
        if self._clock() > self._deadline:
            raise ImportFailed(
                f"reading the file took longer than {self.seconds:g} seconds, "
                "the most an import may take: nothing imported",
                line=line,
                source=source,
            )

    @contextmanager
    def cap(self, calls: int) -> Iterator[None]:
        """Within: TooSlow once the code run inside has made `calls` function calls,
        ImportFailed at the import's deadline, even inside a library's own loop that
        never returns to ours (a profile hook counts the calls of this thread)."""
        made = 0

        def hook(_frame: FrameType, event: str, _arg: Any) -> None:
            nonlocal made
            if event != "call":
                return
            made += 1
            if made > calls:
                raise TooSlow
            if made % 4096 == 0:
                self.check()

        previous = sys.getprofile()
        sys.setprofile(hook)
        try:
            yield
        finally:
            sys.setprofile(previous)


class TooSlow(Exception):
    """Raised inside `Budget.cap` when its work is done."""
