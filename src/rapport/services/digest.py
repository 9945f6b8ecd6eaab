"""The daily digest: its settings, its content, and delivering it exactly once a day
at the user's local time, with its state in the database."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from rapport.adapters.mailer import SECURITY, DeliveryFailed, SmtpSettings, build_message, send
from rapport.domain.digest import Digest, DigestContent, ListSection, compose
from rapport.domain.names import looks_like_email
from rapport.errors import Contradicts, Invalid
from rapport.services import agenda, health, milestones, promises, secret_box, smtp_password
from rapport.services import lists as person_lists
from rapport.services.context import Ctx, Rapport
from rapport.services.secret_box import SecretBox
from rapport.storage.schema import DigestState, Exchange, User, Workspace
from rapport.storage.uow import unit_of_work

PASSWORD_ENV = "RAPPORT_SMTP_PASSWORD"
DEFAULT_TIME = "07:30"
DEFAULT_BASE_URL = "http://127.0.0.1:8765"
BASE_URL_ENV = "RAPPORT_BASE_URL"  # set by `rapport serve` to the address it serves


def default_base_url() -> str:
    """Where the digest's links go when the user has not said: the address this
    process serves (`rapport serve --port 9000` sets it), else the default port."""
    return os.environ.get(BASE_URL_ENV, "").strip().rstrip("/") or DEFAULT_BASE_URL


LIST_SHOWN = 5  # people per followed list: the whole list is one link away
STALE_CLAIM = dt.timedelta(minutes=10)  # a sender that died mid-send is retried after this
FIRST_RETRY = dt.timedelta(minutes=5)
LONGEST_RETRY = dt.timedelta(hours=1)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


# --- settings ------------------------------------------------------------------------


def _update_settings(ctx: Ctx, key: str, values: dict[str, Any]) -> None:
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    ws.settings = {**(ws.settings or {}), key: values}
    ctx.settings = dict(ws.settings)


def configure_smtp(
    ctx: Ctx,
    box: SecretBox,
    *,
    host: str,
    port: int | None = None,
    security: str = "starttls",
    user: str | None = None,
    password: str | None = None,
    sender: str | None = None,
) -> dict[str, Any]:
    """Store the SMTP server to send through (the password is kept sealed with the
    installation's key, for sending, and never shown back)."""
    if not host.strip() or " " in host.strip():
        raise Invalid("host", f"{host!r} is not a host name")
    if security not in SECURITY:
        raise Invalid("security", f"{security!r} is not one of: {', '.join(SECURITY)}")
    chosen_port = port or {"ssl": 465, "starttls": 587, "none": 25}[security]
    if not 1 <= chosen_port <= 65535:
        raise Invalid("port", f"{chosen_port} is not a port number")
    if sender and not looks_like_email(sender):
        raise Invalid("from", f"{sender!r} is not an email address")
    previous = ctx.settings.get("smtp") or {}
    from_address = sender or previous.get("sender") or _owner_email(ctx) or user
    if not from_address or not looks_like_email(from_address):
        # none given, and nothing stored (a sender, your address) to fall back on
        raise Contradicts("from", "give the sender address (--from you@example.com)")
    values = {
        "host": host.strip(),
        "port": chosen_port,
        "security": security,
        "user": (user or "").strip() or None,
        "sender": from_address,
    }
    kept = {k: previous[k] for k in (smtp_password.CLEAR, smtp_password.SEALED) if k in previous}
    _update_settings(
        ctx,
        "smtp",
        smtp_password.sealed_values(box, ctx.workspace_id, {**values, **kept}, password),
    )
    return settings_view(ctx)


def configure_digest(
    ctx: Ctx,
    *,
    enabled: bool | None = None,
    time: str | None = None,
    to: str | None = None,
    base_url: str | None = None,
    lists: Sequence[str | int] | None = None,
) -> dict[str, Any]:
    """Turn the digest on or off, and set when (local time), to whom, the web
    address its links point at and the lists it follows (a section each; [] none)."""
    current = dict(ctx.settings.get("digest") or {})
    if lists is not None:
        found = [person_lists.find(ctx, ref) for ref in lists]
        current["lists"] = list(dict.fromkeys(x.id for x in found))
    if time is not None:
        if not _TIME.match(time.strip()):
            raise Invalid("time", f"{time!r} is not a time of day like 07:30")
        hour, minute = time.strip().split(":")
        current["time"] = f"{int(hour):02d}:{minute}"
    if to is not None:
        if not looks_like_email(to):
            raise Invalid("to", f"{to!r} is not an email address")
        current["to"] = to.strip()
    if base_url is not None:
        if not re.match(r"^https?://[^\s/]+", base_url.strip()):
            raise Invalid("base_url", f"{base_url!r} is not a web address (http://… or https://…)")
        current["base_url"] = base_url.strip().rstrip("/")
    if enabled is not None:
        if enabled and not (current.get("to") or _owner_email(ctx)):
            raise Invalid("to", "say where to send the digest (--to you@example.com)")
        current["enabled"] = enabled
    _update_settings(ctx, "digest", current)
    return settings_view(ctx)


def _owner_email(ctx: Ctx) -> str | None:
    return ctx.session.scalar(
        select(User.email).where(User.workspace_id == ctx.workspace_id, User.is_owner.is_(True))
    )


def settings_view(ctx: Ctx) -> dict[str, Any]:
    """The digest and SMTP settings as they may be shown: no password."""
    smtp = dict(ctx.settings.get("smtp") or {})
    has_password = smtp_password.is_set(smtp) or bool(os.environ.get(PASSWORD_ENV))
    smtp.pop(smtp_password.CLEAR, None)
    smtp.pop(smtp_password.SEALED, None)
    digest = ctx.settings.get("digest") or {}
    return {
        "digest": {
            "enabled": bool(digest.get("enabled")),
            "lists": _followed(ctx, digest),
            "time": digest.get("time", DEFAULT_TIME),
            "to": digest.get("to") or _owner_email(ctx),
            "base_url": digest.get("base_url") or default_base_url(),
        },
        "smtp": {**smtp, "password_set": has_password} if smtp else None,
    }


def _followed(ctx: Ctx, digest: dict[str, Any]) -> list[dict[str, Any]]:
    """The lists the digest follows that still exist, as {id, name}, by name."""
    wanted = set(digest.get("lists") or [])
    return [{"id": i, "name": name} for i, name in person_lists.names(ctx) if i in wanted]


def smtp_settings(ctx: Ctx, box: SecretBox) -> SmtpSettings:
    smtp = ctx.settings.get("smtp") or {}
    if not smtp.get("host"):
        raise Invalid("smtp", "no mail server set: rapport settings smtp --host … --user …")
    return SmtpSettings(
        host=smtp["host"],
        port=int(smtp["port"]),
        security=smtp.get("security", "starttls"),
        user=smtp.get("user"),
        password=os.environ.get(PASSWORD_ENV)
        or smtp_password.password(box, ctx.workspace_id, smtp),
        sender=smtp["sender"],
    )


# --- content -------------------------------------------------------------------------


def content(ctx: Ctx, day: dt.date | None = None, *, limit: int = 10) -> DigestContent:
    """What the digest for `day` says: the same agenda the app and the .ics feed show."""
    today = day or ctx.today
    followed = _followed(ctx, ctx.settings.get("digest") or {})
    # with lists to follow, the agenda is written out once and each list picks its own
    everything = agenda.build(ctx, today, limit=None if followed else limit)
    built = replace(everything, entries=everything.entries[:limit])
    sections = []
    for chosen in followed:
        on_list = set(person_lists.people_of(ctx, chosen["id"]))
        entries = [e for e in everything.entries if e.person_id in on_list]
        numbered = [replace(e, position=n) for n, e in enumerate(entries, start=1)]
        sections.append(
            ListSection(chosen["id"], chosen["name"], numbered[:LIST_SHOWN], len(numbered))
        )
    week_end = today + dt.timedelta(days=6)
    due = [
        p
        for p in promises.listing(ctx, owner="me")
        if p.due_on is not None and p.due_on <= week_end
    ]
    name = ctx.session.scalar(
        select(User.display_name).where(
            User.workspace_id == ctx.workspace_id, User.is_owner.is_(True)
        )
    )
    thanks_owed = ctx.session.scalar(
        select(func.count(Exchange.id)).where(
            Exchange.workspace_id == ctx.workspace_id,
            Exchange.direction == "received",
            Exchange.thanked_on.is_(None),
        )
    )
    return DigestContent(
        day=today,
        name=(name or "").split(" ")[0],
        base_url=settings_view(ctx)["digest"]["base_url"],
        entries=built.entries,
        total=built.total,
        milestones=milestones.upcoming(ctx, within_days=6, start=today),
        promises=due,
        drifting=health.network(ctx, today, drifting=5).drifting,
        thanks_owed=int(thanks_owed or 0),
        lists=sections,
    )


def render(ctx: Ctx, day: dt.date | None = None) -> Digest:
    return compose(content(ctx, day))


# --- delivery ------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    workspace_id: int
    outcome: str  # sent, not-due, already-sent, claimed-elsewhere, failed, disabled
    message: str


def _process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _send_time(settings: dict[str, Any]) -> dt.time:
    hour, minute = (settings.get("digest") or {}).get("time", DEFAULT_TIME).split(":")
    return dt.time(int(hour), int(minute))


def _ensure_state(app: Rapport, workspace_id: int) -> None:
    with unit_of_work(app.engine, write=True) as session:
        if session.get(DigestState, workspace_id) is not None:
            return
    try:
        with unit_of_work(app.engine, write=True) as session:
            session.add(DigestState(workspace_id=workspace_id, attempts=0))
    except IntegrityError:
        pass  # another process made it first


def deliver(app: Rapport, workspace_id: int, now: dt.datetime, *, force: bool = False) -> Delivery:
    """Send `workspace_id`'s digest if it is due at `now` (its local send time has
    passed today and today's has not gone out): claim the day in the database, send,
    then record the outcome. `force` sends even if not due or already sent."""
    _ensure_state(app, workspace_id)
    box = secret_box.of(app)
    smtp_password.seal_clear(app, box, workspace_id)  # an older Rapport's, on first use
    with app.open(write=True, workspace_id=workspace_id) as ctx:
        local = now.astimezone(ctx.tz)
        day = local.date()
        enabled = bool((ctx.settings.get("digest") or {}).get("enabled"))
        if not force and not enabled:
            return Delivery(workspace_id, "disabled", "the daily digest is off")
        state = ctx.session.get(DigestState, workspace_id)
        assert state is not None
        if not force:
            if local.time() < _send_time(ctx.settings):
                return Delivery(
                    workspace_id, "not-due", f"not before {_send_time(ctx.settings):%H:%M}"
                )
            if state.last_sent_on is not None and state.last_sent_on >= day:
                return Delivery(workspace_id, "already-sent", f"already sent for {day}")
            if state.retry_at is not None and state.retry_at > now:
                return Delivery(
                    workspace_id,
                    "not-due",
                    f"retrying at {state.retry_at.astimezone(ctx.tz):%H:%M}",
                )
        claim = (
            update(DigestState)
            .where(
                DigestState.workspace_id == workspace_id,
                or_(
                    DigestState.sending_since.is_(None),
                    DigestState.sending_since < now - STALE_CLAIM,
                ),
            )
            .values(sending_since=now, claimed_by=_process_id())
        )
        if not force:
            claim = claim.where(
                or_(DigestState.last_sent_on.is_(None), DigestState.last_sent_on < day)
            )
        if ctx.session.execute(claim).rowcount != 1:  # type: ignore[attr-defined]
            return Delivery(workspace_id, "claimed-elsewhere", "another process is sending it")
        try:
            digest = compose(content(ctx, day))
            smtp = smtp_settings(ctx, box)
            to = settings_view(ctx)["digest"]["to"]
        except Exception:
            ctx.session.rollback()
            raise
    try:
        if not to:
            raise DeliveryFailed("no recipient: rapport settings digest --to you@example.com")
        send(smtp, build_message(smtp.sender, to, digest.subject, digest.text, digest.html))
    except DeliveryFailed as exc:
        _record_failure(app, workspace_id, now, str(exc))
        return Delivery(workspace_id, "failed", str(exc))
    except BaseException:
        _record_failure(app, workspace_id, now, "the sender stopped unexpectedly")
        raise
    with unit_of_work(app.engine, write=True) as session:
        session.execute(
            update(DigestState)
            .where(DigestState.workspace_id == workspace_id)
            .values(
                last_sent_on=day,
                last_success_at=now,
                sending_since=None,
                claimed_by=None,
                attempts=0,
                retry_at=None,
            )
        )
    return Delivery(workspace_id, "sent", f"sent to {to}: {digest.subject}")


def _record_failure(app: Rapport, workspace_id: int, now: dt.datetime, reason: str) -> None:
    with unit_of_work(app.engine, write=True) as session:
        state = session.get(DigestState, workspace_id)
        assert state is not None
        attempts = (state.attempts or 0) + 1
        wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
        state.attempts = attempts
        state.retry_at = now + wait
        state.last_error = reason
        state.last_error_at = now
        state.sending_since = None
        state.claimed_by = None


def due_workspaces(app: Rapport) -> list[int]:
    """Workspaces with the digest turned on."""
    with unit_of_work(app.engine, write=False) as session:
        rows = session.execute(select(Workspace.id, Workspace.settings)).all()
    return [wid for wid, settings in rows if ((settings or {}).get("digest") or {}).get("enabled")]


def tick(app: Rapport, now: dt.datetime | None = None) -> list[Delivery]:
    """One pass of the scheduler: deliver every digest that is due."""
    moment = now or dt.datetime.now(dt.UTC)
    return [deliver(app, wid, moment) for wid in due_workspaces(app)]


# --- status --------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestStatus:
    enabled: bool
    time: str
    to: str | None
    timezone: str
    smtp: str | None  # host:port, or None when not set
    last_success_at: dt.datetime | None
    last_sent_on: dt.date | None
    next_at: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None


def status(ctx: Ctx, now: dt.datetime | None = None) -> DigestStatus:
    """The digest's health: last successful send, the next one, the last error."""
    moment = now or ctx.now()
    view = settings_view(ctx)
    state = ctx.session.get(DigestState, ctx.workspace_id)
    enabled = view["digest"]["enabled"]
    next_at: dt.datetime | None = None
    if enabled:
        send_at = _send_time(ctx.settings)
        local = moment.astimezone(ctx.tz)
        day = local.date()
        if state is not None and state.last_sent_on is not None and state.last_sent_on >= day:
            day += dt.timedelta(days=1)
        candidate = dt.datetime.combine(day, send_at, ctx.tz)
        if state is not None and state.retry_at is not None and state.retry_at > candidate:
            candidate = state.retry_at.astimezone(ctx.tz)
        next_at = max(candidate, local) if candidate.date() == local.date() else candidate
    smtp = view["smtp"]
    return DigestStatus(
        enabled=enabled,
        time=view["digest"]["time"],
        to=view["digest"]["to"],
        timezone=str(ctx.tz.key),
        smtp=f"{smtp['host']}:{smtp['port']}" if smtp else None,
        last_success_at=state.last_success_at if state else None,
        last_sent_on=state.last_sent_on if state else None,
        next_at=next_at,
        last_error=state.last_error if state else None,
        last_error_at=state.last_error_at if state else None,
    )
