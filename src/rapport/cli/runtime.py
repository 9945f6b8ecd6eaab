"""The CLI's handle on Rapport: one per process, opened on first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rapport.services.context import Ctx, Rapport

_app: Rapport | None = None


def rapport() -> Rapport:
    global _app
    from rapport.services.context import Rapport
    from rapport.settings import Settings

    if _app is None:
        _app = Rapport(Settings.from_env())
    return _app


def reset() -> None:
    """Forget the open database (tests switch databases between invocations)."""
    global _app
    if _app is not None:
        _app.dispose()
    _app = None


@contextmanager
def session(*, write: bool = False) -> Iterator[Ctx]:
    with rapport().open(write=write) as ctx:
        yield ctx
