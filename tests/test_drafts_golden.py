"""Forty representative drafts, read aloud and committed (tests/golden/drafts.txt): a
change to the wording shows up as a diff to read. RAPPORT_UPDATE_GOLDEN=1 rewrites it."""

from __future__ import annotations

import os
from pathlib import Path

from rapport.domain import drafts
from rapport.domain.drafts import Situation

GOLDEN = Path(__file__).parent / "golden" / "drafts.txt"


def _s(kind: str, first: str, seed: int, **fields: object) -> Situation:
    return Situation(
        kind=kind,
        first=first,
        name=f"{first} Example",
        me="Sam Reed",
        seed=f"{seed}:{kind}:{seed}",
        last_notes="budget frozen until Q2",
        **fields,  # type: ignore[arg-type]
    )


CASES: tuple[Situation, ...] = (
    _s("thanks", "Carla", 1, favour_kind="introduction", favour_note="to a designer she knows"),
    _s("thanks", "Bruno", 2, favour_kind="resource", favour_note="lent a book"),
    _s("thanks", "Ana", 3, favour_kind="advice", favour_note="pricing strategy over lunch."),
    _s("thanks", "Dan", 4, favour_kind="introduction", favour_note="the intro to Acme's CFO"),
    _s("thanks", "Eve", 5, favour_kind="favour", favour_note="helped with my visa application"),
    _s("thanks", "Fay", 6, favour_kind="favour", favour_note="reviewing my CV"),
    _s("thanks", "Gil", 7, favour_kind="endorsement", favour_note="on LinkedIn"),
    _s("thanks", "Hana", 8, favour_kind="referral", favour_note="Globex"),
    _s("thanks", "Ivo", 9, favour_kind="advice", favour_note="介绍了一位设计师"),
    _s("thanks", "Jo", 10, favour_kind="favour", favour_note="vouched"),
    _s("follow-up", "Kai", 11, event="PyCon", met_note="building voice agents"),
    _s("follow-up", "Lea", 12, event="PyCon", met_note="building AI agents…"),
    _s("follow-up", "Mo", 13, event="PyCon", met_note="CTO at Initech, she is hiring"),
    _s("follow-up", "Nia", 14, event="PyCon", met_note="working on climate tech"),
    _s("follow-up", "Oli", 15, event="Web Summit", met_note=""),
    _s("follow-up", "Pia", 16, event="", met_note="the future of local-first software"),
    _s("follow-up", "Quinn", 17, event="東京 Python Meetup", met_note="Rust in production"),
    _s("keep-in-touch", "Rui", 18, last="Mentoring session", interests="sailing, jazz"),
    _s("keep-in-touch", "Sol", 19, last="the pilot in Porto"),
    _s("keep-in-touch", "Tao", 20, last="Caught up", interests="loves sailing"),
    _s("keep-in-touch", "Uma", 21, last="Discussed Q3 roadmap"),
    _s("keep-in-touch", "Vic", 22, last="", interests="she likes climbing"),
    _s("promise", "Wen", 23, promise="Share two data-engineer CVs"),
    _s("promise", "Xia", 24, promise="send the slides", overdue=True),
    _s("promise", "Yan", 25, promise="intro you to Carla"),
    _s("promise", "Zoe", 26, promise="the benchmark numbers"),
    _s("promise", "Ana", 27, promise="introduce her to Bruno"),
    _s("nudge", "Bea", 28, promise="send me the deck"),
    _s("nudge", "Cy", 29, promise="intro me to their CFO"),
    _s("milestone", "Dee", 30, milestone_kind="birthday"),
    _s("milestone", "Eli", 31, milestone_kind="work-anniversary", milestone="3 years at Initech"),
    _s("milestone", "Flo", 32, milestone_kind="promotion", milestone="VP Engineering"),
    _s("milestone", "Gus", 33, milestone_kind="new-job", milestone="Globex"),
    _s("milestone", "Hal", 34, milestone_kind="custom", milestone="PhD defence"),
    _s("milestone", "Ida", 35, milestone_kind="custom", milestone="graduated from MIT"),
    _s("role-change", "Jan", 36, role="VP Engineering at Globex"),
    _s("strained", "Kim", 37, context="she felt I took credit for the Q3 launch"),
    _s("mentoring", "Lou", 38, goals="get promoted to staff, public speaking"),
    _s("feedback", "Max", 39, promise="stop interrupting in design reviews"),
    _s("mentoring", "Ned", 40, goals="her career plan"),
)


def render_all() -> str:
    out = []
    for i, s in enumerate(CASES, 1):
        subject, body = drafts.compose(drafts.DEFAULT_TEMPLATES[s.kind], s)
        given = {
            k: v
            for k, v in vars(s).items()
            if v and k not in ("first", "name", "me", "seed", "kind", "last_notes")
        }
        out.append(f"### {i:02d} {s.kind} {given}\nSubject: {subject}\n\n{body}\n")
    return "\n".join(out)


def test_forty_drafts_match_the_golden_file() -> None:
    assert len(CASES) == 40
    text = render_all()
    if os.environ.get("RAPPORT_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
