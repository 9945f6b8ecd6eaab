"""Two-step sign-in: turning TOTP on and off for an account, and checking the code
(or a recovery code) that completes a sign-in.

The TOTP secret is sealed with the installation's secret box (AES-GCM under the data
directory's key, bound to the account), so the database file alone does not reveal
it. Recovery codes are kept as argon2id hashes: shown once, never retrievable. A
code from the app is checked in a writing transaction that locks the account's row,
and a recovery code is spent by an update that only an unused code passes, so two
requests cannot both use one code. API tokens are not affected: a token is already
a second secret of its own."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from rapport.domain import two_factor as rules
from rapport.domain.two_factor import Accepted, Enrolment, Status
from rapport.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.services import secret_box
from rapport.services.context import Ctx, Rapport
from rapport.storage.schema import RecoveryCode, TwoFactor, User, Workspace
from rapport.storage.uow import unit_of_work

REQUIRED_SETTING = "require_2fa"  # in the workspace's settings: every member needs it
# Recovery codes are random (about 50 bits each), not chosen by a person: argon2id at
# a light cost (8 MiB, 2 passes: ~10 ms here) makes guessing one from its hash
# hopeless all the same, while ten of them hash and verify in a fraction of a second
# (at the password's cost, 64 MiB, ten took 6 s on a busy 2-core machine)
_recovery_hasher = PasswordHasher(time_cost=2, memory_cost=8192, parallelism=1)
WRONG_CODE = "That code is not right, or it was already used. Enter the current code."


def _hash_matches(stored: str, code: str) -> bool:
    try:
        return _recovery_hasher.verify(stored, code)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _purpose(user_id: int) -> str:
    return f"two_factor:{user_id}"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.password_hash is None:
        raise NotFound(f"no account with id {user_id}")
    return user


def _row(session: Session, user_id: int) -> TwoFactor | None:
    return session.scalar(select(TwoFactor).where(TwoFactor.user_id == user_id).with_for_update())


def _recovery_left(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def status(app: Rapport, user_id: int) -> Status:
    """Whether the account signs in with two steps, and its recovery codes left."""
    with unit_of_work(app.engine, write=False) as session:
        row = session.get(TwoFactor, user_id)
        if row is None or row.enabled_at is None:
            return Status(on=False, recovery_left=0)
        return Status(on=True, recovery_left=_recovery_left(session, user_id), since=row.enabled_at)


def is_on(app: Rapport, user_id: int) -> bool:
    return status(app, user_id).on


def start(app: Rapport, user_id: int) -> Enrolment:
    """A new secret waiting for its first code (any earlier unconfirmed one is
    replaced). Conflict when two-step sign-in is already on."""
    secret = rules.new_secret()
    sealed = secret_box.of(app).seal(secret, _purpose(user_id))
    with unit_of_work(app.engine, write=True) as session:
        user = _user(session, user_id)
        row = _row(session, user_id)
        if row is not None and row.enabled_at is not None:
            raise Conflict("two-step sign-in is already on for this account")
        if row is None:
            session.add(TwoFactor(user_id=user_id, secret_sealed=sealed))
        else:
            row.secret_sealed, row.last_step = sealed, None
        return rules.enrolment(secret, user.email)


def pending(app: Rapport, user_id: int) -> Enrolment | None:
    """The enrolment started and not yet confirmed, to show again; None otherwise."""
    with unit_of_work(app.engine, write=False) as session:
        user = _user(session, user_id)
        row = session.get(TwoFactor, user_id)
        if row is None or row.enabled_at is not None:
            return None
        secret = secret_box.of(app).open(row.secret_sealed, _purpose(user_id))
        return rules.enrolment(secret, user.email)


def confirm(app: Rapport, user_id: int, code: str, *, now: dt.datetime | None = None) -> list[str]:
    """Turn two-step sign-in on once the app shows the right code; returns the
    recovery codes, in clear this once (only their hashes are kept)."""
    moment = _now(now)
    codes = rules.new_recovery_codes()
    hashes = [_recovery_hasher.hash(c) for c in codes]
    with unit_of_work(app.engine, write=True) as session:
        _user(session, user_id)
        row = _row(session, user_id)
        if row is None or row.enabled_at is not None:
            raise Conflict("there is no two-step sign-in waiting to be confirmed: start again")
        secret = secret_box.of(app).open(row.secret_sealed, _purpose(user_id))
        step = rules.accepted_step(secret, code, moment, row.last_step)
        if step is None:
            raise Invalid("code", WRONG_CODE)
        row.enabled_at, row.last_step = moment, step
        session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        session.add_all(RecoveryCode(user_id=user_id, code_hash=h) for h in hashes)
        return codes


def _matching_recovery(app: Rapport, user_id: int, code: str) -> int | None:
    """The id of the unused recovery code `code` is, verified outside any write
    transaction (hashing must not hold the database's write lock)."""
    typed = rules.clean(code)
    if len(typed) != 10:
        return None
    formatted = f"{typed[:5]}-{typed[5:]}"
    with unit_of_work(app.engine, write=False) as session:
        unused = session.execute(
            select(RecoveryCode.id, RecoveryCode.code_hash).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    for code_id, code_hash in unused:
        if _hash_matches(code_hash, formatted):
            return int(code_id)
    return None


def check(
    app: Rapport, user_id: int, code: str, *, now: dt.datetime | None = None
) -> Accepted | None:
    """The second step: the app's current code (never one already used) or an unused
    recovery code, which is spent. None when neither is right."""
    moment = _now(now)
    app_code = rules.looks_like_app_code(code)
    recovery_id = None if app_code else _matching_recovery(app, user_id, code)
    if not app_code and recovery_id is None:
        return None
    with unit_of_work(app.engine, write=True) as session:
        row = _row(session, user_id)
        if row is None or row.enabled_at is None:
            return None
        if app_code:
            secret = secret_box.of(app).open(row.secret_sealed, _purpose(user_id))
            step = rules.accepted_step(secret, code, moment, row.last_step)
            if step is None:
                return None
            row.last_step = step
            return Accepted(by_recovery=False, recovery_left=_recovery_left(session, user_id))
        # spent only if still unused: of two requests with one code, one wins
        spent = session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == recovery_id, RecoveryCode.used_at.is_(None))
            .values(used_at=moment)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return Accepted(by_recovery=True, recovery_left=_recovery_left(session, user_id))


def turn_off(app: Rapport, user_id: int, code: str, *, now: dt.datetime | None = None) -> None:
    """Turn two-step sign-in off, proven by a current code or a recovery code."""
    if check(app, user_id, code, now=now) is None:
        raise Invalid("code", WRONG_CODE)
    reset(app, user_id)


def cancel(app: Rapport, user_id: int) -> None:
    """Drop an enrolment that was started and not confirmed."""
    with unit_of_work(app.engine, write=True) as session:
        session.execute(
            delete(TwoFactor).where(TwoFactor.user_id == user_id, TwoFactor.enabled_at.is_(None))
        )


def reset(app: Rapport, user_id: int) -> bool:
    """Turn two-step sign-in off without a code (the machine's owner, when a phone is
    lost); whether it was on."""
    with unit_of_work(app.engine, write=True) as session:
        _user(session, user_id)
        row = _row(session, user_id)
        was_on = row is not None and row.enabled_at is not None
        session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        session.execute(delete(TwoFactor).where(TwoFactor.user_id == user_id))
        return was_on


# --- required for a workspace ---------------------------------------------------------


def required(ctx: Ctx) -> bool:
    """Whether the workspace's owner requires two-step sign-in of everyone in it."""
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    return bool(ws is not None and (ws.settings or {}).get(REQUIRED_SETTING))


def set_required(ctx: Ctx, user_id: int | None, on: bool) -> None:
    """Require two-step sign-in in this workspace (or stop requiring it). Only an
    owner may; `user_id` None is the machine's owner at the command line."""
    if user_id is not None:
        user = ctx.session.get(User, user_id)
        if user is None or user.workspace_id != ctx.workspace_id or not user.is_owner:
            raise Forbidden("only an owner of this network can require two-step sign-in")
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    ws.settings = {**(ws.settings or {}), REQUIRED_SETTING: bool(on)}


def must_enrol(app: Rapport, user_id: int, workspace_id: int) -> bool:
    """Whether this account's workspace requires two-step sign-in and the account has
    not turned it on: one query, asked on every page."""
    with unit_of_work(app.engine, write=False) as session:
        settings, enabled = session.execute(
            select(Workspace.settings, TwoFactor.enabled_at)
            .select_from(Workspace)
            .outerjoin(TwoFactor, TwoFactor.user_id == user_id)
            .where(Workspace.id == workspace_id)
        ).one()
        return bool((settings or {}).get(REQUIRED_SETTING)) and enabled is None
