"""Signed-in browser sessions, kept in the database so they can be ended.

The cookie carries a random id (32 bytes); the database keeps its SHA-256 hash with
the account, when it began, when it was last seen and where from. A session ends
when its user signs out, changes their password or signs out everywhere, or after
`IDLE` without use. Several `rapport serve` processes on one database therefore
agree on who is signed in."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from rapport.services.accounts import session_version
from rapport.services.context import Rapport
from rapport.storage.schema import User, WebSession
from rapport.storage.uow import unit_of_work

IDLE = dt.timedelta(days=14)  # a session unused this long has ended
# last_seen_at (and so the expiry) is written at most this often: a page view is a
# read, not a write that every request would queue for
SEEN_RESOLUTION = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class SessionOut:
    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    user_agent: str
    client: str
    current: bool  # the session this listing was asked from


@dataclass(frozen=True)
class Signed:
    """Who a live session belongs to, with the password fingerprint it carries."""

    user_id: int
    version: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def begin(app: Rapport, user_id: int, *, user_agent: str = "", client: str = "") -> str:
    """A new session for `user_id`; returns its secret id (for the cookie only)."""
    secret = secrets.token_urlsafe(32)
    now = _now()
    with unit_of_work(app.engine, write=True) as session:
        # the user's sessions that ended by age go as a new one begins
        session.execute(
            delete(WebSession).where(WebSession.user_id == user_id, WebSession.expires_at <= now)
        )
        session.add(
            WebSession(
                user_id=user_id,
                id_hash=_hash(secret),
                created_at=now,
                last_seen_at=now,
                expires_at=now + IDLE,
                user_agent=user_agent[:300],
                client=client[:64],
            )
        )
    return secret


def resolve(app: Rapport, secret: str) -> Signed | None:
    """The account a session id belongs to while the session lives, else None.
    Use slides the expiry (written at most every `SEEN_RESOLUTION`)."""
    if not secret or len(secret) > 100:
        return None
    now = _now()
    with unit_of_work(app.engine, write=False) as session:
        found = session.execute(
            select(
                WebSession.id,
                WebSession.user_id,
                WebSession.last_seen_at,
                WebSession.expires_at,
                User.password_hash,
            )
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.id_hash == _hash(secret))
        ).one_or_none()
    if found is None:
        return None
    row_id, user_id, last_seen_at, expires_at, password_hash = found
    if expires_at <= now or password_hash is None:
        return None
    if now - last_seen_at >= SEEN_RESOLUTION:
        with unit_of_work(app.engine, write=True) as session:
            live = session.get(WebSession, row_id)
            if live is None:  # ended meanwhile
                return None
            live.last_seen_at, live.expires_at = now, now + IDLE
    return Signed(user_id, session_version(password_hash))


def end(app: Rapport, secret: str) -> None:
    """Sign this session out (nothing happens for an unknown id)."""
    with unit_of_work(app.engine, write=True) as session:
        session.execute(delete(WebSession).where(WebSession.id_hash == _hash(secret)))


def end_one(app: Rapport, user_id: int, session_id: int) -> bool:
    """End one of `user_id`'s sessions by its listed id; False when there is none."""
    with unit_of_work(app.engine, write=True) as session:
        result = session.execute(
            delete(WebSession).where(WebSession.id == session_id, WebSession.user_id == user_id)
        )
        return bool(getattr(result, "rowcount", 0))


def end_all(app: Rapport, user_id: int) -> int:
    """Sign `user_id` out everywhere; returns how many sessions ended."""
    with unit_of_work(app.engine, write=True) as session:
        result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)


def listing(app: Rapport, user_id: int, current: str | None = None) -> list[SessionOut]:
    """`user_id`'s live sessions, the most recently used first."""
    mine = _hash(current) if current else None
    now = _now()
    with unit_of_work(app.engine, write=False) as session:
        rows = session.scalars(
            select(WebSession)
            .where(WebSession.user_id == user_id, WebSession.expires_at > now)
            .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc())
        )
        return [
            SessionOut(
                id=row.id,
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
                expires_at=row.expires_at,
                user_agent=row.user_agent,
                client=row.client,
                current=row.id_hash == mine,
            )
            for row in rows
        ]
