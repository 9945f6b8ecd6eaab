"""A sample network for `rapport serve --demo`: about fifty people, a year of
conversations, promises both ways, favours, milestones and a conference, built
through the same services a user's actions go through (so it is shaped like real
data), deterministic for a given day."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select

from rapport.services import events, favours, interactions, mentoring, milestones, people, promises
from rapport.services.context import Ctx
from rapport.storage.schema import Organization

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "rapport-demo"  # a local sample database only: printed on start

_PEOPLE: list[tuple[str, str, str, tuple[str, ...], str]] = [
    # name, organization, title, types, interests
    ("Ana Lima", "Acme Robotics", "CTO", ("client",), "AI agents, trail running"),
    ("Bruno Souza", "Globex", "Head of Design", ("peer",), "type design, jazz"),
    ("Carla Dias", "Initech", "Engineering Manager", ("colleague",), "hiring, climbing"),
    ("Diego Ramos", "Umbrella Health", "VP Sales", ("prospect",), "football, podcasts"),
    ("Eva Chen", "Hooli", "Staff Engineer", ("peer", "friend"), "Rust, sourdough"),
    ("Fiona Walsh", "Northwind Partners", "Managing Partner", ("mentor",), "board work"),
    ("王芳", "Shenzhen Makers", "Founder", ("partner",), "hardware, tea"),
    ("Yuki Tanaka", "Kaizen Labs", "Product Lead", ("client",), "UX research, cycling"),
    ("Søren Madsen", "Nordlys Energy", "CFO", ("prospect",), "sailing"),
    ("Zoë Müller", "Stadtwerk", "Data Scientist", ("mentee",), "causal inference"),
    ("Priya Nair", "Acme Robotics", "Product Manager", ("client",), "roadmaps, yoga"),
    ("Kwame Mensah", "Savanna Ventures", "Partner", ("industry",), "fintech in Africa"),
    ("Lucía Fernández", "Globex", "Recruiter", ("industry",), "talent markets"),
    ("Omar Haddad", "Cedar Analytics", "CEO", ("competitor",), "pricing"),
    ("Hannah Kim", "Initech", "Designer", ("colleague",), "illustration"),
    ("Mateus Rocha", "Freelance", "Consultant", ("peer",), "process mining"),
    ("Olivia Brown", "Brown & Co", "Lawyer", ("partner",), "contracts, chess"),
    ("Raj Patel", "Hooli", "Director of Engineering", ("manager",), "platform teams"),
    ("Sara Rossi", "Vento", "Head of Marketing", ("prospect",), "brand, opera"),
    ("Tomás Silva", "Acme Robotics", "Engineer", ("report",), "embedded systems"),
    ("Uma Desai", "Lotus Bank", "Innovation Lead", ("client",), "payments"),
    ("Victor Leroy", "Paris Tech Meetup", "Organizer", ("industry", "friend"), "community"),
    ("Wen Li", "Kaizen Labs", "CTO", ("client",), "distributed systems"),
    ("Xavier Dubois", "Orbital", "Founder", ("peer",), "space tech"),
    ("Yara Haddad", "Cedar Analytics", "Analyst", ("industry",), "dashboards"),
    ("Zainab Bello", "Lagos Code", "Community Lead", ("mentee",), "teaching"),
    ("Aiko Sato", "Hooli", "Recruiter", ("industry",), "sports"),
    ("Ben Carter", "Carter Capital", "Angel Investor", ("industry",), "seed rounds"),
    ("Chloé Martin", "Vento", "CEO", ("prospect",), "wine"),
    ("David Cohen", "Globex", "CTO", ("client",), "security"),
    ("Elena Petrova", "Stadtwerk", "Team Lead", ("peer",), "ML ops"),
    ("Felipe Castro", "Umbrella Health", "Engineer", ("friend",), "surfing"),
    ("Grace Lee", "Northwind Partners", "Associate", ("mentee",), "negotiation"),
    ("Hugo Schmidt", "Orbital", "Engineer", ("colleague",), "robotics"),
    ("Isabel Gómez", "Lotus Bank", "COO", ("client",), "operations"),
    ("Jonas Berg", "Nordlys Energy", "Engineer", ("peer",), "wind power"),
    ("Kofi Asante", "Savanna Ventures", "Associate", ("industry",), "market maps"),
    ("Laura Bianchi", "Freelance", "Writer", ("friend",), "essays"),
    ("Mia Johansson", "Hooli", "Designer", ("colleague",), "motion design"),
    ("Nikhil Rao", "Initech", "Architect", ("peer",), "event sourcing"),
    ("Paula Costa", "Acme Robotics", "Sales Lead", ("client",), "negotiation"),
    ("Quentin Moreau", "Paris Tech Meetup", "Speaker", ("industry",), "compilers"),
    ("Rosa Jiménez", "Vento", "Engineer", ("prospect",), "frontend"),
    ("Stefan Novak", "Brown & Co", "Accountant", ("partner",), "tax"),
    ("Tara O'Neill", "Umbrella Health", "Head of Product", ("prospect",), "health data"),
]

_SUMMARIES = {
    "meeting": ["Quarterly review", "Roadmap workshop", "Pilot kickoff", "Project check-in"],
    "call": ["Quick catch-up", "Pricing questions", "Intro call", "Hiring advice"],
    "video": ["Demo of the new release", "Design review", "Mentoring session"],
    "email": ["Sent the proposal", "Shared an article", "Follow-up notes", "Thanks for the intro"],
    "message": ["Congrats on the launch", "Quick question", "Shared a job post"],
    "meal": ["Coffee near the office", "Lunch to talk strategy", "Dinner after the meetup"],
}


_INDUSTRIES = {
    "Acme Robotics": "Robotics",
    "Globex": "Software",
    "Initech": "Software",
    "Hooli": "Software",
    "Kaizen Labs": "Software",
    "Orbital": "Aerospace",
    "Umbrella Health": "Health care",
    "Lotus Bank": "Financial services",
    "Savanna Ventures": "Venture capital",
    "Carter Capital": "Venture capital",
    "Northwind Partners": "Consulting",
    "Freelance": "Consulting",
    "Brown & Co": "Legal",
    "Nordlys Energy": "Energy",
    "Stadtwerk": "Energy",
    "Vento": "Retail",
    "Cedar Analytics": "Software",
    "Shenzhen Makers": "Hardware",
    "Paris Tech Meetup": "Community",
    "Lagos Code": "Education",
}


@dataclass(frozen=True)
class DemoSummary:
    people: int
    interactions: int
    promises: int
    favours: int
    milestones: int
    events: int


def build(ctx: Ctx, *, seed: int = 7) -> DemoSummary:
    """Fill an empty workspace with the sample network, relative to ctx.today."""
    rng = random.Random(seed)
    today = ctx.today
    ids: list[int] = []
    for i, (name, org, title, types, interests) in enumerate(_PEOPLE):
        fields: dict[str, object] = {
            "full_name": name,
            "organization": org,
            "title": title,
            "types": list(types),
            "interests": interests,
            "emails": [_email(name, org, i)],
            "met_on": today - dt.timedelta(days=rng.randint(200, 1500)),
        }
        tags = (["conference"] if i % 5 == 0 else []) + (["investor-network"] if i % 7 == 0 else [])
        if tags:
            fields["tags"] = tags
        ids.append(people.add(ctx, fields).id)
    people.edit(ctx, ids[3], {"strained": True, "strained_context": "missed the pilot deadline"})

    logged = 0
    kinds = list(_SUMMARIES)
    for i, pid in enumerate(ids):
        # some people are kept close, some drift: that is what the agenda is for
        rhythm = [10, 20, 35, 60, 120, 200][i % 6]
        day = today - dt.timedelta(days=365)
        while True:
            day += dt.timedelta(days=max(3, int(rng.gauss(rhythm, rhythm / 3))))
            recent_gap = (today - day).days
            if day >= today or (i % 4 == 3 and recent_gap < 90):
                break
            kind = rng.choice(kinds)
            interactions.log(
                ctx,
                interactions.InteractionIn(
                    kind=kind,
                    occurred_at=dt.datetime.combine(
                        day, dt.time(rng.randint(8, 18), rng.choice([0, 30])), tzinfo=ctx.tz
                    ),
                    participant_ids=[pid] if rng.random() > 0.1 else [pid, rng.choice(ids)],
                    summary=rng.choice(_SUMMARIES[kind]),
                    direction=rng.choice(["me", "me", "them", "mutual"]),
                    tone=rng.choice([None, "warm", "warm", "neutral", "tense"]),
                    notes="Talked about " + _PEOPLE[i][4].split(",")[0] if i % 3 == 0 else None,
                ),
            )
            logged += 1

    made_promises = 0
    for n, pid in enumerate(ids[:12]):
        promises.promise(
            ctx,
            pid,
            ["send the proposal", "share the deck", "intro to our CFO", "review their draft"][
                n % 4
            ],
            owner="me" if n % 3 else "them",
            due_on=today + dt.timedelta(days=(n % 5) - 2),
        )
        made_promises += 1
    kept = promises.promise(
        ctx, ids[13], "send the benchmark numbers", due_on=today - dt.timedelta(days=40)
    )
    promises.resolve(ctx, kept.id, "kept")

    made_favours = 0
    for n, pid in enumerate(ids[5:20]):
        favours.record(
            ctx,
            pid,
            "given" if n % 3 else "received",
            ["introduction", "advice", "referral", "resource"][n % 4],
            occurred_on=today - dt.timedelta(days=3 + n * 9),
            note=["to a hiring manager", "on pricing", "a candidate", "a market report"][n % 4],
            thanked_on=None if n % 2 else today - dt.timedelta(days=n * 9),
        )
        made_favours += 1

    made_milestones = 0
    for n, pid in enumerate(ids[:10]):
        when = today + dt.timedelta(days=n * 4 - 2)
        milestones.add(ctx, pid, "birthday", when.month, when.day, year=1980 + n)
        made_milestones += 1
    promoted = today - dt.timedelta(days=5)
    milestones.add(ctx, ids[7], "promotion", promoted.month, promoted.day, year=promoted.year)
    people.edit(ctx, ids[7], {"title": "VP Product"})

    summit = events.create(
        ctx,
        "Lisbon Product Summit",
        today - dt.timedelta(days=6),
        ends_on=today - dt.timedelta(days=4),
        place="Lisbon",
    )
    for pid in ids[20:26]:
        events.met(ctx, summit.id, pid, note="met at the summit")
    for name, note in (("Nadia Rahman", "building a climate startup"), ("Leo Park", "ex-Hooli")):
        new_id = people.add(ctx, {"full_name": name, "types": ["peer"]}).id
        events.met(ctx, summit.id, new_id, note=note)

    for company in ctx.session.scalars(
        select(Organization).where(Organization.workspace_id == ctx.workspace_id)
    ):
        company.industry = _INDUSTRIES.get(company.name)
    mentoring.start_mentorship(
        ctx,
        ids[9],
        "mentee",
        goals="lead a data team",
        session_cadence_days=21,
        started_on=today - dt.timedelta(days=200),
    )
    mentoring.record_feedback(
        ctx,
        ids[5],
        "Your pitch is strong; the pricing slide confuses people.",
        received_on=today - dt.timedelta(days=10),
        actions=["simplify the pricing slide"],
        due_on=today + dt.timedelta(days=4),
    )
    return DemoSummary(
        people=len(ids) + 2,
        interactions=logged,
        promises=made_promises + 2,
        favours=made_favours,
        milestones=made_milestones + 1,
        events=1,
    )


def _email(name: str, org: str, i: int) -> str:
    local = "".join(c for c in name.lower().split()[0] if c.isascii() and c.isalnum())
    domain = "".join(c for c in org.lower() if c.isascii() and c.isalnum()) or "example"
    return f"{local or 'person' + str(i)}@{domain}.example"
