"""Accounts: the people who sign in to Rapport, each with their own workspace.

The first account becomes the owner of the first workspace (taking over the owner
row that `rapport init --email` may have made); every later account gets a
workspace of its own, so a user only ever sees their own network. Passwords are
stored as argon2id hashes."""

from __future__ import annotations

import datetime as dt
import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select

from rapport.domain.accounts import UserOut, password_problem
from rapport.domain.names import looks_like_email
from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.context import Rapport, local_zone_name
from rapport.storage.schema import User, WebSession, Workspace
from rapport.storage.uow import unit_of_work

_hasher = PasswordHasher()
# verified against when an email is unknown, so a wrong email costs as long as a
# wrong password and timing does not tell which accounts exist
_DUMMY_HASH: str | None = None


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Replace the password hasher (tests use cheap parameters); returns the old one."""
    global _hasher, _DUMMY_HASH
    old, _hasher, _DUMMY_HASH = _hasher, hasher, None
    return old


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not a password anyone has")
    return _DUMMY_HASH


def _normal_email(email: str) -> str:
    clean = email.strip().lower()
    if not looks_like_email(clean):
        raise Invalid("email", f"{email.strip()!r} is not an email address")
    return clean


def out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name or "",
        workspace_id=user.workspace_id,
        is_owner=user.is_owner,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


def session_version(password_hash: str | None) -> str:
    """A short fingerprint of the password hash: sessions carry it, so changing the
    password signs every other session out."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def count(app: Rapport) -> int:
    """How many accounts can sign in (have a password)."""
    with unit_of_work(app.engine, write=False) as session:
        return (
            session.scalar(select(func.count(User.id)).where(User.password_hash.is_not(None))) or 0
        )


def add(app: Rapport, email: str, password: str, *, display_name: str = "") -> UserOut:
    """Create an account. The first one owns the first workspace; later ones get
    their own. Conflict when the email is taken, Invalid for a weak password."""
    address = _normal_email(email)
    problem = password_problem(password)
    if problem:
        raise Invalid("password", problem)
    password_hash = hash_password(password)
    with app.open(write=True) as ctx:  # makes sure the first workspace exists
        session = ctx.session
        taken = session.scalar(select(User).where(func.lower(User.email) == address))
        if taken is not None and taken.password_hash is not None:
            raise Conflict(f"an account for {address} already exists")
        anyone = session.scalar(select(func.count(User.id)).where(User.password_hash.is_not(None)))
        if not anyone:
            owner = session.scalar(
                select(User)
                .where(User.workspace_id == ctx.workspace_id, User.is_owner.is_(True))
                .limit(1)
            )
            if owner is not None and taken is not None and taken.id != owner.id:
                raise Conflict(f"{address} already belongs to another workspace")
            if owner is None:
                owner = taken or User(workspace_id=ctx.workspace_id, email=address, is_owner=True)
                session.add(owner)
            owner.email, owner.is_owner = address, True
            owner.password_hash = password_hash
            if display_name.strip():
                owner.display_name = display_name.strip()
            ws = session.get(Workspace, ctx.workspace_id)
            assert ws is not None
            own = list((ws.settings or {}).get("own_emails") or [])
            if address not in own:
                ws.settings = {**(ws.settings or {}), "own_emails": [*own, address]}
            session.flush()
            return out(owner)
        if taken is not None:
            raise Conflict(f"{address} already belongs to another workspace")
        ws = Workspace(name=f"{address}'s network", timezone=local_zone_name(), settings={})
        session.add(ws)
        session.flush()
        ws.settings = {"own_emails": [address]}
        user = User(
            workspace_id=ws.id,
            email=address,
            display_name=display_name.strip(),
            password_hash=password_hash,
            is_owner=True,
        )
        session.add(user)
        session.flush()
        return out(user)


def authenticate(app: Rapport, email: str, password: str) -> tuple[UserOut, str] | None:
    """The account and its session version when `password` is right, else None."""
    address = email.strip().lower()
    with unit_of_work(app.engine, write=True) as session:
        user = session.scalar(select(User).where(func.lower(User.email) == address))
        stored = user.password_hash if user is not None else None
        try:
            _hasher.verify(stored or _dummy_hash(), password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if user is None or stored is None:
            return None
        if _hasher.check_needs_rehash(stored):
            user.password_hash = hash_password(password)
        user.last_login_at = dt.datetime.now(dt.UTC)
        session.flush()
        return out(user), session_version(user.password_hash)


def for_session(app: Rapport, user_id: int, version: str) -> UserOut | None:
    """The account a session cookie names, if its password has not changed since."""
    with unit_of_work(app.engine, write=False) as session:
        user = session.get(User, user_id)
        if user is None or user.password_hash is None:
            return None
        if session_version(user.password_hash) != version:
            return None
        return out(user)


def get(app: Rapport, user_id: int) -> UserOut:
    with unit_of_work(app.engine, write=False) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"no account with id {user_id}")
        return out(user)


def by_email(app: Rapport, email: str) -> UserOut:
    address = email.strip().lower()
    with unit_of_work(app.engine, write=False) as session:
        user = session.scalar(select(User).where(func.lower(User.email) == address))
        if user is None or user.password_hash is None:
            raise NotFound(f"no account for {address}")
        return out(user)


def owner(app: Rapport) -> UserOut:
    """The owner of the first workspace (the CLI acts as them)."""
    with app.open() as ctx:
        user = ctx.session.scalar(
            select(User)
            .where(User.workspace_id == ctx.workspace_id, User.password_hash.is_not(None))
            .order_by(User.is_owner.desc(), User.id)
            .limit(1)
        )
        if user is None:
            raise NotFound("no account yet: create one with `rapport user add EMAIL`")
        return out(user)


def listing(app: Rapport) -> list[UserOut]:
    with unit_of_work(app.engine, write=False) as session:
        rows = session.scalars(
            select(User).where(User.password_hash.is_not(None)).order_by(User.id)
        )
        return [out(u) for u in rows]


def change_password(app: Rapport, user_id: int, current: str, new: str) -> str:
    """Set a new password after checking the current one; returns the new session
    version. Every session of the account is signed out."""
    problem = password_problem(new)
    if problem:
        raise Invalid("new_password", problem)
    with unit_of_work(app.engine, write=True) as session:
        user = session.get(User, user_id)
        if user is None or user.password_hash is None:
            raise NotFound(f"no account with id {user_id}")
        try:
            _hasher.verify(user.password_hash, current)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise Invalid("current_password", "is not your current password") from None
        user.password_hash = hash_password(new)
        # every session of the account ends with the old password (the caller signs
        # the browser that changed it in again)
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        session.flush()
        return session_version(user.password_hash)
