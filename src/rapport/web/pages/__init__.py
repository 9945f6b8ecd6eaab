"""The HTML pages. `public` answers anyone; everything in `private` needs a
signed-in user (a router-level dependency, so no page can forget it)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from rapport.web.deps import signed_in_page
from rapport.web.pages import (
    api_reference,
    auth,
    capture,
    command,
    duplicates,
    events,
    fields,
    history,
    insights,
    installed,
    io,
    lists,
    merge,
    organizations,
    paths,
    people,
    person,
    review,
    roles,
    settings,
    sync_accounts,
    tags,
    today,
    two_factor,
)

public = APIRouter(include_in_schema=False)
public.include_router(auth.router)
public.include_router(installed.router)
public.include_router(two_factor.public_router)  # the second step: only with a pending sign-in

private = APIRouter(dependencies=[Depends(signed_in_page)], include_in_schema=False)
for module in (
    today,
    capture,
    people,
    lists,
    person,
    duplicates,
    events,
    insights,
    history,
    review,
    io,
    merge,
    settings,
    two_factor,
    sync_accounts,
    tags,
    fields,
    organizations,
    paths,
    roles,
    command,
    api_reference,
):
    private.include_router(module.router)
