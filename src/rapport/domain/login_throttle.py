"""How long a sign-in waits after wrong passwords: pure rules over counted failures.

Three brakes, each counted over its own window:
- one account from one client address: a few free tries, then a wait that doubles
  with each further failure. It stops guessing from one place, and an attacker
  elsewhere never locks the owner out, whose own address has its own count;
- one client address across all accounts: a looser brake on spraying many accounts;
- everyone: the global brake, far above what any person types, against guessing
  spread over many addresses. It slows every sign-in for at most `longest_wait`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    free: int  # failures within `window` that cost nothing
    window: dt.timedelta  # failures older than this are forgotten
    first_wait: dt.timedelta  # the wait after the first failure beyond `free`
    longest_wait: dt.timedelta  # the wait doubles up to this

    def wait(self, failures: int, last: dt.datetime | None, now: dt.datetime) -> dt.timedelta:
        """How long from `now` until another try, after `failures` failures within
        the window, the latest at `last`."""
        if failures < self.free or last is None:
            return dt.timedelta(0)
        doublings = min(failures - self.free, 30)
        wait = min(self.first_wait * (1 << doublings), self.longest_wait)
        return max(last + wait - now, dt.timedelta(0))


@dataclass(frozen=True)
class Rules:
    pair: Rule  # one account from one client address
    client: Rule  # one client address, any account
    everyone: Rule  # every failure, from anywhere (the global brake)

    @property
    def longest_window(self) -> dt.timedelta:
        return max(self.pair.window, self.client.window, self.everyone.window)


RULES = Rules(
    pair=Rule(5, dt.timedelta(hours=1), dt.timedelta(seconds=2), dt.timedelta(minutes=15)),
    client=Rule(30, dt.timedelta(hours=1), dt.timedelta(seconds=2), dt.timedelta(minutes=15)),
    everyone=Rule(300, dt.timedelta(minutes=5), dt.timedelta(seconds=1), dt.timedelta(minutes=1)),
)


def seconds(wait: dt.timedelta) -> int:
    """A wait as whole seconds for Retry-After: never 0 when there is a wait."""
    if wait <= dt.timedelta(0):
        return 0
    return int(wait.total_seconds()) + (0 if wait.total_seconds().is_integer() else 1)
