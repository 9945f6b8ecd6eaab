"""Search, insights, settings, API tokens and the signed-in account."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from rapport.domain.accounts import NewToken, TokenOut, UserOut
from rapport.domain.records import SearchResult
from rapport.domain.who_answer import WhoAnswer
from rapport.services import owner, preferences, search, semantic, tokens
from rapport.services.owner import Owner
from rapport.services.preferences import Preferences
from rapport.web import views
from rapport.web.api.schemas import Email, OwnAddressIn, PathId, SettingsPatch, Text, TokenIn
from rapport.web.deps import CurrentUser, WorkspaceDep

router = APIRouter()


@router.get("/me", response_model=UserOut, tags=["account"])
def me(user: CurrentUser) -> Any:
    """The account the token belongs to."""
    return user


SearchKind = Literal[
    "person",
    "organization",
    "interaction",
    "promise",
    "favour",
    "feedback",
    "event",
    "mentorship",
    "milestone",
]


@router.get("/search", response_model=list[SearchResult], tags=["search"])
def find(
    ws: WorkspaceDep,
    response: Response,
    q: Annotated[Text, Query(min_length=1, max_length=200)],
    kind: Annotated[list[SearchKind] | None, Query(max_length=9)] = None,
    sort: Literal["relevance", "newest"] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Any:
    """Every kind of record matching every word (prefixes too), grouped by kind:
    people, organizations, interactions, promises, favours, feedback, events,
    mentorships, milestones; each with the page it lives on (`href`). `q` may hold
    filters: `type:client`, `org:acme`, `tag:angel`, `met:websummit` (met at that
    event), `since:2025-01`, `kind:promise`; an unknown filter answers 422. When no
    person is found, the header `X-Did-You-Mean` may name one the words look like."""
    with ws.read() as ctx:
        found = search.answer(ctx, q, kinds=kind or (), sort=sort, limit=limit)
    if found.did_you_mean:
        response.headers["X-Did-You-Mean"] = quote(found.did_you_mean)
    return found.results


@router.get("/who", response_model=WhoAnswer, tags=["search"])
def who(
    ws: WorkspaceDep,
    q: Annotated[Text, Query(min_length=1, max_length=300)],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Any:
    """Who do I know who…: the people who best answer a question in plain words
    ("works on climate tech in Lisbon"), best first, each with the reason. `mode`
    says how it answered: "meaning" (meaning and keywords fused; exact names first)
    or "keywords" (the optional rapport[semantic] is not installed). `waiting`:
    people not yet indexed by meaning; `notes`: what to tell the person asking."""
    return semantic.who(ws.rapport, q, workspace_id=ws.user.workspace_id, limit=limit)


@router.get("/insights", response_model=views.InsightsView, tags=["insights"])
def insights(ws: WorkspaceDep) -> Any:
    """Health distribution, people drifting, composition, favours, conversations per
    month: the Insights page's data."""
    with ws.read() as ctx:
        return views.insights_page(ctx)


@router.get("/settings", response_model=Preferences, tags=["settings"])
def get_settings(ws: WorkspaceDep) -> Any:
    """Time zone, own addresses, rhythm per type, the agenda's delays and windows
    (with their defaults), draft templates, the weights of health's parts."""
    with ws.read() as ctx:
        return preferences.describe(ctx)


@router.patch("/settings", response_model=Preferences, tags=["settings"])
def patch_settings(ws: WorkspaceDep, body: SettingsPatch) -> Any:
    """Change what is given; a null rhythm or template restores the default."""
    with ws.write() as ctx:
        return preferences.update(
            ctx,
            workspace=body.workspace,
            timezone=body.timezone,
            own_emails=body.own_emails,
            cadence=body.cadence,
            templates=body.templates,
            agenda=body.agenda.given() if body.agenda is not None else None,
            date_order=body.date_order,
            health_weights=body.health_weights,
        )


@router.get("/settings/me", response_model=Owner, tags=["settings"])
def get_own_addresses(ws: WorkspaceDep) -> Any:
    """Your own email addresses (never imported as a contact; they tell who reached out),
    where each came from, any contact that has one (with what to do about it), and the
    addresses you said are not yours."""
    with ws.read() as ctx:
        return owner.describe(ctx)


@router.post("/settings/me", response_model=Owner, tags=["settings"])
def add_own_address(ws: WorkspaceDep, body: OwnAddressIn) -> Any:
    """Remember an address as yours; one on a contact says so in its `hint`."""
    with ws.write() as ctx:
        return owner.add(ctx, body.address, origin="settings")


@router.delete("/settings/me", response_model=Owner, tags=["settings"])
def remove_own_address(
    ws: WorkspaceDep,
    address: Annotated[Email, Query(description="The address to forget")],
) -> Any:
    """Forget an address of yours, or one you said is not yours (404 when it is
    neither)."""
    with ws.write() as ctx:
        return owner.remove(ctx, address)


@router.get("/tokens", response_model=list[TokenOut], tags=["tokens"])
def list_tokens(ws: WorkspaceDep) -> Any:
    """Your workspace's tokens (never their secrets), revoked ones included."""
    with ws.read() as ctx:
        return tokens.listing(ctx)


@router.post("/tokens", response_model=NewToken, status_code=201, tags=["tokens"])
def create_token(ws: WorkspaceDep, body: TokenIn) -> Any:
    """A new token for you; its `secret` is in this answer only."""
    with ws.write() as ctx:
        return tokens.create(ctx, ws.user.id, body.name)


@router.delete("/tokens/{token_id:int}", response_model=TokenOut, tags=["tokens"])
def revoke_token(ws: WorkspaceDep, token_id: PathId) -> Any:
    """Revoke a token: it stops working at once."""
    with ws.write() as ctx:
        return tokens.revoke(ctx, token_id)
