"""The files a user brings: LinkedIn's Connections.csv, an mbox of mail, an .ics
calendar, each shaped like the real thing and drawn from the generated network
(most rows name people already in it, some are new; some changed jobs)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path

from bench import words
from bench.generate import OWNER_EMAIL, OWNER_NAME, Generated, ascii_slug

LINKEDIN_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
LINKEDIN_HEADER = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]


def _known(gen: Generated, rng: random.Random, k: int) -> list[int]:
    """`k` distinct people of the network, closer ties more likely."""
    found: dict[int, None] = {}
    while len(found) < min(k, len(gen.by_rank)):
        for p in gen.pick_people(rng, k):
            found.setdefault(p)
            if len(found) == k:
                break
        if len(found) < k:  # the tail is hard to reach by weight: fill uniformly
            for p in rng.sample(gen.by_rank, k):
                found.setdefault(p)
                if len(found) == k:
                    break
    return list(found)


def linkedin(gen: Generated, path: Path) -> int:
    """Connections.csv: 60% people already known (8% of them with a new job), 40% new;
    about one in eight with an email address, as LinkedIn exports them today."""
    spec = gen.spec
    rng = spec.rng("linkedin")
    people = gen.network.people
    orgs = gen.network.organizations
    rows = []
    for position in _known(gen, rng, spec.linkedin_rows * 6 // 10):
        p = people[position]
        company = orgs[p.organization].name if p.organization is not None else ""
        title = p.title or ""
        if rng.random() < 0.08:
            company = rng.choice(orgs).name
            title = rng.choice(words.TITLES)
        email = p.emails[0] if p.emails and rng.random() < 0.12 else ""
        rows.append((p.given_name or "", p.family_name or "", email, company, title))
    while len(rows) < spec.linkedin_rows:
        given, family = rng.choice(words.GIVEN_NAMES), rng.choice(words.FAMILY_NAMES)
        org = rng.choice(orgs).name if rng.random() < 0.9 else ""
        email = (
            f"{ascii_slug(given)}.{ascii_slug(family)}{len(rows)}@example.org"
            if rng.random() < 0.12
            else ""
        )
        rows.append((given, family, email, org, rng.choice(words.TITLES)))
    rng.shuffle(rows)
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(LINKEDIN_NOTES)
        writer = csv.writer(stream)
        writer.writerow(LINKEDIN_HEADER)
        for i, (given, family, email, company, title) in enumerate(rows):
            connected = spec.today - dt.timedelta(days=rng.randrange(365 * spec.years))
            slug = f"{ascii_slug(given)}-{ascii_slug(family)}-{i:x}".replace(".", "")
            writer.writerow(
                [
                    given,
                    family,
                    f"https://www.linkedin.com/in/{slug}",
                    email,
                    company,
                    title,
                    connected.strftime("%d %b %Y"),
                ]
            )
    return len(rows)


def _address(name: str, email: str) -> str:
    """A header address; a non-ASCII name is RFC 2047-encoded, as mailers write it."""
    return formataddr((name, email), charset="utf-8")


def _message(headers: list[tuple[str, str]], body: str, html: bool, boundary: str) -> str:
    lines = [f"{k}: {v}" for k, v in headers]
    lines.append("MIME-Version: 1.0")
    if not html:
        lines += ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"]
        return "\n".join(lines) + "\n\n" + body
    markup = "<p>" + body.replace("\n", "<br>") + "</p>\n"
    lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    return "\n".join(
        [
            *lines,
            "",
            f"--{boundary}",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: 8bit",
            "",
            body,
            f"--{boundary}",
            'Content-Type: text/html; charset="utf-8"',
            "Content-Transfer-Encoding: 8bit",
            "",
            markup,
            f"--{boundary}--",
            "",
        ]
    )


def mbox(gen: Generated, path: Path) -> int:
    """Mail of the last two years in mbox form: half sent by the user, half received;
    threads; 85% with people of the network, the rest strangers; a fifth multipart
    with HTML; non-ASCII names in encoded headers."""
    spec = gen.spec
    rng = spec.rng("mbox")
    people = gen.network.people
    me = _address(OWNER_NAME, OWNER_EMAIL)
    start = dt.datetime.combine(spec.today - dt.timedelta(days=730), dt.time(8), dt.UTC)
    threads: list[tuple[str, str]] = []  # (message id, subject)
    with path.open("w", encoding="utf-8", newline="\n") as box:
        for i in range(spec.mbox_messages):
            others = []
            for _ in range(1 if rng.random() < 0.8 else rng.randint(2, 4)):
                if rng.random() < 0.85:
                    p = people[gen.pick_people(rng, 1)[0]]
                    others.append(_address(p.full_name, p.emails[0]))
                else:
                    given, family = rng.choice(words.GIVEN_NAMES), rng.choice(words.FAMILY_NAMES)
                    others.append(_address(f"{given} {family}", f"{ascii_slug(given)}@mail.test"))
            sent = rng.random() < 0.5
            moment = start + dt.timedelta(seconds=rng.randrange(730 * 86400))
            msg_id = f"<{i}.{rng.getrandbits(48):012x}@bench.example>"
            topic = rng.choice(words.TOPICS)
            subject = f"{topic.capitalize()} next steps"
            headers = [
                ("From", me if sent else others[0]),
                ("To", ", ".join(others if sent else [me, *others[1:]])),
                ("Date", format_datetime(moment)),
                ("Message-ID", msg_id),
            ]
            if threads and rng.random() < 0.35:
                parent, subject = rng.choice(threads)
                headers += [("In-Reply-To", parent), ("References", parent)]
                subject = subject if subject.startswith("Re: ") else f"Re: {subject}"
            encoded = subject if subject.isascii() else Header(subject, "utf-8").encode()
            headers.append(("Subject", encoded))
            threads.append((msg_id, subject))
            if len(threads) > 200:
                threads.pop(0)
            body = (
                f"Hi,\n\nFollowing up on {topic} and {rng.choice(words.TOPICS)}.\n"
                f"Can we talk on {rng.choice(['Monday', 'Tuesday', 'Thursday'])}?\n\nBest,\n"
            )
            text = _message(headers, body, rng.random() < 0.2, f"b{i:08d}")
            box.write(f"From MAILER-DAEMON {moment:%a %b %d %H:%M:%S %Y}\n{text}\n")
    return spec.mbox_messages


def _fold(line: str) -> str:
    """An iCalendar content line folded at 75 octets (RFC 5545 §3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts) + "\r\n"


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Lisbon",
    "BEGIN:STANDARD",
    "DTSTART:19701025T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:WET",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:WEST",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
]


def ics(gen: Generated, path: Path, *, days: int = 730, series: float = 0.1) -> int:
    """A calendar export: meetings of the last `days` (two years) and the next month
    with 1–6 attendees, a share `series` of them weekly series, some all-day, some in
    Europe/Lisbon. Written event by event (a 240,000-event calendar is 200 MB)."""
    spec = gen.spec
    rng = spec.rng("ics")
    people = gen.network.people
    stream = path.open("w", encoding="utf-8", newline="")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Rapport bench//EN", *VTIMEZONE]
    start = dt.datetime.combine(spec.today - dt.timedelta(days=days), dt.time(0), dt.UTC)
    stamp = dt.datetime.combine(spec.today, dt.time(6), dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for i in range(spec.ics_events):
        day = start + dt.timedelta(days=rng.randrange(days + 30))
        topic = rng.choice(words.TOPICS)
        event = [
            "BEGIN:VEVENT",
            f"UID:bench-{i}@rapport.example",
            f"DTSTAMP:{stamp}",
            f"SUMMARY:{_ics_text(rng.choice(['Meeting', 'Call', 'Lunch', 'Review']))}: {topic}",
        ]
        kind = rng.random()
        if kind < 0.08:
            event.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
            event.append(f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}")
        else:
            at = day.replace(hour=rng.randint(8, 18), minute=rng.choice([0, 15, 30, 45]))
            end = at + dt.timedelta(minutes=rng.choice([30, 45, 60, 90]))
            if kind < 0.38:
                event.append(f"DTSTART;TZID=Europe/Lisbon:{at:%Y%m%dT%H%M%S}")
                event.append(f"DTEND;TZID=Europe/Lisbon:{end:%Y%m%dT%H%M%S}")
            else:
                event.append(f"DTSTART:{at:%Y%m%dT%H%M%SZ}")
                event.append(f"DTEND:{end:%Y%m%dT%H%M%SZ}")
        if rng.random() < series:
            event.append(f"RRULE:FREQ=WEEKLY;COUNT={rng.randint(4, 12)}")
        if rng.random() < 0.3:
            event.append(f"LOCATION:{_ics_text(rng.choice(words.CITIES).replace('-', ' '))}")
        if rng.random() < 0.4:
            event.append(f"DESCRIPTION:{_ics_text(f'Agenda: {topic}, then next steps.')}")
        event.append(f"ORGANIZER;CN={_ics_text(OWNER_NAME)}:mailto:{OWNER_EMAIL}")
        for position in dict.fromkeys(gen.pick_people(rng, rng.randint(1, 6))):
            p = people[position]
            event.append(
                f'ATTENDEE;CN="{p.full_name}";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:'
                f"mailto:{p.emails[0]}"
            )
        event.append("END:VEVENT")
        lines += event
        if len(lines) > 10_000:
            stream.writelines(_fold(line) for line in lines)
            lines = []
    lines.append("END:VCALENDAR")
    with stream:
        stream.writelines(_fold(line) for line in lines)
    return spec.ics_events


def write_all(gen: Generated, folder: Path) -> dict[str, str]:
    """Every import file into `folder`; their paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "linkedin": folder / "Connections.csv",
        "mbox": folder / "mail.mbox",
        "ics": folder / "calendar.ics",
    }
    linkedin(gen, paths["linkedin"])
    mbox(gen, paths["mbox"])
    ics(gen, paths["ics"])
    return {k: str(v) for k, v in paths.items()}
