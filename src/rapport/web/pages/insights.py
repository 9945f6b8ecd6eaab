"""Insights: the network as pictures (SVG drawn on the server)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rapport.domain.records import PromiseRates
from rapport.web import views
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import render

router = APIRouter()


def month_label(month: str) -> str:
    """'2026-03' → 'Mar'; January shows its year ('Jan 26')."""
    first = dt.date.fromisoformat(month + "-01")
    return first.strftime("%b %y") if first.month == 1 else first.strftime("%b")


def _percent(rate: float | None) -> int | None:
    return None if rate is None else round(100 * rate)


def promise_rows(rates: PromiseRates) -> list[tuple[str, int | None, int | None]]:
    """Each month's kept-rates in percent, mine then theirs (None: none resolved)."""
    return [
        (month_label(m.month), _percent(m.mine.rate), _percent(m.theirs.rate)) for m in rates.months
    ]


@router.get("/insights")
def insights_page(request: Request, ws: WorkspaceDep) -> Response:
    with ws.read() as ctx:
        view = views.insights_page(ctx)
        today = ctx.today
    months = [(month_label(m.month), m.count) for m in view.by_month]
    return render(
        request,
        "insights.html",
        {
            "view": view,
            "n": view.network,
            "months": months,
            "favour_rows": [(f.kind, f.given, f.received) for f in view.favours],
            "promise_rows": promise_rows(view.promises),
            "today": today,
        },
    )
