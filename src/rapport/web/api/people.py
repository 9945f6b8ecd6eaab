"""People: list with filters and pagination, add, change, archive, bulk changes,
and everything about one person (profile, health, brief, conversations)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rapport.domain import people_filter
from rapport.domain.merge_facts import MergePreview
from rapport.domain.records import Brief, Health, InteractionOut, PersonAdded, PersonOut, Profile
from rapport.domain.vocabulary import RelationshipType
from rapport.services import (
    brief,
    bulk_edit,
    duplicates,
    health,
    listings,
    merge,
    people,
    profile,
)
from rapport.services.bulk_edit import BatchResult
from rapport.services.duplicates import DuplicatePair
from rapport.services.merge import MergeResult
from rapport.web import views
from rapport.web.api import wire
from rapport.web.api.schemas import (
    BulkIn,
    HealthAdjustmentIn,
    Limit,
    Offset,
    Page,
    PathId,
    PersonIn,
    PersonPatchIn,
    Text,
)
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["people"])
Filter = Annotated[Text | None, Query(max_length=300)]


@router.get("/people", response_model=Page[views.PersonRow])
def list_people(
    ws: WorkspaceDep,
    type: RelationshipType | None = None,
    tag: Filter = None,
    organization: Filter = None,
    field: Annotated[
        str | None,
        wire.field_filter,
        Query(
            max_length=people_filter.MAX_VALUE,
            description="One of your own fields and its value, `Stage:Seed` (or "
            "`Stage=Seed`); `Stage:` lists the people without a value.",
        ),
    ] = None,
    health: Annotated[str, wire.one_of(views.HEALTH_BANDS)] | None = None,
    archived: bool = False,
    sort: Annotated[str, wire.one_of(people.SORTS)] = "name",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """People matching every filter given, with their health score."""
    filters = views.PeopleFilters(
        type=type,
        tag=tag,
        organization=organization,
        field=field,
        health=health,
        archived=archived,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    with ws.read() as ctx:
        view = views.people_page(ctx, filters)
    return {"items": view.rows, "total": view.total, "limit": limit, "offset": offset}


@router.post("/people", response_model=PersonAdded, status_code=201)
def add_person(ws: WorkspaceDep, body: PersonIn) -> Any:
    """Add a person; a relationship type gives them a keep-in-touch rhythm. An email
    or phone already another person's answers 409 `already_known` with that person's
    `person_id`, unless `force`; people whose names are close (perhaps the same
    person) are listed in the answer's `similar`, and the person is added."""
    with ws.write() as ctx:
        patch = body.patch()
        similar = [] if body.force else duplicates.similar_to(ctx, patch)
        added = people.add(ctx, patch, force=body.force, fields=body.fields)
        return PersonAdded.of(added, similar)


@router.get("/duplicates", response_model=list[DuplicatePair])
def list_duplicates(
    ws: WorkspaceDep,
    min_score: Annotated[int, Query(ge=0, le=100)] = 80,
    limit: Limit = 200,
) -> Any:
    """Pairs of people who may be one, best first, each scored 0–100 with its reasons
    in words ('Kate is short for Katherine', 'same family name Smith')."""
    with ws.read() as ctx:
        return duplicates.candidates(ctx, min_score=min_score, limit=limit)


@router.get("/people/{person_id:int}", response_model=PersonOut)
def get_person(ws: WorkspaceDep, person_id: PathId) -> Any:
    """One person with contact details, types, tags and role history."""
    with ws.read() as ctx:
        return people.show(ctx, person_id)


@router.patch("/people/{person_id:int}", response_model=PersonOut)
def edit_person(ws: WorkspaceDep, person_id: PathId, body: PersonPatchIn) -> Any:
    """Change the fields given; lists (emails, tags…) are replaced whole."""
    with ws.write() as ctx:
        return people.edit(ctx, person_id, body.patch(), fields=body.fields)


@router.post("/people/{person_id:int}/archive", response_model=PersonOut)
def archive_person(ws: WorkspaceDep, person_id: PathId) -> Any:
    """Archive a person: out of lists and the agenda, nothing deleted."""
    with ws.write() as ctx:
        return people.archive(ctx, person_id, archived=True)


@router.post("/people/{person_id:int}/unarchive", response_model=PersonOut)
def unarchive_person(ws: WorkspaceDep, person_id: PathId) -> Any:
    """Bring an archived person back."""
    with ws.write() as ctx:
        return people.archive(ctx, person_id, archived=False)


@router.post("/people/bulk", response_model=BatchResult)
def bulk(ws: WorkspaceDep, body: BulkIn) -> Any:
    """Tag/untag, type/untype, set the rhythm (cadence) of, archive, unarchive or
    delete many people at once, chosen by `ids`, by a saved `list` (its id or name),
    or both; `delete` moves them to the archive with all their history (nothing is
    lost). The answer's `undo` is a body for this same endpoint."""
    with ws.write() as ctx:
        return bulk_edit.apply(
            ctx, body.ids, body.action, body.value, body.values, list_=body.list_ref
        )


@router.get("/people/{person_id:int}/profile", response_model=Profile)
def person_profile(ws: WorkspaceDep, person_id: PathId) -> Any:
    """Everything the person's page shows."""
    with ws.read() as ctx:
        return profile.profile(ctx, person_id)


@router.get("/people/{person_id:int}/health", response_model=Health)
def person_health(ws: WorkspaceDep, person_id: PathId) -> Any:
    """Their relationship health (0–100), its components and explanation."""
    with ws.read() as ctx:
        return health.person_health(ctx, person_id)


@router.put("/people/{person_id:int}/health/adjustment", response_model=Health)
def adjust_health(ws: WorkspaceDep, person_id: PathId, body: HealthAdjustmentIn) -> Any:
    """Correct their score by some points, with the reason (what Rapport cannot see);
    the answer is their health, corrected and explained."""
    with ws.write() as ctx:
        return health.adjust(ctx, person_id, body.points, body.reason)


@router.delete("/people/{person_id:int}/health/adjustment", response_model=Health)
def clear_health_adjustment(ws: WorkspaceDep, person_id: PathId) -> Any:
    """Remove their correction: the score is the record's again."""
    with ws.write() as ctx:
        return health.clear_adjustment(ctx, person_id)


@router.get("/people/{person_id:int}/brief", response_model=Brief)
def person_brief(ws: WorkspaceDep, person_id: PathId) -> Any:
    """What to know before meeting them."""
    with ws.read() as ctx:
        return brief.brief(ctx, person_id)


@router.get("/people/{person_id:int}/interactions", response_model=Page[InteractionOut])
def person_interactions(
    ws: WorkspaceDep, person_id: PathId, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """Their conversations, newest first."""
    with ws.read() as ctx:
        items, total = listings.interactions_page(
            ctx, person_id=person_id, limit=limit, offset=offset
        )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/people/{keep_id:int}/merge/{other_id:int}", response_model=MergePreview)
def merge_preview(ws: WorkspaceDep, keep_id: PathId, other_id: PathId) -> Any:
    """What merging `other_id` into `keep_id` would do, writing nothing: what each
    record brings, the fields that conflict and how each resolves, and why the two look
    like one person (`evidence`), or a `warning` when they share nothing."""
    with ws.read() as ctx:
        return merge.preview(ctx, keep_id, other_id)


@router.post("/people/{keep_id:int}/merge/{other_id:int}", response_model=MergeResult)
def merge_people(ws: WorkspaceDep, keep_id: PathId, other_id: PathId) -> Any:
    """Merge `other_id` into `keep_id` exactly as the preview says; `other_id` is then
    deleted. `entry_id` undoes it: `POST /api/v1/history/{entry_id}/undo`."""
    with ws.write() as ctx:
        return merge.merge(ctx, keep_id, other_id)
