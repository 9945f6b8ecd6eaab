"""Plain values about accounts and API tokens (the services return these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "rpt_"


@dataclass(frozen=True)
class UserOut:
    id: int
    email: str
    display_name: str
    workspace_id: int
    is_owner: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


@dataclass(frozen=True)
class TokenOut:
    id: int
    name: str
    user_email: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class NewToken:
    """A token just created: `secret` is shown once and never stored."""

    token: TokenOut
    secret: str


def password_problem(password: str) -> str | None:
    """Why `password` is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"use at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 1024:
        return "use at most 1024 characters"
    if not password.strip():
        return "cannot be only spaces"
    return None
