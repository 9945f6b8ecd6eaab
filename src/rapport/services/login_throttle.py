"""The sign-in throttle's memory: wrong passwords counted in the database.

Every process serving the database counts the same failures, so running several
`rapport serve` behind a proxy does not multiply an attacker's tries. The waits
themselves are `domain.login_throttle`'s rules."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from rapport.domain.login_throttle import RULES, Rule, Rules, seconds
from rapport.services.context import Rapport
from rapport.storage.schema import LoginFailure
from rapport.storage.uow import unit_of_work


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]


def _keys(account: str, client: str) -> tuple[str, str]:
    return _key("account", account.strip().lower()), _key("client", client)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _wait(
    session: Session, rule: Rule, where: ColumnElement[bool], now: dt.datetime
) -> dt.timedelta:
    failures, last = session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.failed_at)).where(
            where, LoginFailure.failed_at > now - rule.window
        )
    ).one()
    return rule.wait(failures, last, now)


def retry_after(
    app: Rapport,
    account: str,
    client: str,
    *,
    rules: Rules = RULES,
    now: dt.datetime | None = None,
) -> int:
    """Seconds before `client` may try a password for `account` (0: go ahead)."""
    account_key, client_key = _keys(account, client)
    moment = _now(now)
    with unit_of_work(app.engine, write=False) as session:
        pair = and_(LoginFailure.account_key == account_key, LoginFailure.client_key == client_key)
        waits = (
            _wait(session, rules.pair, pair, moment),
            _wait(session, rules.client, LoginFailure.client_key == client_key, moment),
            _wait(session, rules.everyone, LoginFailure.failed_at.is_not(None), moment),
        )
    return seconds(max(waits))


def failed(
    app: Rapport,
    account: str,
    client: str,
    *,
    rules: Rules = RULES,
    now: dt.datetime | None = None,
) -> None:
    """Count a wrong password; failures older than every window are forgotten."""
    account_key, client_key = _keys(account, client)
    moment = _now(now)
    with unit_of_work(app.engine, write=True) as session:
        session.execute(
            delete(LoginFailure).where(LoginFailure.failed_at <= moment - rules.longest_window)
        )
        session.add(LoginFailure(account_key=account_key, client_key=client_key, failed_at=moment))


def succeeded(app: Rapport, account: str, client: str) -> None:
    """A right password from `client` forgives its failures for `account`."""
    account_key, client_key = _keys(account, client)
    with unit_of_work(app.engine, write=True) as session:
        session.execute(
            delete(LoginFailure).where(
                LoginFailure.account_key == account_key, LoginFailure.client_key == client_key
            )
        )
