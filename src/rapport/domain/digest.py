"""The daily digest's words: plain text and HTML from plain values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from rapport.domain.records import AgendaEntry, CommitmentOut, Health, MilestoneOut

REASONS_SHOWN = 3  # per person: an email is read at a glance; the app shows them all


@dataclass(frozen=True)
class DigestContent:
    day: dt.date
    name: str  # the user's first name, or ""
    base_url: str
    entries: list[AgendaEntry]
    total: int
    milestones: list[MilestoneOut]  # this week
    promises: list[CommitmentOut]  # mine, due this week
    drifting: list[Health]
    thanks_owed: int
    lists: list[ListSection] = field(default_factory=list)  # the lists the user follows


@dataclass(frozen=True)
class ListSection:
    """Today's agenda among the people of one list the digest follows."""

    list_id: int
    name: str
    entries: list[AgendaEntry]  # the first few, numbered within the list
    total: int


@dataclass(frozen=True)
class Digest:
    subject: str
    text: str
    html: str


def _person_url(c: DigestContent, person_id: int) -> str:
    return f"{c.base_url.rstrip('/')}/people/{person_id}"


def _head(subject: str) -> str:
    # the doctype keeps mail clients out of quirks mode; the charset, out of guessing
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(subject)}</title></head>"
    )


def _list_section(
    c: DigestContent, section: ListSection, lines: list[str], html: list[str]
) -> None:
    """One followed list: who on it to reach out to today and the first reason, or
    that nobody on it needs the user (a quiet list is news too)."""
    count = "1 person" if section.total == 1 else f"{section.total} people"
    url = f"{c.base_url.rstrip('/')}/?list={section.list_id}"
    if not section.entries:
        lines += ["", f"{section.name}: nobody on this list needs you today."]
        html.append(f"<h3>{escape(section.name)}</h3><p>Nobody on this list needs you today.</p>")
        return
    lines += ["", f"{section.name} ({count} today):"]
    html.append(f"<h3>{escape(section.name)}: {escape(count)} today</h3><ul>")
    for e in section.entries:
        lines.append(f"- {e.person}: {e.reasons[0].text}")
        html.append(
            f'<li><a href="{escape(_person_url(c, e.person_id))}">{escape(e.person)}</a>: '
            f"{escape(e.reasons[0].text)}</li>"
        )
    html.append("</ul>")
    if section.total > len(section.entries):
        more = section.total - len(section.entries)
        lines.append(f"... and {more} more: {url}")
        html.append(f'<p><a href="{escape(url)}">{more} more on {escape(section.name)}</a></p>')


def compose(c: DigestContent) -> Digest:
    """Subject, text and HTML of the digest: the day's agenda with reasons and links,
    the lists the user follows (each its own short section), the week's dates and
    promises, and a short pulse of the network."""
    weekday = c.day.strftime("%A %-d %B")
    count = "1 person" if c.total == 1 else f"{c.total} people"
    subject = (
        f"Rapport for {weekday}: {count} to reach out to" if c.total else f"Rapport for {weekday}"
    )
    today_url = f"{c.base_url.rstrip('/')}/"
    lines = [f"Good morning{', ' + c.name if c.name else ''}.", ""]
    html = [
        _head(subject),
        '<body style="font-family: sans-serif; max-width: 640px">',
        f"<p>Good morning{', ' + escape(c.name) if c.name else ''}.</p>",
    ]
    if c.entries:
        lines.append(f"Today ({count}):")
        html.append(f"<h2>Today: {escape(count)}</h2><ol>")
        for e in c.entries:
            org = f" ({e.organization})" if e.organization else ""
            lines.append(f"{e.position}. {e.person}{org}")
            shown = e.reasons[:REASONS_SHOWN]
            for r in shown:
                lines.append(f"   - {r.text}")
            if len(e.reasons) > len(shown):
                lines.append(f"   - and {len(e.reasons) - len(shown)} more")
            lines.append(f"   -> {e.reasons[0].action}")
            lines.append(f"   {_person_url(c, e.person_id)}")
            reasons = "".join(f"<li>{escape(r.text)}</li>" for r in e.reasons[:REASONS_SHOWN])
            if len(e.reasons) > REASONS_SHOWN:
                reasons += f"<li>and {len(e.reasons) - REASONS_SHOWN} more</li>"
            html.append(
                f'<li><a href="{escape(_person_url(c, e.person_id))}"><b>{escape(e.person)}</b></a>'
                f"{escape(org)}<ul>{reasons}</ul><i>{escape(e.reasons[0].action)}</i></li>"
            )
        html.append("</ol>")
        if c.total > len(c.entries):
            lines.append(f"... and {c.total - len(c.entries)} more: {today_url}")
            html.append(f'<p><a href="{escape(today_url)}">{c.total - len(c.entries)} more</a></p>')
    else:
        quiet = "Nobody needs you today. A good day to reach out to someone you haven't in a while."
        lines.append(quiet)
        html.append(f"<p>{escape(quiet)}</p>")
    for section in c.lists:
        _list_section(c, section, lines, html)
    if c.milestones:
        lines += ["", "This week:"]
        html.append("<h3>This week</h3><ul>")
        for m in c.milestones:
            what = m.label or m.kind.replace("-", " ")
            lines.append(f"- {m.next_on:%a %-d %b}: {m.person}, {what}")
            html.append(f"<li>{m.next_on:%a %-d %b}: {escape(m.person)}, {escape(what)}</li>")
        html.append("</ul>")
    if c.promises:
        lines += ["", "Your promises due:"]
        html.append("<h3>Your promises due</h3><ul>")
        for p in c.promises:
            due = f" (due {p.due_on:%a %-d %b})" if p.due_on else ""
            lines.append(f"- {p.person}: {p.description}{due}")
            html.append(f"<li>{escape(p.person)}: {escape(p.description)}{escape(due)}</li>")
        html.append("</ul>")
    pulse = []
    if c.drifting:
        names = ", ".join(h.person for h in c.drifting)
        pulse.append(f"drifting away: {names}")
    if c.thanks_owed:
        pulse.append(f"{c.thanks_owed} thank-you{'s' if c.thanks_owed != 1 else ''} owed")
    if pulse:
        lines += ["", "Network pulse: " + "; ".join(pulse) + "."]
        html.append(f"<p><b>Network pulse:</b> {escape('; '.join(pulse))}.</p>")
    lines += ["", f"Open Rapport: {today_url}"]
    html.append(f'<p><a href="{escape(today_url)}">Open Rapport</a></p></body></html>')
    return Digest(subject, "\n".join(lines) + "\n", "\n".join(html))
