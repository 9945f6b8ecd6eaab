"""Calendar events fetched from a synced account, into the network: past meetings
become interactions exactly as an imported .ics file makes them (the same adapter,
the same `imports.meeting_item`, the same `imports.activity.load`, source "ics" and
the same external ids, so a calendar imported from a file and then synced is not
doubled); meetings still to come go to the upcoming table the brief and the agenda
read. What each event made is kept on its `SyncResource` (href → ETag → external
ids), so an event moved on the server moves its interaction, an attendee who left
leaves it, and an event deleted removes it — in the caller's transaction, journaled.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select

from rapport.adapters import ical
from rapport.adapters.records import MeetingRecord, cleaned
from rapport.domain.names import email_key
from rapport.errors import ImportFailed
from rapport.services import interactions
from rapport.services.context import Ctx
from rapport.services.imports import activity, meeting_item
from rapport.services.interaction_edits import drop_participants, participants, reschedule
from rapport.storage.schema import Interaction, PersonEmail
from rapport.storage.sync_tables import SyncResource, UpcomingAttendee, UpcomingMeeting

SOURCE = "ics"  # the .ics importer's: a meeting imported from a file is found again
UPCOMING_DAYS = 30  # meetings this far ahead feed the brief and the agenda
CHUNK = 1000


@dataclass(frozen=True)
class Window:
    """The moment of the sync: what started before `now` happened; what starts
    before `until` is upcoming."""

    now: dt.datetime
    tz: ZoneInfo
    days: int = UPCOMING_DAYS

    @property
    def until(self) -> dt.datetime:
        return self.now + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class Fetched:
    href: str
    etag: str | None
    text: str


@dataclass
class Parsed:
    past: list[MeetingRecord] = field(default_factory=list)
    upcoming: list[MeetingRecord] = field(default_factory=list)
    recheck_at: dt.datetime | None = None
    unreadable: bool = False


def parse(text: str, window: Window) -> Parsed:
    """One calendar object's occurrences up to the end of the window, split into past
    and upcoming, and when it should be read again though unchanged: when its next
    meeting starts (it becomes an interaction) or enters the window."""
    found = Parsed()
    data = text.encode("utf-8")
    try:
        for record in ical.parse(data, until=window.until, tz=window.tz):
            if not isinstance(record, MeetingRecord):
                continue
            kept = cleaned(record)
            if not isinstance(kept, MeetingRecord):
                continue
            (found.past if kept.starts_at <= window.now else found.upcoming).append(kept)
    except ImportFailed:
        found.unreadable = True
        return found
    moments = [m.starts_at for m in found.upcoming]
    upper = text.upper()
    repeats = "RRULE" in upper or "RDATE" in upper or "RECURRENCE-ID" in upper
    if repeats or not (found.past or found.upcoming):
        later = ical.next_start(data, window.until, window.tz)
        if later is not None:
            moments.append(later - dt.timedelta(days=window.days))
    found.recheck_at = min(moments) if moments else None
    return found


def own_addresses(ctx: Ctx, username: str) -> set[str]:
    """The user's addresses: the workspace's, and the account's user name when it is
    an address the user has not said is someone else's."""
    from rapport.services import owner
    from rapport.services.imports import own_addresses as known

    own = known(ctx)
    if "@" in username and email_key(username) not in owner.not_me(ctx):
        own.add(email_key(username))
    return own


def apply(
    ctx: Ctx,
    account_id: int,
    folder: str,
    fetched: Sequence[Fetched],
    deleted: Sequence[str],
    own: set[str],
    window: Window,
    offered: set[str] | None = None,
) -> Counter[str]:
    """Store one batch of a calendar's changes: `fetched` events (new or changed) and
    `deleted` hrefs. What changed, counted; the attendees not in the network (offered,
    never added, as the .ics importer does) are added to `offered`."""
    counts: Counter[str] = Counter()
    hrefs = [f.href for f in fetched] + list(deleted)
    rows = _resources(ctx, account_id, hrefs)
    parsed = {f.href: parse(f.text, window) for f in fetched}
    counts["unreadable events"] = sum(p.unreadable for p in parsed.values())
    # an event the server now sends unreadable keeps what it made until it is fixed
    kept = {h for h, p in parsed.items() if p.unreadable}
    old_ids = {i for h, r in rows.items() if h not in kept for i in r.external_ids}
    past = {m.external_id: m for p in parsed.values() for m in p.past}
    upcoming = {m.external_id: m for p in parsed.values() for m in p.upcoming}

    stored = _interactions(ctx, sorted(old_ids | past.keys()))
    for external_id in sorted(old_ids - past.keys()):
        if external_id in stored:  # the event, or this occurrence, is gone or still to come
            interactions.delete_interaction(ctx, stored.pop(external_id)[0])
            counts["meetings removed"] += 1
    items = [meeting_item(m, own) for m in past.values()]
    known = _known(ctx)
    for item in items:
        if item.external_id not in stored:
            continue
        iid, at, summary = stored[item.external_id]
        pids = {known[k] for a in item.people if (k := email_key(a.email)) in known}
        if not pids:  # no one of the network is in it any more
            interactions.delete_interaction(ctx, iid)
            counts["meetings removed"] += 1
            continue
        title = item.summary.strip()[:500]  # as `interactions.log_many` keeps it
        if at != item.occurred_at or summary != title:
            reschedule(ctx, iid, item.occurred_at, title)
            counts["meetings moved" if at != item.occurred_at else "meetings updated"] += 1
        gone = sorted(set(participants(ctx, iid)) - pids)
        if gone:
            drop_participants(ctx, iid, gone)
            counts["meetings updated"] += 1
    loaded = activity.load(ctx, items, SOURCE, own, add_people=False)
    counts["meetings"] += loaded.created
    counts["meetings updated"] += loaded.updated
    if offered is not None:
        offered.update(loaded.offered)
    counts["upcoming meetings"] += _replace_upcoming(
        ctx, account_id, old_ids | upcoming.keys(), upcoming.values(), known, own
    )
    _keep_resources(ctx, account_id, folder, rows, fetched, parsed, deleted, known.keys() | own)
    counts["events"] += len(fetched)
    counts["events deleted"] += sum(1 for h in deleted if h in rows)
    return counts


def _resources(ctx: Ctx, account_id: int, hrefs: Sequence[str]) -> dict[str, SyncResource]:
    found: dict[str, SyncResource] = {}
    for start in range(0, len(hrefs), CHUNK):
        for row in ctx.session.scalars(
            select(SyncResource).where(
                SyncResource.account_id == account_id,
                SyncResource.href.in_(hrefs[start : start + CHUNK]),
            )
        ):
            found[row.href] = row
    return found


def _interactions(ctx: Ctx, external_ids: Sequence[str]) -> dict[str, tuple[int, dt.datetime, str]]:
    """The interactions from calendars (synced or imported) among `external_ids`:
    id, moment and title by external id."""
    found: dict[str, tuple[int, dt.datetime, str]] = {}
    for start in range(0, len(external_ids), CHUNK):
        for iid, external, at, summary in ctx.session.execute(
            select(
                Interaction.id,
                Interaction.external_id,
                Interaction.occurred_at,
                Interaction.summary,
            ).where(
                Interaction.workspace_id == ctx.workspace_id,
                Interaction.source == SOURCE,
                Interaction.external_id.in_(external_ids[start : start + CHUNK]),
            )
        ):
            if external:
                found[external] = (iid, at, summary)
    return found


def newly_known(ctx: Ctx, account_id: int, folder: str) -> set[str]:
    """The events of the calendar with an attendee who has joined the network since
    they were read: to be read again, so they join the meetings they were in."""
    waiting = [
        (href, set(keys))
        for href, keys in ctx.session.execute(
            select(SyncResource.href, SyncResource.waiting_for).where(
                SyncResource.account_id == account_id, SyncResource.folder == folder
            )
        )
        if keys
    ]
    if not waiting:
        return set()
    known = _known(ctx)
    return {href for href, keys in waiting if not keys.isdisjoint(known)}


def _known(ctx: Ctx) -> dict[str, int]:
    return dict(
        ctx.session.execute(
            select(PersonEmail.address_key, PersonEmail.person_id).where(
                PersonEmail.workspace_id == ctx.workspace_id
            )
        ).all()
    )


def _replace_upcoming(
    ctx: Ctx,
    account_id: int,
    replaced: set[str],
    meetings: Iterable[MeetingRecord],
    known: dict[str, int],
    own: set[str],
) -> int:
    """The upcoming meetings these events made, instead of those they made before."""
    ids = sorted(replaced)
    for start in range(0, len(ids), CHUNK):
        ctx.session.execute(
            delete(UpcomingMeeting).where(
                UpcomingMeeting.workspace_id == ctx.workspace_id,
                UpcomingMeeting.external_id.in_(ids[start : start + CHUNK]),
            )
        )
    count = 0
    for m in meetings:
        people = [m.organizer, *m.attendees] if m.organizer else list(m.attendees)
        pids = sorted({known[a.key] for a in people if a.key not in own and a.key in known})
        meeting_id = ctx.session.execute(
            insert(UpcomingMeeting).returning(UpcomingMeeting.id),
            {
                "workspace_id": ctx.workspace_id, "account_id": account_id,
                "external_id": m.external_id, "starts_at": m.starts_at, "ends_at": None,
                "summary": m.summary[:500], "location": m.location, "kind": m.kind,
            },
        ).scalar_one()  # fmt: skip
        if pids:
            ctx.session.execute(
                insert(UpcomingAttendee),
                [{"meeting_id": meeting_id, "person_id": pid} for pid in pids],
            )
        count += 1
    return count


def _keep_resources(
    ctx: Ctx,
    account_id: int,
    folder: str,
    rows: dict[str, SyncResource],
    fetched: Sequence[Fetched],
    parsed: dict[str, Parsed],
    deleted: Sequence[str],
    known: set[str],
) -> None:
    for href in deleted:
        row = rows.get(href)
        if row is not None:
            ctx.session.delete(row)
    for f in fetched:
        found = parsed[f.href]
        ids = sorted({m.external_id for m in [*found.past, *found.upcoming]})
        row = rows.get(f.href)
        if found.unreadable and row is not None:
            row.etag = f.etag
            continue
        if row is None:
            row = SyncResource(account_id=account_id, folder=folder, href=f.href)
            ctx.session.add(row)
        row.etag, row.external_ids, row.recheck_at = f.etag, ids, found.recheck_at
        row.waiting_for = sorted(
            {
                a.key
                for m in [*found.past, *found.upcoming]
                for a in [*m.attendees, *([m.organizer] if m.organizer else [])]
                if a.key not in known
            }
        )
    ctx.session.flush()


def forget_calendar(ctx: Ctx, account_id: int, folder: str) -> None:
    """A calendar no longer followed: its events' state and upcoming meetings go;
    the meetings it made stay on people's timelines."""
    ids = [
        i
        for ext in ctx.session.scalars(
            select(SyncResource.external_ids).where(
                SyncResource.account_id == account_id, SyncResource.folder == folder
            )
        )
        for i in ext
    ]
    _replace_upcoming(ctx, account_id, set(ids), [], {}, set())
    ctx.session.execute(
        delete(SyncResource).where(
            SyncResource.account_id == account_id, SyncResource.folder == folder
        )
    )
