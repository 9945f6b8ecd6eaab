"""Tags: listed with how many people carry each; renamed, merged and deleted
everywhere at once (each one journal entry: `POST /api/v1/history/{id}/undo` reverses it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import Field

from rapport.services import tags
from rapport.services.tags import TagChange, TagOut
from rapport.web.api import wire
from rapport.web.api.schemas import In, TagName
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["tags"])


# a tag as the path names it: what any tag can be called (no control characters)
TagPath = Annotated[str, Path(min_length=1, max_length=100, pattern=wire.NO_NUL)]


class RenameIn(In):
    name: Annotated[TagName, Field(description="The new name")]


class MergeIn(In):
    into: Annotated[TagName, Field(description="The tag they all get instead")]


@router.get("/tags", response_model=list[TagOut])
def list_tags(ws: WorkspaceDep) -> Any:
    """Every tag, the most carried first, with how many people carry it."""
    with ws.read() as ctx:
        return tags.listing(ctx)


@router.patch("/tags/{tag}", response_model=TagChange)
def rename(ws: WorkspaceDep, tag: TagPath, body: RenameIn) -> Any:
    """Rename `tag` on everyone who has it; to an existing tag's name, the two merge."""
    with ws.write() as ctx:
        return tags.rename(ctx, tag, body.name)


@router.post("/tags/{tag}/merge", response_model=TagChange)
def merge(ws: WorkspaceDep, tag: TagPath, body: MergeIn) -> Any:
    """Give everyone tagged `tag` the tag `into` instead, and drop `tag`."""
    with ws.write() as ctx:
        return tags.merge(ctx, tag, body.into)


@router.delete("/tags/{tag}", response_model=TagChange)
def delete(ws: WorkspaceDep, tag: TagPath) -> Any:
    """Take `tag` off everyone and forget it; the people stay."""
    with ws.write() as ctx:
        return tags.delete_tag(ctx, tag)
