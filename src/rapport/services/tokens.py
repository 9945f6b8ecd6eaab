"""API tokens: created and revoked by their user, stored only as a SHA-256 hash.

A token is 32 random bytes, so a fast hash is enough to make the stored value
useless to whoever reads the database; the secret is shown once, at creation."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import select

from rapport.domain.accounts import TOKEN_PREFIX, NewToken, TokenOut, UserOut
from rapport.errors import Invalid, NotFound
from rapport.services.accounts import out as user_out
from rapport.services.context import Ctx, Rapport
from rapport.storage.schema import ApiToken, User
from rapport.storage.uow import unit_of_work

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # write last_used_at at most this often


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(ctx: Ctx, user_id: int, name: str) -> NewToken:
    """A new token for `user_id` (an account of this workspace)."""
    label = name.strip()
    if not label:
        raise Invalid("name", "give the token a name (what uses it)")
    if len(label) > 200:
        raise Invalid("name", "use at most 200 characters")
    user = ctx.session.get(User, user_id)
    if user is None or user.workspace_id != ctx.workspace_id:
        raise NotFound(f"no account with id {user_id}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        workspace_id=ctx.workspace_id, user_id=user.id, name=label, token_hash=digest(secret)
    )
    ctx.session.add(row)
    ctx.session.flush()
    return NewToken(_outs(ctx, [row])[0], secret)


def listing(ctx: Ctx) -> list[TokenOut]:
    rows = ctx.session.scalars(
        select(ApiToken).where(ApiToken.workspace_id == ctx.workspace_id).order_by(ApiToken.id)
    )
    return _outs(ctx, list(rows))


def revoke(ctx: Ctx, token_id: int) -> TokenOut:
    row = ctx.session.get(ApiToken, token_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        raise NotFound(f"no token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = ctx.now()
        ctx.session.flush()
    return _outs(ctx, [row])[0]


def authenticate(app: Rapport, secret: str) -> UserOut | None:
    """The account an active token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = dt.datetime.now(dt.UTC)
    with unit_of_work(app.engine, write=False) as session:
        found = session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
        ).one_or_none()
        if found is None:
            return None
        token, user = found
        stale = token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION
        result = user_out(user)
        token_id = token.id
    if stale:
        with unit_of_work(app.engine, write=True) as session:
            row = session.get(ApiToken, token_id)
            if row is not None:
                row.last_used_at = now
    return result


def _outs(ctx: Ctx, rows: Sequence[ApiToken]) -> list[TokenOut]:
    ids = {r.user_id for r in rows}
    emails = (
        dict(ctx.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    return [
        TokenOut(
            id=r.id,
            name=r.name,
            user_email=emails.get(r.user_id, "?"),
            created_at=r.created_at,
            last_used_at=r.last_used_at,
            revoked_at=r.revoked_at,
        )
        for r in rows
    ]
