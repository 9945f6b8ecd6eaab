"""The workspace's date order (DMY, MDY or YMD: `domain.date_order`) and reading the
dates a user types by it. The setting is kept in the workspace's settings as
`date_order`; without it, the order is the time zone's country's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rapport.domain.date_order import (
    AUTO,
    ORDER_WORDS,
    ORDERS,
    DateOrder,
    day_in_words,
    in_words,
    needs_echo,
    order_for_zone,
    order_named,
)
from rapport.domain.dates import Prefer, parse_day, parse_moment
from rapport.domain.milestones import parse_month_day
from rapport.errors import Invalid
from rapport.services.context import Ctx
from rapport.storage.schema import Workspace

SETTING = "date_order"


@dataclass(frozen=True)
class DateOrderView:
    """The order dates are read in, and why."""

    setting: str  # "DMY", "MDY", "YMD", or "auto" (from the time zone)
    order: DateOrder | None  # the order used; None: only forms with one reading
    timezone: str
    says: str  # the order in words


def order(ctx: Ctx) -> DateOrder | None:
    """The order the workspace's typed dates are read in: the one chosen, else its
    time zone's country's; None when neither says (UTC)."""
    chosen = ctx.settings.get(SETTING)
    if isinstance(chosen, str) and chosen != AUTO:
        try:
            return order_named(chosen)
        except Invalid:
            pass  # a stored value this version does not know: as if unset
    return order_for_zone(ctx.tz.key)


def describe(ctx: Ctx) -> DateOrderView:
    chosen = ctx.settings.get(SETTING)
    used = order(ctx)
    setting = chosen if chosen in ORDERS else AUTO
    if used is None:
        says = (
            f"No order is set and {ctx.tz.key} has no country, so a date that reads two "
            "ways (12/10/1985) is refused; 2026-03-01, 12 October 1985 and 13/10/1985 "
            "always work."
        )
    else:
        source = f", as in {ctx.tz.key}" if setting == AUTO else ""
        says = f"Dates are read {ORDER_WORDS[used]}{source}."
    return DateOrderView(setting=setting, order=used, timezone=ctx.tz.key, says=says)


def choose(ctx: Ctx, value: str) -> DateOrderView:
    """Set the order ('DMY', 'MDY', 'YMD'), or 'auto' to follow the time zone."""
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    settings = dict(ws.settings or {})
    put(settings, value)
    ws.settings = settings
    ctx.settings = dict(settings)
    ctx.session.flush()
    return describe(ctx)


def put(settings: dict[str, Any], value: str, field: str = "date_order") -> None:
    """Write the order `value` names into a workspace's `settings` ('auto' removes it);
    Invalid for anything else."""
    chosen = order_named(value, field)
    if chosen is None:
        settings.pop(SETTING, None)
    else:
        settings[SETTING] = chosen


# --- reading what is typed -----------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """A date as typed and as read, for echoing it in words when it could be misread."""

    field: str
    text: str
    words: str


def day(
    ctx: Ctx, text: str, *, field: str = "date", prefer: Prefer = "past"
) -> tuple[dt.date, Typed | None]:
    """The day `text` names, in the workspace's order; with what to echo when
    another order would have read it as another day."""
    found = parse_day(text, ctx.today, prefer=prefer, field=field, order=order(ctx))
    return found, _echo(ctx, text, field, day_in_words(found))


def moment(ctx: Ctx, text: str, *, field: str = "when") -> tuple[dt.datetime, Typed | None]:
    """An aware datetime for `text` (a bare day: noon), in the workspace's order."""
    found = parse_moment(text, ctx.today, ctx.tz, field=field, order=order(ctx))
    return found, _echo(ctx, text, field, day_in_words(found.date()))


def month_day(
    ctx: Ctx, text: str, *, field: str = "date"
) -> tuple[tuple[int, int, int | None], Typed | None]:
    """(month, day, year or None) of a yearly date, in the workspace's order."""
    month, day_, year = parse_month_day(text, order(ctx), today=ctx.today, field=field)
    return (month, day_, year), _echo(ctx, text, field, in_words(month, day_, year))


def _echo(ctx: Ctx, text: str, field: str, words: str) -> Typed | None:
    return Typed(field, text.strip(), words) if needs_echo(text, ctx.today) else None
