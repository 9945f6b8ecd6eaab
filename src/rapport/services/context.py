"""Opening Rapport: the database, its schema, the user's workspace, and today."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVarTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import CursorResult, Engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rapport.errors import Invalid, NotFound, StorageUnavailable
from rapport.settings import Settings
from rapport.storage import journal, migrate
from rapport.storage.engine import WRITE_OPTION, make_engine
from rapport.storage.schema import Workspace, pinned_clock
from rapport.storage.uow import unit_of_work

if TYPE_CHECKING:
    from sqlalchemy.sql.selectable import TypedReturnsRows

_Ts = TypeVarTuple("_Ts")
TODAY_ENV = "RAPPORT_TODAY"  # pins "today" for demos and tests


@dataclass
class Ctx:
    """What every service call works in: one transaction, one workspace, one day."""

    session: Session
    workspace_id: int
    tz: ZoneInfo
    today: dt.date
    settings: dict[str, Any]
    pinned: bool = False  # `today` was given (RAPPORT_TODAY, demos, tests), not the clock's
    recording: journal.Recorder | None = None  # a write's journal (None when reading)

    def now(self) -> dt.datetime:
        """The current moment (UTC). A context opened on another day than the real
        one (`RAPPORT_TODAY`, demos, tests, the benchmark) keeps the time of day but
        moves it onto its `today`, so that what it records "now" (a promise kept, a
        row created) happens on the day everything else is computed for."""
        real = dt.datetime.now(self.tz)
        if not self.pinned or real.date() == self.today:
            # (a request that began before midnight keeps the real clock)
            return real.astimezone(dt.UTC)
        moved = dt.datetime.combine(self.today, real.time(), tzinfo=self.tz)
        return moved.astimezone(dt.UTC)

    def journal(self, action: str, summary: str) -> int | None:
        """Name the user action this transaction carries out (`action` a short verb
        such as "log" or "done", `summary` one line in words): its journal entry's
        id. The first name given wins, so a service calling another keeps its own;
        a write left unnamed is journaled as "change"."""
        return journal.name(self.session, action, summary, self.now())

    @property
    def entry_id(self) -> int | None:
        """The journal entry this transaction writes: once named, and after the
        commit (None if nothing it changed is journaled)."""
        return None if self.recording is None else self.recording.entry_id

    def unjournaled(self) -> None:
        """Write without journaling (loading a generated network: not a user action)."""
        journal.end(self.session)

    def rows(self, statement: TypedReturnsRows[*_Ts]) -> CursorResult[*_Ts]:
        """Rows of a Core select, without the ORM's result step (which costs more
        than the query on tens of thousands of rows). Pending changes are flushed
        first, as `Session.execute` would."""
        self.session.flush()
        return self.session.connection().execute(statement)


def prepare() -> None:
    """Build the models' mappings now rather than on the first query (a process that
    forks workers does it once, before it forks)."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(field, f"unknown time zone {name!r} (use a name like Europe/Paris)") from exc


def _rebuild_search(engine: Engine) -> None:
    from rapport.services.search_documents import reindex_all

    with unit_of_work(engine, write=True) as session:
        for ws_id in list(session.scalars(select(Workspace.id))):
            reindex_all(session, ws_id)


def _fill_ties(engine: Engine) -> None:
    from rapport.services import ties

    with unit_of_work(engine, write=True) as session:
        for ws_id in list(session.scalars(select(Workspace.id))):
            ties.rebuild(session, ws_id)


def _fill_touch(engine: Engine) -> None:
    """What ranking check-ins needs, worked out for everyone (services.touch_state)."""
    from rapport.services.touch_state import refresh_workspace

    with unit_of_work(engine, write=True) as session:
        journal.end(session)  # derived values, not a user action to undo
        for ws_id in list(session.scalars(select(Workspace.id))):
            refresh_workspace(session, ws_id)
        # the planner's statistics for the new index: without them SQLite takes it for
        # every query on a workspace's people (the People page 29 → 180 ms at 50,000)
        session.execute(text("ANALYZE person"))


class Rapport:
    """One open database. Cheap to keep for a process's lifetime."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        engine = make_engine(self.settings.database_url)
        try:
            if migrate.needs_upgrade(engine):
                was = migrate.current_revision(engine)
                # as a writer (BEGIN IMMEDIATE on SQLite): processes opening a new
                # file together migrate it one after the other, and the later ones
                # find it done
                migrate.upgrade(engine.execution_options(**{WRITE_OPTION: True}))
                if was is not None and was < migrate.SEARCH_REBUILT:
                    # the search documents were written by an older tokeniser, and
                    # records since made searchable have none: rebuilt once, here
                    # (a minute at 50,000 people and 2,000,000 conversations: said
                    # to a person waiting at a terminal)
                    if sys.stderr.isatty():
                        sys.stderr.write(
                            "Rapport was updated: rebuilding the search index once "
                            "(about a minute for a large network)…\n"
                        )
                    _rebuild_search(engine)
                if was is not None and was < migrate.TIES_FILLED:
                    # the conversation ties warm paths read (a new table): filled once
                    if sys.stderr.isatty():
                        sys.stderr.write(
                            "Rapport was updated: working out who took part in the same "
                            "conversations once (about a minute for a large network)…\n"
                        )
                    _fill_ties(engine)

                if was is not None and was < migrate.TOUCH_FILLED:
                    _fill_touch(engine)
        except OperationalError as exc:
            raise StorageUnavailable(
                f"cannot open the database at {engine.url.render_as_string()}: {exc.orig}"
            ) from exc
        return engine

    @contextmanager
    def open(
        self,
        *,
        write: bool = False,
        today: dt.date | None = None,
        workspace_id: int | None = None,
        user_id: int | None = None,
    ) -> Iterator[Ctx]:
        """A context on `workspace_id` (a signed-in user's), else on the owner's
        workspace (created on first use); `user_id` is who acts, for the journal."""
        if workspace_id is None:
            workspace_id = self._workspace_id()
        given = today or pinned_today()
        opened: list[Ctx] = []

        def pinned_now() -> dt.datetime:
            return opened[0].now() if opened else dt.datetime.now(dt.UTC)

        # rows get their created_at when the transaction flushes, at the latest on
        # commit: the pinned clock stays set until the unit of work has ended
        clock = pinned_clock.set(pinned_now if given is not None else None)
        try:
            with unit_of_work(self.engine, write=write) as session:
                ws = session.get(Workspace, workspace_id)
                if ws is None:
                    raise NotFound(f"no workspace with id {workspace_id}")
                rec = journal.recorder(session)
                if rec is not None:
                    rec.workspace_id, rec.user_id = ws.id, user_id
                tz = zone(ws.timezone)
                opened.append(
                    Ctx(
                        session=session,
                        workspace_id=ws.id,
                        tz=tz,
                        today=given or dt.datetime.now(tz).date(),
                        settings=dict(ws.settings or {}),
                        pinned=given is not None,
                        recording=rec,
                    )
                )
                yield opened[0]
                if write and rec is not None:
                    from rapport.services import touch_state
                    from rapport.services.search_documents import sync

                    session.flush()
                    sync(session, ws.id, rec.before)
                    touch_state.sync(session, ws.id, rec.before)
        finally:
            pinned_clock.reset(clock)

    def _workspace_id(self) -> int:
        with unit_of_work(self.engine, write=False) as session:
            found = session.scalar(select(Workspace.id).order_by(Workspace.id).limit(1))
        if found is not None:
            return found
        with unit_of_work(self.engine, write=True) as session:
            again = session.scalar(select(Workspace.id).order_by(Workspace.id).limit(1))
            if again is not None:
                return again
            ws = Workspace(name="My network", timezone=local_zone_name(), settings={})
            session.add(ws)
            session.flush()
            return ws.id

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def pinned_today() -> dt.date | None:
    raw = os.environ.get(TODAY_ENV)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid(TODAY_ENV, f"{raw!r} is not an ISO date") from exc


def local_zone_name() -> str:
    """The machine's IANA time zone name, or UTC when it cannot be told."""
    tz = os.environ.get("TZ")
    if tz:
        try:
            ZoneInfo(tz)
            return tz
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        import tzlocal

        name: str = tzlocal.get_localzone_name() or "UTC"
        ZoneInfo(name)
        return name
    except Exception:  # any failure to tell the zone means UTC, never a crash
        return "UTC"
