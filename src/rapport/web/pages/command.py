"""The command bar (press / anywhere): jump to a person, log, search, add; and the
full search page it falls back to."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rapport.domain.names import name_rank
from rapport.domain.records import SearchResult
from rapport.errors import Invalid
from rapport.services import search, semantic
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import render

router = APIRouter()

PAGES = [
    ("Today", "/"),
    ("People", "/people"),
    ("Add a person", "/people/new"),
    ("Capture a conversation (works offline)", "/capture"),
    ("Events", "/events"),
    ("Who do I know who…", "/who"),
    ("Insights", "/insights"),
    ("Import or export", "/io"),
    ("Settings", "/settings"),
]


@dataclass(frozen=True)
class Choice:
    label: str
    detail: str
    href: str


def choices(ws: WorkspaceDep, q: str) -> list[Choice]:
    text = q.strip()
    lowered = text.lower()
    found: list[Choice] = []
    if not text:
        return [Choice(label, "go to", href) for label, href in PAGES]
    verb, _, rest = text.partition(" ")
    if verb.lower() == "add" and rest.strip():
        found.append(
            Choice(f"Add {rest.strip()}", "new person", f"/people/new?name={quote(rest.strip())}")
        )
        return found
    log = verb.lower() == "log"
    term = rest.strip() if log else text
    if term:
        try:
            with ws.read() as ctx:
                hits = search.find(ctx, term, limit=24)
        except Invalid:
            hits = []  # a filter half typed: the search page says what is wrong
        # a person whose name matches outranks one found by another field (Enter
        # takes the first choice: `log ana` must not log with an "Analyst")
        hits.sort(key=lambda h: name_rank(h.title, term) if h.kind == "person" else 4)
        for hit in hits[:8]:
            if hit.kind == "person":
                href = f"/people/{hit.id}" + ("#log-form" if log else "")
                label = f"Log with {hit.title}" if log else hit.title
                found.append(Choice(label, hit.detail or "person", href))
            elif not log and hit.kind == "organization":
                found.append(Choice(hit.title, "organization", f"/organizations/{hit.id}"))
            elif not log and hit.href:
                found.append(Choice(hit.title, hit.detail or hit.kind, hit.href))
    if not log:
        found.extend(
            Choice(label, "go to", href) for label, href in PAGES if lowered in label.lower()
        )
        found.append(
            Choice(f"Add “{text}” as a person", "new person", f"/people/new?name={quote(text)}")
        )
    return found


@router.get("/command")
def command(request: Request, ws: WorkspaceDep, q: str = "") -> Response:
    return render(request, "partials/command.html", {"choices": choices(ws, q[:200]), "q": q})


@router.get("/search")
def search_page(
    request: Request, ws: WorkspaceDep, q: str = "", sort: str = "relevance"
) -> Response:
    found, problem = None, None
    sort = sort if sort in search.SORTS else "relevance"
    if q.strip():
        try:
            with ws.read() as ctx:
                found = search.answer(ctx, q[:200], sort=sort, limit=50)
        except Invalid as exc:
            problem = str(exc).removeprefix("q: ")
    groups: dict[str, list[SearchResult]] = {}
    for hit in found.results if found else []:
        groups.setdefault(hit.kind, []).append(hit)
    return render(
        request,
        "search.html",
        {"found": found, "groups": groups, "q": q, "sort": sort, "problem": problem},
    )


@router.get("/who")
def who_page(request: Request, ws: WorkspaceDep, q: str = "") -> Response:
    """Who do I know who…: a question in plain words, the people who answer it best,
    each with the reason."""
    found, problem = None, None
    if q.strip():
        try:
            found = semantic.who(ws.rapport, q[:300], workspace_id=ws.user.workspace_id, limit=20)
        except Invalid as exc:
            problem = str(exc).removeprefix("q: ")
    return render(request, "who.html", {"found": found, "q": q, "problem": problem})
