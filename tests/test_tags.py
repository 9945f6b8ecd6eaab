"""Tags tended as a whole, on SQLite and PostgreSQL: listed with their counts,
renamed, merged (renaming to an existing name merges too) and deleted everywhere at
once; each is one undoable journal entry and search follows the new names."""

from __future__ import annotations

import pytest

from rapport.errors import Invalid, NotFound
from rapport.services import journal, people, search, tags
from tests.conftest import OpenCtx
from tests.factories import make_person


def _tags_of(open_ctx: OpenCtx, *ids: int) -> list[list[str]]:
    with open_ctx(write=False) as ctx:
        return [sorted(people.show(ctx, pid).tags) for pid in ids]


@pytest.fixture
def three(open_ctx: OpenCtx) -> tuple[int, int, int]:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", tags=["investor", "summit"]).id
        bruno = make_person(ctx, "Bruno Souza", tags=["Investors"]).id
        carla = make_person(ctx, "Carla Dias", tags=["investor"]).id
    return ana, bruno, carla


def test_listed_most_carried_first(open_ctx: OpenCtx, three: tuple[int, int, int]) -> None:
    with open_ctx(write=False) as ctx:
        listed = [(t.name, t.people) for t in tags.listing(ctx)]
    assert listed == [("investor", 2), ("Investors", 1), ("summit", 1)]


def test_renaming_into_an_existing_tag_merges_them_and_undo_splits_them_again(
    open_ctx: OpenCtx, three: tuple[int, int, int]
) -> None:
    ana, bruno, carla = three
    with open_ctx() as ctx:
        change = tags.rename(ctx, "#Investors", "investor")
    assert change.message == "merged #Investors into #investor: 1 person moved"
    assert change.tag is not None and change.tag.people == 3
    assert _tags_of(open_ctx, ana, bruno, carla) == [
        ["investor", "summit"],
        ["investor"],
        ["investor"],
    ]
    with open_ctx(write=False) as ctx:
        assert [t.name for t in tags.listing(ctx)] == ["investor", "summit"]
    with open_ctx() as ctx:
        journal.undo(ctx)
    assert _tags_of(open_ctx, ana, bruno, carla) == [
        ["investor", "summit"],
        ["Investors"],
        ["investor"],
    ]


def test_a_rename_reaches_everyone_and_search(
    open_ctx: OpenCtx, three: tuple[int, int, int]
) -> None:
    ana, _bruno, carla = three
    with open_ctx() as ctx:
        change = tags.rename(ctx, "investor", "angel investor")
    assert change.message == "renamed #investor to #angel investor on 2 people"
    assert _tags_of(open_ctx, ana, carla) == [["angel investor", "summit"], ["angel investor"]]
    with open_ctx(write=False) as ctx:
        found = {h.title for h in search.find(ctx, "angel") if h.kind == "person"}
    assert found == {"Ana Lima", "Carla Dias"}
    with open_ctx() as ctx:
        assert tags.rename(ctx, "angel investor", "Angel investor").people == 2  # spelling only


def test_deleting_takes_it_off_everyone_and_undo_puts_it_back(
    open_ctx: OpenCtx, three: tuple[int, int, int]
) -> None:
    ana, _bruno, carla = three
    with open_ctx() as ctx:
        change = tags.delete_tag(ctx, "investor")
    assert (change.message, change.tag) == ("deleted #investor from 2 people", None)
    assert _tags_of(open_ctx, ana, carla) == [["summit"], []]
    with open_ctx(write=False) as ctx:
        assert people.show(ctx, ana).name == "Ana Lima"  # the people stay
    with open_ctx() as ctx:
        journal.undo(ctx)
    assert _tags_of(open_ctx, ana, carla) == [["investor", "summit"], ["investor"]]


def test_bad_names_are_refused_and_change_nothing(
    open_ctx: OpenCtx, three: tuple[int, int, int]
) -> None:
    with open_ctx() as ctx:
        with pytest.raises(
            NotFound, match=r"no tag #nope \(tags: #investor, #Investors, #summit\)"
        ):
            tags.rename(ctx, "nope", "x")
        with pytest.raises(Invalid, match="name the tag"):
            tags.rename(ctx, "investor", "  # ")
        with pytest.raises(Invalid, match="at most 100"):
            tags.rename(ctx, "investor", "x" * 101)
        with pytest.raises(Invalid, match="same tag"):
            tags.merge(ctx, "investor", "INVESTOR")
    with open_ctx(write=False) as ctx:
        assert next((t.name, t.people) for t in tags.listing(ctx)) == ("investor", 2)
