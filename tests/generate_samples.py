"""Big realistic import files, made on demand (tests and measurements).

python -m tests.generate_samples linkedin 30000 /tmp/Connections.csv
python -m tests.generate_samples mbox 10000 /tmp/inbox.mbox
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from email.utils import format_datetime

FIRST = [
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Eva",
    "Fiona",
    "Gustavo",
    "Helena",
    "Igor",
    "Joana",
    "Karim",
    "Lucia",
    "Mateus",
    "Nadia",
    "Omar",
    "Paula",
    "Rafael",
    "Sofia",
    "Tiago",
    "Ursula",
    "Vera",
    "Wagner",
    "Ximena",
    "Yara",
    "Zoe",
    "João",
    "Zoë",
    "Chloé",
    "Søren",
    "Łukasz",
    "Mei",
    "Hiroshi",
    "Priya",
    "Arjun",
    "Olu",
    "Chidi",
    "Aisha",
    "Fatima",
    "Liam",
    "Noah",
    "Emma",
    "Olivia",
    "Ava",
    "Mia",
    "Lucas",
    "Leo",
]
LAST = [
    "Lima",
    "Souza",
    "Dias",
    "Ramos",
    "Chen",
    "Müller",
    "García",
    "Silva",
    "Santos",
    "Costa",
    "Pereira",
    "Oliveira",
    "Rodrigues",
    "Almeida",
    "Nascimento",
    "Carvalho",
    "Gomes",
    "Martins",
    "Araújo",
    "Ribeiro",
    "Smith",
    "Johnson",
    "Brown",
    "Nguyen",
    "Kim",
    "Park",
    "Patel",
    "Singh",
    "Kowalski",
    "Nowak",
    "O'Brien",
    "Dubois",
    "Rossi",
    "Jensen",
    "Novak",
    "Tanaka",
    "Sato",
    "Okafor",
]
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Cyberdyne",
    "Soylent",
    "Tyrell",
    "Wonka",
    "Vandelay Industries",
    "Pied Piper",
    "Aperture Science",
    "Massive Dynamic",
    "Black Mesa",
    "Oscorp",
    "Gringotts",
    "Monsters, Inc.",
    "Dunder Mifflin",
    "Prestige Worldwide",
]
TITLES = [
    "CTO",
    "VP Engineering",
    "Product Manager",
    "Founder",
    "Software Engineer",
    "Head of Sales",
    "Designer",
    "Data Scientist",
    "Recruiter",
    "CEO",
    "Staff Engineer",
    "Marketing Lead",
    "Investor",
    "Consultant",
]
LINKEDIN_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more about this here: "
    'https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)


def linkedin_csv(count: int, seed: int = 1, *, promoted: int = 0) -> str:
    """A LinkedIn Connections.csv of `count` distinct connections (about a third with an
    email, as LinkedIn exports them); the first `promoted` have a new title."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write(LINKEDIN_NOTES)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    start = dt.date(2012, 1, 1)
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = f"{first}-{last}-{i:05x}".lower().replace("'", "")
        email = f"{slug}@example.com" if rng.random() < 0.35 else ""
        title = rng.choice(TITLES)
        if i < promoted:
            title = "Senior " + title
        day = start + dt.timedelta(days=rng.randrange(5000))
        writer.writerow(
            [
                first,
                last,
                f"https://www.linkedin.com/in/{slug}",
                email,
                rng.choice(COMPANIES),
                title,
                day.strftime("%d %b %Y"),
            ]
        )
    return out.getvalue()


def mbox(count: int, seed: int = 1, me: str = "sam@example.com") -> bytes:
    """An mbox of `count` messages between the user and ~400 correspondents in threads
    of one to six messages, with some list traffic and no-reply mail mixed in."""
    rng = random.Random(seed)
    people = [
        (f"{f} {last}", f"{f.lower()}.{last.lower()}{n}@corp{n % 40}.example".replace("'", ""))
        for n, (f, last) in enumerate((rng.choice(FIRST), rng.choice(LAST)) for _ in range(400))
    ]
    out = io.BytesIO()
    moment = dt.datetime(2021, 1, 1, 8, 0, tzinfo=dt.UTC)
    written = 0
    thread = 0
    while written < count:
        thread += 1
        name, address = rng.choice(people)
        subject = f"Project {rng.choice(COMPANIES)} #{thread}"
        root = f"<t{thread}.0@mail.example>"
        refs: list[str] = []
        for k in range(min(rng.randint(1, 6), count - written)):
            moment += dt.timedelta(minutes=rng.randint(5, 400))
            mine = (k % 2 == 0) == (thread % 3 == 0)
            msg_id = root if k == 0 else f"<t{thread}.{k}@mail.example>"
            sender = f"Sam <{me}>" if mine else f'"{name}" <{address}>'
            to = f'"{name}" <{address}>' if mine else f"Sam <{me}>"
            headers = [
                f"From {me if mine else address} {moment.strftime('%a %b %d %H:%M:%S %Y')}",
                f"From: {sender}",
                f"To: {to}",
                f"Subject: {'Re: ' if k else ''}{subject}",
                f"Date: {format_datetime(moment)}",
                f"Message-ID: {msg_id}",
            ]
            if refs:
                headers.append(f"In-Reply-To: {refs[-1]}")
                headers.append(f"References: {' '.join(refs)}")
            if written % 25 == 7:
                headers.append("List-Id: <announce.lists.example>")
            if written % 40 == 11:
                headers[1] = "From: Service <no-reply@service.example>"
            body = "Hello,\n\nFrom the notes of our call: let's go ahead.\n\n-- \nSignature\n"
            out.write(("\n".join(headers) + "\n\n" + body + "\n").encode("utf-8"))
            refs.append(msg_id)
            written += 1
    return out.getvalue()


def main(argv: list[str]) -> None:
    kind, count, path = argv[0], int(argv[1]), argv[2]
    if kind == "linkedin":
        promoted = int(argv[3]) if len(argv) > 3 else 0
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(linkedin_csv(count, promoted=promoted))
    elif kind == "mbox":
        with open(path, "wb") as f:
            f.write(mbox(count))
    else:
        raise SystemExit(f"unknown kind {kind!r}: linkedin or mbox")


if __name__ == "__main__":
    main(sys.argv[1:])
