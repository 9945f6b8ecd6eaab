"""Typed dependencies: who is asking, and the workspace they may touch.

A route is workspace-scoped by its signature: it takes `WorkspaceDep` and opens
`ws.read()` or `ws.write()`, which are always the signed-in user's workspace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from rapport.domain.accounts import UserOut
from rapport.services import accounts, tokens, two_factor
from rapport.services.context import Ctx, Rapport
from rapport.web.errors import ENROL, EnrolmentRequired, NotAuthenticated
from rapport.web.sessions import session_of


def rapport_of(request: Request) -> Rapport:
    app: Rapport = request.app.state.rapport
    return app


RapportDep = Annotated[Rapport, Depends(rapport_of)]


def current_user(request: Request) -> UserOut:
    """The account behind a bearer token or the session cookie; 401 otherwise."""
    cached = getattr(request.state, "user", None)
    if isinstance(cached, UserOut):
        return cached
    app = rapport_of(request)
    header = request.headers.get("authorization")
    user: UserOut | None
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthenticated("use 'Authorization: Bearer <token>'")
        user = tokens.authenticate(app, secret.strip())
        if user is None:
            raise NotAuthenticated("the API token is wrong or revoked")
        request.state.auth = "token"
    else:
        session = session_of(request.scope)
        user_id, version = session.get("u"), session.get("v")
        user = None
        if isinstance(user_id, int) and isinstance(version, str):
            user = accounts.for_session(app, user_id, version)
        if user is None:
            if user_id is not None:
                session.replace({})
            raise NotAuthenticated("sign in, or send an API token")
        request.state.auth = "session"
    request.state.user = user
    return user


CurrentUser = Annotated[UserOut, Depends(current_user)]


def signed_in_page(request: Request) -> UserOut:
    """`current_user` for pages: in a workspace that requires two-step sign-in, an
    account without it is sent to turn it on before any other page."""
    user = current_user(request)
    if (
        request.state.auth == "session"
        and not request.url.path.startswith(ENROL)
        and two_factor.must_enrol(rapport_of(request), user.id, user.workspace_id)
    ):
        raise EnrolmentRequired("this network requires two-step sign-in: turn it on first")
    return user


@dataclass(frozen=True)
class Workspace:
    """The signed-in user's workspace, opened per use in one transaction."""

    rapport: Rapport
    user: UserOut
    today: dt.date | None
    request: Request | None = None

    @contextmanager
    def read(self) -> Iterator[Ctx]:
        with self.rapport.open(
            write=False, today=self.today, workspace_id=self.user.workspace_id
        ) as ctx:
            yield ctx

    @contextmanager
    def write(self) -> Iterator[Ctx]:
        """A writing context; once committed, its journal entry is kept on the
        request (`journal_entry`), so the page that says what was done offers Undo."""
        with self.rapport.open(
            write=True, today=self.today, workspace_id=self.user.workspace_id, user_id=self.user.id
        ) as ctx:
            yield ctx
        if self.request is not None and ctx.entry_id is not None:
            self.request.state.journal_entry = ctx.entry_id


def workspace(request: Request, user: CurrentUser) -> Workspace:
    today: dt.date | None = request.app.state.today
    return Workspace(rapport_of(request), user, today, request)


WorkspaceDep = Annotated[Workspace, Depends(workspace)]
