"""Matching by evidence and the review queue, on SQLite and PostgreSQL: a key may
update, a name alone is a proposal that changes nothing until accepted; accepting,
keeping separate and their undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from rapport.errors import Invalid, NotFound
from rapport.services import agenda, imports, journal, people, resolve, review
from rapport.services.imports import ImportOptions
from rapport.storage.schema import Person, Proposal, Role
from tests.conftest import OpenCtx
from tests.factories import make_person

SAMPLES = Path(__file__).parent / "samples"
HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _run(open_ctx: OpenCtx, source: str | bytes, **options: object) -> imports.ImportSummary:
    found = SAMPLES / source if isinstance(source, str) else source
    with open_ctx() as ctx:
        return imports.run(ctx, found, ImportOptions(**options))  # type: ignore[arg-type]


def _linkedin(*rows: str) -> bytes:
    return HEADER + "".join(r + "\n" for r in rows).encode()


def _csv(*rows: str) -> bytes:
    return ("Name,Email,Phone,Organization,Title\n" + "".join(r + "\n" for r in rows)).encode()


def _show(open_ctx: OpenCtx, ref: str | int) -> people.PersonOut:
    with open_ctx(write=False) as ctx:
        return people.show(ctx, ref if isinstance(ref, int) else resolve.person_id(ctx, ref))


def _roles(open_ctx: OpenCtx, person_id: int) -> int:
    with open_ctx(write=False) as ctx:
        query = select(func.count()).select_from(Role).where(Role.person_id == person_id)
        return ctx.session.scalar(query) or 0


def _queue(open_ctx: OpenCtx, kind: str | None = None) -> review.ReviewPage:
    with open_ctx(write=False) as ctx:
        return review.listing(ctx, kind=kind)


def _known_ana(open_ctx: OpenCtx) -> int:
    with open_ctx() as ctx:
        return make_person(
            ctx, "Ana Lima", organization="Acme Robotics", title="CTO", emails=["ana@acme.example"]
        ).id


# --- matching by evidence -------------------------------------------------------------


def test_a_name_alone_is_a_proposal_that_changes_nothing(open_ctx: OpenCtx) -> None:
    ana = _known_ana(open_ctx)
    summary = _run(
        open_ctx, _linkedin("Ana,Lima,https://www.linkedin.com/in/other-ana,,Initech,Designer,")
    )
    assert (summary.created, summary.updated, summary.proposed) == (0, 0, 1)
    stored = _show(open_ctx, ana)
    assert (stored.organization, stored.title, stored.urls) == ("Acme Robotics", "CTO", [])
    assert _roles(open_ctx, ana) == 1
    with open_ctx(write=False) as ctx:
        assert agenda.build(ctx).entries == []  # no invented "new role"
    [proposal] = _queue(open_ctx).items
    assert (proposal.kind, proposal.person_id, proposal.name) == ("same-name", ana, "Ana Lima")
    assert "same name" in proposal.evidence
    assert [c.text for c in proposal.changes] == [
        "organization: Acme Robotics → Initech",
        "title: CTO → Designer",
        "how you met: (none) → LinkedIn",
        "link: + https://www.linkedin.com/in/other-ana",
    ]
    assert proposal.source.endswith("(linkedin), line 2")


def test_the_same_name_and_organization_is_still_only_a_proposal(open_ctx: OpenCtx) -> None:
    ana = _known_ana(open_ctx)
    summary = _run(open_ctx, _csv("Ana Lima,,,Acme Robotics,CEO"))
    assert (summary.updated, summary.proposed) == (0, 1)
    assert _show(open_ctx, ana).title == "CTO"
    [proposal] = _queue(open_ctx).items
    assert proposal.kind == "same-name-org"
    assert [c.text for c in proposal.changes] == ["title: CTO → CEO"]


def test_a_key_updates_and_starts_role_history(open_ctx: OpenCtx) -> None:
    ana = _known_ana(open_ctx)
    summary = _run(open_ctx, _csv("Ana Lima,ANA@acme.example,,Initech,Designer"))
    assert (summary.updated, summary.proposed, summary.role_changes) == (1, 0, 1)
    assert (_show(open_ctx, ana).organization, _show(open_ctx, ana).title) == (
        "Initech",
        "Designer",
    )
    assert _roles(open_ctx, ana) == 2
    assert _queue(open_ctx).total == 0


def test_a_name_alone_that_would_change_nothing_is_just_unchanged(open_ctx: OpenCtx) -> None:
    _known_ana(open_ctx)
    summary = _run(open_ctx, _csv("Ana Lima,,,Acme Robotics,CTO"))
    assert (summary.unchanged, summary.proposed, summary.created) == (1, 0, 0)
    assert _queue(open_ctx).total == 0


def test_rows_sharing_a_phone_under_different_names_stay_two_people(open_ctx: OpenCtx) -> None:
    summary = _run(
        open_ctx,
        _csv(
            "Ana Lima,,+351 21 000 0000,Acme,CTO",
            "Bruno Souza,,+351 21 000 0000,Acme,Engineer",
            "Ana Lima,ana@acme.example,+351 21 000 0000,,",
        ),
    )
    assert summary.created == 2  # Ana's second row is hers: same phone, same name
    assert any("lines 2 and 3 share the phone" in w for w in summary.warnings)
    assert _show(open_ctx, "Bruno Souza").phones == ["+351 21 000 0000"]
    assert _show(open_ctx, "Ana Lima").emails == ["ana@acme.example"]


def test_a_stored_phone_under_another_name_is_a_proposal(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        desk = make_person(ctx, "Reception Desk", phones=["+351 21 000 0000"]).id
    summary = _run(open_ctx, _csv("Bruno Souza,,+351 21 000 0000,Acme,Engineer"))
    assert (summary.created, summary.updated, summary.proposed) == (0, 0, 1)
    assert _show(open_ctx, desk).name == "Reception Desk"
    [proposal] = _queue(open_ctx).items
    assert proposal.kind == "shared-phone" and proposal.person_id == desk
    assert "+351 21 000 0000" in proposal.evidence and "Bruno Souza" in proposal.evidence


def test_importing_the_same_file_again_proposes_nothing_new(open_ctx: OpenCtx) -> None:
    _known_ana(open_ctx)
    row = _linkedin("Ana,Lima,https://www.linkedin.com/in/other-ana,,Initech,Designer,")
    assert _run(open_ctx, row).proposed == 1
    again = _run(open_ctx, row)
    assert (again.created, again.updated, again.proposed, again.unchanged) == (0, 0, 0, 1)
    assert _queue(open_ctx).total == 1
    with open_ctx(write=False) as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Proposal)) == 1


def test_a_newer_export_supersedes_the_proposal_an_older_one_left(open_ctx: OpenCtx) -> None:
    """Two LinkedIn exports a year apart, each matching Ana only by name: the queue
    holds the newer record alone, so accepting cannot bring back the older role."""
    _known_ana(open_ctx)
    older = _linkedin("Ana,Lima,https://www.linkedin.com/in/other-ana,,Globex,Designer,")
    assert _run(open_ctx, older).proposed == 1
    newer = _linkedin("Ana,Lima,https://www.linkedin.com/in/other-ana,,Initech,Head of Design,")
    assert _run(open_ctx, newer).proposed == 1
    waiting = _queue(open_ctx)
    assert waiting.total == 1 and waiting.items[0].source_name == "<data>"
    with open_ctx(write=False) as ctx:
        decided = ctx.session.execute(select(Proposal.decision).order_by(Proposal.id)).all()
    assert [d for (d,) in decided] == ["superseded", None]
    with open_ctx() as ctx:  # undoing the newer import puts the older record back
        journal.undo(ctx)
    assert [p.id for p in _queue(open_ctx).items] != [waiting.items[0].id]
    assert _queue(open_ctx).total == 1
    assert _run(open_ctx, newer).proposed == 1
    waiting = _queue(open_ctx)
    with open_ctx() as ctx:
        review.accept(ctx, [waiting.items[0].id])
    ana = _show(open_ctx, "Ana Lima")
    assert (ana.organization, ana.title) == ("Initech", "Head of Design")
    # once Ana has her profile, a namesake with another profile is someone else
    other = _linkedin("Ana,Lima,https://www.linkedin.com/in/third-ana,,Hooli,Engineer,")
    namesake = _run(open_ctx, other)
    assert (namesake.created, namesake.proposed) == (1, 0)


def test_a_newer_export_still_brings_keyed_role_changes_to_the_agenda(
    open_ctx: OpenCtx,
) -> None:
    _run(open_ctx, "linkedin-Connections.csv")
    newer = _run(open_ctx, "linkedin-Connections-newer.csv")
    assert (newer.updated, newer.role_changes, newer.proposed) == (3, 2, 0)
    with open_ctx(write=False) as ctx:
        texts = [r.text for e in agenda.build(ctx).entries for r in e.reasons]
    assert "new role: CEO at Acme Corp" in texts
    assert "new role: Director of Engineering at Hooli" in texts


# --- deciding ---------------------------------------------------------------------------


def _propose_two(open_ctx: OpenCtx) -> tuple[int, int]:
    ana = _known_ana(open_ctx)
    with open_ctx() as ctx:
        bruno = make_person(ctx, "Bruno Souza", organization="Globex").id
    _run(
        open_ctx,
        _csv("Ana Lima,ana@initech.example,,Initech,Designer", "Bruno Souza,,,Hooli,Director"),
    )
    return ana, bruno


def test_accepting_applies_the_record_and_writes_role_history_then(open_ctx: OpenCtx) -> None:
    ana, _ = _propose_two(open_ctx)
    first = _queue(open_ctx).items[0]
    with open_ctx() as ctx:
        outcome = review.accept(ctx, [first.id])
    assert (outcome.accepted, outcome.person_ids) == (1, [ana])
    stored = _show(open_ctx, ana)
    assert (stored.organization, stored.title) == ("Initech", "Designer")
    assert sorted(stored.emails) == ["ana@acme.example", "ana@initech.example"]
    assert [(r.organization, r.title) for r in stored.roles] == [
        ("Acme Robotics", "CTO"),
        ("Initech", "Designer"),
    ]
    assert _queue(open_ctx).total == 1
    with open_ctx() as ctx:
        journal.undo(ctx)
    stored = _show(open_ctx, ana)
    assert (stored.organization, stored.title, stored.emails) == (
        "Acme Robotics",
        "CTO",
        ["ana@acme.example"],
    )
    assert _roles(open_ctx, ana) == 1 and _queue(open_ctx).total == 2


def test_keeping_separate_adds_a_new_person_and_leaves_the_known_one(
    open_ctx: OpenCtx,
) -> None:
    ana, _ = _propose_two(open_ctx)
    first = _queue(open_ctx).items[0]
    with open_ctx() as ctx:
        outcome = review.separate(ctx, [first.id])
        assert outcome.separated == 1 and outcome.person_ids[0] != ana
        assert people.count(ctx) == 3
    new = _show(open_ctx, outcome.person_ids[0])
    assert (new.name, new.organization, new.emails) == (
        "Ana Lima",
        "Initech",
        ["ana@initech.example"],
    )
    assert _show(open_ctx, ana).organization == "Acme Robotics"
    with open_ctx() as ctx:
        journal.undo(ctx)
        assert people.count(ctx) == 2
    assert _queue(open_ctx).total == 2


def test_accept_all_and_keep_separate_all_of_one_kind(open_ctx: OpenCtx) -> None:
    ana, bruno = _propose_two(open_ctx)
    with open_ctx() as ctx:
        desk = make_person(ctx, "Reception Desk", phones=["+351 21 000 0000"]).id
    _run(open_ctx, _csv("Carla Dias,,+351 21 000 0000,Acme,Engineer"))
    assert _queue(open_ctx).kinds == {"same-name": 2, "shared-phone": 1}
    with open_ctx() as ctx:
        outcome = review.accept_all(ctx, "same-name")
    assert outcome.accepted == 2 and sorted(outcome.person_ids) == sorted([ana, bruno])
    assert _show(open_ctx, bruno).organization == "Hooli"
    with open_ctx() as ctx:
        kept = review.separate_all(ctx, "shared-phone")
    assert kept.separated == 1
    assert _show(open_ctx, "Carla Dias").phones == ["+351 21 000 0000"]
    assert _show(open_ctx, desk).name == "Reception Desk"
    assert _queue(open_ctx).total == 0


def test_a_proposal_whose_person_is_gone_is_dropped_with_a_word(open_ctx: OpenCtx) -> None:
    ana, _ = _propose_two(open_ctx)
    first = _queue(open_ctx).items[0]
    with open_ctx() as ctx:
        ctx.session.execute(delete(Person).where(Person.id == ana))  # as a merge does
    listed = _queue(open_ctx).items[0]
    assert listed.gone and listed.person_id is None and listed.person_name == "Ana Lima"
    with open_ctx() as ctx:
        outcome = review.accept(ctx, [first.id])
    assert outcome.accepted == 0
    assert "Ana Lima is no longer in your network" in outcome.dropped[0]
    assert _queue(open_ctx).total == 1


def test_a_wrong_number_or_kind_is_one_clear_sentence(open_ctx: OpenCtx) -> None:
    _propose_two(open_ctx)
    with open_ctx() as ctx, pytest.raises(NotFound, match="no proposal #999 waiting"):
        review.accept(ctx, [999])
    with open_ctx() as ctx, pytest.raises(Invalid, match="not a kind of proposal"):
        review.accept_all(ctx, "same-face")


def test_listing_pages_through_the_queue(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        for i in range(7):
            make_person(ctx, f"Person {i}")
    _run(open_ctx, _csv(*(f"Person {i},,,Org {i}," for i in range(7))))
    with open_ctx(write=False) as ctx:
        second = review.listing(ctx, page=2, per_page=3)
        assert review.waiting(ctx) == 7
    assert (second.total, second.pages) == (7, 3)
    assert [p.name for p in second.items] == ["Person 3", "Person 4", "Person 5"]


def test_a_key_claims_its_person_before_a_name_does(open_ctx: OpenCtx) -> None:
    """Two people of one name; the file names one by email on a later line. The row
    with only the name is proposed for the other, on every import of the file."""
    with open_ctx() as ctx:
        first = make_person(ctx, "Ana Lima", emails=["ana@acme.example"]).id
        second = make_person(ctx, "Ana Lima", organization="Globex").id
    export = _linkedin(
        "Ana,Lima,https://www.linkedin.com/in/ana-lima-2,,Initech,Designer,",
        "Ana,Lima,https://www.linkedin.com/in/ana-lima-1,ana@acme.example,Acme,CTO,",
    )
    summary = _run(open_ctx, export)
    assert (summary.updated, summary.proposed) == (1, 1)
    assert [p.person_id for p in _queue(open_ctx).items] == [second]
    assert _show(open_ctx, first).organization == "Acme"
    again = _run(open_ctx, export)
    assert (again.updated, again.proposed, again.unchanged) == (0, 0, 2)


def test_a_decided_proposal_is_not_made_again_by_the_same_file(open_ctx: OpenCtx) -> None:
    ana = _known_ana(open_ctx)
    row = _csv("Ana Lima,,,Initech,Designer")
    _run(open_ctx, row)
    with open_ctx() as ctx:
        [new] = review.separate(ctx, [review.listing(ctx).items[0].id]).person_ids
    again = _run(open_ctx, row)
    assert (again.created, again.updated, again.proposed) == (0, 0, 0)
    assert _queue(open_ctx).total == 0
    assert _show(open_ctx, ana).organization == "Acme Robotics"
    assert _show(open_ctx, new).organization == "Initech"
