"""Lists of one's own: a saved filter (whoever matches it) or people picked by hand,
optionally a pipeline whose members each have a stage. Every change is one journal
entry (`POST /api/v1/history/{id}/undo` reverses it). A list is also a target:
`GET /api/v1/agenda?list_id=` and bulk edits (`POST /api/v1/people/bulk` with the
actions `list` and `unlist`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from rapport.domain import people_filter
from rapport.domain.people_filter import PeopleFilter
from rapport.domain.vocabulary import RelationshipType
from rapport.services import lists
from rapport.services.lists import ListChange, ListOut, ListView, Member
from rapport.web.api import wire
from rapport.web.api.schemas import Filled, Id, In, PathId, Str, Text, _foldable
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["lists"])

ListName = Annotated[Filled, Str(lists.MAX_NAME, 1), _foldable(lists.MAX_NAME)]
Stage = Annotated[Filled, Str(lists.MAX_STAGE, 1)]
Stages = Annotated[list[Stage], Field(max_length=lists.MAX_STAGES)]
FilterText = Annotated[Text, Str(people_filter.MAX_VALUE)]


class FilterIn(In):
    """The People page's filters (`GET /api/v1/people`), every one given required."""

    type: RelationshipType | None = None
    tag: FilterText | None = None
    organization: FilterText | None = None
    health: Annotated[str, wire.one_of(people_filter.HEALTH_BANDS)] | None = None
    field: (
        Annotated[
            str,
            wire.field_filter,
            Field(
                max_length=people_filter.MAX_VALUE,
                description="One of your own fields and its value, `Stage:Seed` (or "
                "`Stage=Seed`); `Stage:` chooses the people without a value.",
            ),
        ]
        | None
    ) = None

    def criteria(self) -> PeopleFilter:
        values = self.model_dump(exclude_none=True)
        if isinstance(self.type, RelationshipType):
            values["type"] = self.type.value
        return people_filter.of(values)


class ListIn(In):
    name: ListName
    filter: Annotated[
        FilterIn | None, Field(description="A saved filter; without, the list is picked by hand")
    ] = None
    stages: Annotated[
        Stages, Field(default_factory=list, description="The pipeline's stages, in order")
    ]
    ids: Annotated[
        list[Id],
        Field(
            default_factory=list, max_length=5000, description="The people of a hand-picked list"
        ),
    ]


class ListPatch(In):
    name: ListName | None = None
    stages: Annotated[Stages | None, Field(description="[]: no stages")] = None
    filter: Annotated[FilterIn | None, Field(description="A saved filter's new filter")] = None


class PeopleIn(In):
    ids: Annotated[list[Id], Field(min_length=1, max_length=5000)]


class StageIn(In):
    stage: Annotated[Stage, Field(description="One of the list's stages (any case)")]


@router.get("/lists", response_model=list[ListOut])
def list_lists(ws: WorkspaceDep) -> Any:
    """Every list, by name, with how many active people each holds now."""
    with ws.read() as ctx:
        return lists.listing(ctx)


@router.post("/lists", response_model=ListOut, status_code=201)
def add_list(ws: WorkspaceDep, body: ListIn) -> Any:
    """Make a list: a saved filter when `filter` sets anything, else picked by hand
    (starting with `ids`). Its name is unique whatever the case (409 otherwise)."""
    criteria = body.filter.criteria() if body.filter else None
    with ws.write() as ctx:
        return lists.create(
            ctx, body.name, filter=criteria, person_ids=body.ids, stages=body.stages
        )


@router.get("/lists/{list_id}", response_model=ListView)
def get_list(ws: WorkspaceDep, list_id: PathId) -> Any:
    """The list, its active members by name with their stage, and a board (a column
    per stage) when it is a pipeline."""
    with ws.read() as ctx:
        return lists.show(ctx, list_id)


@router.patch("/lists/{list_id}", response_model=ListOut)
def change_list(ws: WorkspaceDep, list_id: PathId, body: ListPatch) -> Any:
    """Rename, restage (a member whose stage is gone sits in the first) or refilter."""
    with ws.write() as ctx:
        return lists.change(
            ctx,
            list_id,
            name=body.name,
            stages=body.stages,
            filter=body.filter.criteria() if body.filter else None,
        )


@router.delete("/lists/{list_id}", response_model=ListChange)
def delete_list(ws: WorkspaceDep, list_id: PathId) -> Any:
    """Forget the list; its people are not changed."""
    with ws.write() as ctx:
        return lists.delete_list(ctx, list_id)


@router.get("/lists/{list_id}/people", response_model=list[Member])
def list_people(ws: WorkspaceDep, list_id: PathId) -> Any:
    """The active people on the list, by name, with their stage."""
    with ws.read() as ctx:
        return lists.show(ctx, list_id).members


@router.post("/lists/{list_id}/people", response_model=ListChange)
def add_people(ws: WorkspaceDep, list_id: PathId, body: PeopleIn) -> Any:
    """Put people on a hand-picked list (409 on a saved filter)."""
    with ws.write() as ctx:
        return lists.add_people(ctx, list_id, body.ids)


@router.delete("/lists/{list_id}/people/{person_id}", response_model=ListChange)
def remove_person(ws: WorkspaceDep, list_id: PathId, person_id: PathId) -> Any:
    """Take someone off a hand-picked list; nothing else about them changes."""
    with ws.write() as ctx:
        return lists.remove_people(ctx, list_id, [person_id])


@router.put("/lists/{list_id}/people/{person_id}/stage", response_model=Member)
def move(ws: WorkspaceDep, list_id: PathId, person_id: PathId, body: StageIn) -> Any:
    """Move a member of a pipeline list to `stage`, at the end of its column."""
    with ws.write() as ctx:
        return lists.move(ctx, list_id, person_id, body.stage)
