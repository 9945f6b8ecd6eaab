from __future__ import annotations

import pytest

from rapport.errors import Ambiguous, Invalid, NotFound
from rapport.services import people, resolve
from tests.factories import make_person


def test_people_found_by_id_email_name_and_prefix(ctx) -> None:
    ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    jose = make_person(ctx, "José Núñez")
    assert resolve.person_id(ctx, f"#{ana.id}") == ana.id
    assert resolve.person_id(ctx, str(ana.id)) == ana.id
    assert resolve.person_id(ctx, "ANA@acme.com") == ana.id
    assert resolve.person_id(ctx, "ana lima") == ana.id
    assert resolve.person_id(ctx, "Li") == ana.id  # prefix of the family name
    assert resolve.person_id(ctx, "jose nun") == jose.id  # accents are optional


def test_an_ambiguous_prefix_lists_the_candidates(ctx) -> None:
    make_person(ctx, "Ana Lima", organization="Acme")
    make_person(ctx, "Ana Souza")
    with pytest.raises(Ambiguous) as caught:
        resolve.person_id(ctx, "ana")
    message = str(caught.value)
    assert "2 people" in message and "Ana Lima" in message and "Acme" in message
    assert "Ana Souza" in message


def test_an_exact_name_wins_over_longer_names(ctx) -> None:
    short = make_person(ctx, "Ana Lima")
    make_person(ctx, "Ana Lima Barros")
    assert resolve.person_id(ctx, "Ana Lima") == short.id


def test_active_people_are_preferred_over_archived(ctx) -> None:
    old = make_person(ctx, "Ana Lima")
    people.archive(ctx, old.id)
    new = make_person(ctx, "Ana Souza")
    assert resolve.person_id(ctx, "ana") == new.id


def test_nobody_matching_is_a_clear_not_found(ctx) -> None:
    with pytest.raises(NotFound, match="no person matches 'Zed'"):
        resolve.person_id(ctx, "Zed")
    with pytest.raises(NotFound, match="id 99"):
        resolve.person_id(ctx, "#99")


def test_like_wildcards_are_taken_literally(ctx) -> None:
    make_person(ctx, "Ana Lima")
    with pytest.raises(NotFound):
        resolve.person_id(ctx, "%")
    with pytest.raises(NotFound):
        resolve.person_id(ctx, "_na")


@pytest.mark.parametrize("ref", ["٣", "#٣", "²", "１"])
def test_only_the_digits_0_to_9_are_an_id(ctx, ref: str) -> None:
    for name in ("Ana Lima", "Bruno Souza", "Carla Dias"):
        make_person(ctx, name)
    with pytest.raises(Invalid) as caught:
        resolve.person_id(ctx, ref)
    assert caught.value.field == "person" and "0-9" in caught.value.reason
    with pytest.raises(Invalid):
        resolve.event_id(ctx, ref)
