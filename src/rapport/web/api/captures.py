"""Offline capture: the directory a phone keeps to find people with no connection,
and the captures it sends when the connection returns, each acted on once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import Field

from rapport.domain.vocabulary import InteractionKind
from rapport.services import captures
from rapport.web.api.schemas import Id, In, Long, Moment, Name, Str, Text, _foldable
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["captures"])

KEY = r"^[A-Za-z0-9_-]{8,100}$"
# as a person's organisation is checked everywhere (its folded key fits its column too)
OrganizationName = Annotated[Text, Str(300), _foldable(300)]


class CaptureBody(In):
    key: Annotated[
        str,
        Field(
            pattern=KEY,
            min_length=8,
            max_length=100,
            description="Made by the client for this capture (a UUID): sent again, the "
            "capture is not acted on twice and the first answer comes back.",
        ),
    ]
    kind: Literal["log", "met"] = Field(
        description="'log': a conversation with `person_id`; 'met': someone new, `name`."
    )
    occurred_at: Moment | None = Field(
        default=None,
        description="When it happened; naive times are in your time zone, none (or a "
        "moment still to come, a clock ahead) is now.",
    )
    person_id: Id | None = None
    name: Name | None = Field(
        default=None, description="'met': their name; 'log': the name the client showed."
    )
    organization: OrganizationName = ""
    where: Annotated[Text, Str(500)] = Field(default="", description="'met': where you met.")
    interaction_kind: InteractionKind = InteractionKind.MEETING
    summary: Annotated[Text, Str(500)] = ""
    notes: Long = ""


@router.get("/people/directory", response_model=list[captures.DirectoryEntry])
def people_directory(ws: WorkspaceDep) -> Any:
    """Everyone not archived, by name (id, name, organisation): what a phone keeps to
    look people up with no connection."""
    with ws.read() as ctx:
        return captures.directory(ctx)


REPLAYED: dict[int | str, dict[str, Any]] = {
    200: {
        "model": captures.CaptureOut,
        "description": "The key was sent before: its first answer (`replayed` true), "
        "and nothing done",
    }
}


@router.post("/captures", response_model=captures.CaptureOut, status_code=201, responses=REPLAYED)
def send_capture(ws: WorkspaceDep, body: CaptureBody, response: Response) -> Any:
    """A capture made offline, acted on once per `key`: 201 with what it did; a key
    sent before answers 200 with the first answer (`replayed` true) and does nothing.
    A person merged since gets it on the person kept (`merged_from`); one archived
    still gets it (`archived`); one gone otherwise answers 404, and nothing is done."""
    with ws.write() as ctx:
        when = ctx.now() if body.occurred_at is None else body.occurred_at
        if when.tzinfo is None:
            when = when.replace(tzinfo=ctx.tz)
        done = captures.receive(
            ctx,
            captures.CaptureIn(
                key=body.key,
                kind=body.kind,
                occurred_at=min(when, ctx.now()),
                person_id=body.person_id,
                name=body.name or "",
                organization=body.organization,
                where=body.where,
                interaction_kind=body.interaction_kind.value,
                summary=body.summary,
                notes=body.notes,
            ),
        )
    if done.replayed:
        response.status_code = 200
    return done
