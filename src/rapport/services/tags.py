"""Tags as the user tends them: listed with how many people carry each, renamed,
merged into another and deleted, everywhere at once. Each change is one journal
entry (`rapport undo` brings the tag and its people back) and the people touched are
re-indexed, since tags are searchable."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from rapport.domain.counts import counted
from rapport.domain.names import fold
from rapport.errors import Invalid, NotFound
from rapport.services.context import Ctx
from rapport.services.search_documents import reindex_people
from rapport.storage.schema import PersonTag, Tag

MAX_NAME = 100


@dataclass(frozen=True)
class TagOut:
    name: str
    people: int  # people carrying it, archived ones included


@dataclass(frozen=True)
class TagChange:
    message: str  # what happened, in words
    people: int  # people whose tags changed
    tag: TagOut | None  # the tag as it is now (None once deleted)


def listing(ctx: Ctx) -> list[TagOut]:
    """Every tag of the network, most carried first, then by name."""
    rows = ctx.session.execute(
        select(Tag.name, func.count(PersonTag.person_id))
        .outerjoin(PersonTag, PersonTag.tag_id == Tag.id)
        .where(Tag.workspace_id == ctx.workspace_id)
        .group_by(Tag.id, Tag.name)
    ).all()
    tags = [TagOut(name, int(n)) for name, n in rows]
    return sorted(tags, key=lambda t: (-t.people, fold(t.name)))


def rename(ctx: Ctx, old: str, new: str) -> TagChange:
    """Call tag `old` `new` on everyone who has it. When `new` is already another tag,
    the two become one (as `merge`); a change of spelling only ('ml' → 'ML') renames."""
    source = _find(ctx, old)
    name = _clean(new)
    target = _tag_by_key(ctx, fold(name))
    if target is not None and target.id != source.id:
        return merge(ctx, source.name, target.name)
    if source.name == name:
        return TagChange(f"#{name} is already called that", 0, _out(ctx, source))
    ctx.journal("tag rename", f"Renamed #{source.name} to #{name}")
    before = source.name
    source.name, source.name_key = name, fold(name)
    ctx.session.flush()
    ids = _carriers(ctx, source.id)
    reindex_people(ctx.session, ctx.workspace_id, ids)
    ctx.session.flush()
    return TagChange(
        f"renamed #{before} to #{name} on {counted(len(ids), 'people')}",
        len(ids),
        _out(ctx, source),
    )


def merge(ctx: Ctx, old: str, into: str) -> TagChange:
    """Give everyone tagged `old` the tag `into` instead, and drop `old`."""
    source, target = _find(ctx, old), _find(ctx, into)
    if source.id == target.id:
        raise Invalid("into", f"#{source.name} and #{target.name} are the same tag")
    ctx.journal("tag merge", f"Merged #{source.name} into #{target.name}")
    moved = _carriers(ctx, source.id)
    already = set(_carriers(ctx, target.id))
    new = [pid for pid in moved if pid not in already]
    if new:
        ctx.session.execute(
            insert(PersonTag),
            [
                {"person_id": pid, "tag_id": target.id, "workspace_id": ctx.workspace_id}
                for pid in new
            ],
        )
    _drop(ctx, source.id)
    reindex_people(ctx.session, ctx.workspace_id, moved)
    ctx.session.flush()
    return TagChange(
        f"merged #{source.name} into #{target.name}: {counted(len(moved), 'people')} moved",
        len(moved),
        _out(ctx, target),
    )


def delete_tag(ctx: Ctx, name: str) -> TagChange:
    """Take tag `name` off everyone and forget it (undoable: `rapport undo`)."""
    tag = _find(ctx, name)
    ids = _carriers(ctx, tag.id)
    ctx.journal("tag delete", f"Deleted #{tag.name} from {counted(len(ids), 'people')}")
    _drop(ctx, tag.id)
    reindex_people(ctx.session, ctx.workspace_id, ids)
    ctx.session.flush()
    return TagChange(f"deleted #{tag.name} from {counted(len(ids), 'people')}", len(ids), None)


def _clean(name: str) -> str:
    clean = " ".join(name.strip().lstrip("#").split())
    if not clean:
        raise Invalid("name", "name the tag")
    if len(clean) > MAX_NAME:
        raise Invalid("name", f"a tag has at most {MAX_NAME} characters")
    return clean


def _tag_by_key(ctx: Ctx, key: str) -> Tag | None:
    return ctx.session.scalar(
        select(Tag).where(Tag.workspace_id == ctx.workspace_id, Tag.name_key == key)
    )


def _find(ctx: Ctx, name: str) -> Tag:
    clean = " ".join(name.strip().lstrip("#").split())
    tag = _tag_by_key(ctx, fold(clean)) if clean else None
    if tag is None:
        known = ", ".join(f"#{t.name}" for t in listing(ctx)[:8]) or "none yet"
        raise NotFound(f"no tag #{clean} (tags: {known})")
    return tag


def _drop(ctx: Ctx, tag_id: int) -> None:
    ctx.session.execute(delete(PersonTag).where(PersonTag.tag_id == tag_id))
    ctx.session.execute(delete(Tag).where(Tag.id == tag_id))


def _carriers(ctx: Ctx, tag_id: int) -> list[int]:
    return list(
        ctx.session.scalars(
            select(PersonTag.person_id)
            .where(PersonTag.tag_id == tag_id)
            .order_by(PersonTag.person_id)
        )
    )


def _out(ctx: Ctx, tag: Tag) -> TagOut:
    return TagOut(tag.name, len(_carriers(ctx, tag.id)))
