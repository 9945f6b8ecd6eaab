"""Small SVG charts drawn on the server: no script, no library, readable at any
width (a viewBox that scales), colours from CSS classes."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape


def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMinYMin meet">'
        + "".join(body)
        + "</svg>"
    )


def bars(items: Sequence[tuple[str, int]], *, label: str, css: str = "bar") -> Markup:
    """Horizontal bars, one per (label, value), longest first as given."""
    if not items:
        return Markup('<p class="muted">Nothing to show yet.</p>')
    width, row, left = 480, 26, 120
    top = max((v for _, v in items), default=0) or 1
    body: list[str] = []
    for i, (name, value) in enumerate(items):
        y = i * row
        length = (width - left - 50) * value / top
        body.append(
            f'<text class="axis" x="{left - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_short(name, 18))}</text>"
            f'<rect class="{css}" x="{left}" y="{y + 5}" width="{length:.1f}" height="16" rx="3">'
            f"<title>{escape(name)}: {value}</title></rect>"
            f'<text class="value" x="{left + length + 6:.1f}" y="{y + 17}">{value}</text>'
        )
    return _svg(width, row * len(items) + 4, body, label)


def columns(
    items: Sequence[tuple[str, int]], *, label: str, css: str = "bar", every: int = 1
) -> Markup:
    """Vertical columns over labelled slots (months, score bands); `every` thins the
    axis labels."""
    if not items:
        return Markup('<p class="muted">Nothing to show yet.</p>')
    width, height, bottom, top_pad = 480, 200, 24, 18
    top = max((v for _, v in items), default=0) or 1
    slot = width / len(items)
    bar = max(4.0, slot * 0.7)
    body: list[str] = [
        f'<line class="grid" x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}"/>'
    ]
    for i, (name, value) in enumerate(items):
        h = (height - bottom - top_pad) * value / top
        x = i * slot + (slot - bar) / 2
        y = height - bottom - h
        body.append(
            f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
            f'height="{h:.1f}" rx="2">'
            f"<title>{escape(name)}: {value}</title></rect>"
        )
        if value:
            body.append(
                f'<text class="value" x="{x + bar / 2:.1f}" y="{y - 4:.1f}" '
                f'text-anchor="middle">{value}</text>'
            )
        if i % every == 0:
            at, anchor = _within(x + bar / 2, len(name) * AXIS_CHAR_WIDTH, width)
            body.append(
                f'<text class="axis" x="{at:.1f}" y="{height - 6}" '
                f'text-anchor="{anchor}">{escape(name)}</text>'
            )
    return _svg(width, height, body, label)


AXIS_CHAR_WIDTH = 6.6  # about, at the axis' 12px: enough to keep a label inside the chart


def _within(centre: float, wide: float, width: float) -> tuple[float, str]:
    """Where a label `wide` units across centred on `centre` is written so that it
    stays inside 0..`width` ('no contact yet' under the first column was cut)."""
    if centre - wide / 2 < 0:
        return 1.0, "start"
    if centre + wide / 2 > width:
        return width - 1.0, "end"
    return centre, "middle"


def paired(
    items: Sequence[tuple[str, int | None, int | None]],
    *,
    label: str,
    first: str,
    second: str,
    top: int | None = None,
    unit: str = "",
) -> Markup:
    """Two bars per row (e.g. given vs received), with a legend; `top` fixes the scale
    (100 for percentages), and a None value is drawn as no bar and a dash."""
    if not items:
        return Markup('<p class="muted">Nothing to show yet.</p>')
    width, row, left = 480, 40, 120
    top = top or max((max(a or 0, b or 0) for _, a, b in items), default=0) or 1
    body: list[str] = [
        f'<rect class="bar" x="{left}" y="2" width="12" height="12" rx="2"/>'
        f'<text class="axis" x="{left + 18}" y="13">{escape(first)}</text>'
        f'<rect class="bar-alt" x="{left + 110}" y="2" width="12" height="12" rx="2"/>'
        f'<text class="axis" x="{left + 128}" y="13">{escape(second)}</text>'
    ]
    scale = (width - left - 50) / top
    for i, (name, a, b) in enumerate(items):
        y = 22 + i * row
        body.append(
            f'<text class="axis" x="{left - 8}" y="{y + 20}" text-anchor="end">'
            f"{escape(_short(name, 18))}</text>"
        )
        for value, css, who, dy in ((a, "bar", first, 3), (b, "bar-alt", second, 19)):
            shown = "—" if value is None else f"{value}{unit}"
            wide = (value or 0) * scale
            body.append(
                f'<rect class="{css}" x="{left}" y="{y + dy}" width="{wide:.1f}" height="14" '
                f'rx="3"><title>{escape(who)}: {shown}</title></rect>'
                f'<text class="value" x="{left + wide + 6:.1f}" y="{y + dy + 11}">{shown}</text>'
            )
    return _svg(width, 22 + row * len(items), body, label)


def meter(value: int) -> Markup:
    """A 0–100 health meter."""
    band = "low" if value < 40 else "mid" if value < 70 else "high"
    return Markup(
        f'<svg class="meter" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
        f'aria-label="health {value} of 100">'
        f'<rect class="meter-track" x="0" y="0" width="100" height="8" rx="4"/>'
        f'<rect class="meter-{band}" x="0" y="0" width="{max(2, value)}" height="8" rx="4"/>'
        "</svg>"
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
