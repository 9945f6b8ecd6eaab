"""The OpenAPI document declares what the server enforces, and the server enforces
what it declares: lists are lists, closed vocabularies are enumerations, dates are ISO
strings in the server's years, a body that is not JSON is a 400 in the envelope, and
every path answers OPTIONS and wrong methods with its whole `Allow`."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rapport.domain.vocabulary import (
    Channel,
    CommitmentStatus,
    Direction,
    ExchangeDirection,
    ExchangeKind,
    InteractionKind,
    MentorRole,
    Owner,
    RelationshipType,
)
from rapport.services import bulk_edit
from rapport.web.api import wire
from tests.factories import make_person
from tests.web.conftest import User, Web, all_routes

LISTS = ("emails", "phones", "urls", "tags", "types")


@pytest.fixture
def spec(ana: User) -> dict[str, Any]:
    document: dict[str, Any] = ana.client.get("/api/v1/openapi.json").json()
    return document


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def _property(spec: dict[str, Any], model: str, name: str) -> dict[str, Any]:
    return _resolve(spec, spec["components"]["schemas"][model]["properties"][name])


def _enum(spec: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    schema = _resolve(spec, schema)
    for option in schema.get("anyOf", [schema]):
        option = _resolve(spec, option)
        if "enum" in option:
            return list(option["enum"])
    raise AssertionError(f"no enumeration in {schema}")


@pytest.mark.parametrize("field", LISTS)
def test_a_null_list_is_refused_on_add_and_change(web: Web, ana: User, field: str) -> None:
    added = ana.client.post("/api/v1/people", json={"full_name": "Ana Lima", field: None})
    assert added.status_code == 422, added.text
    assert added.json()["error"]["field"] == field
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Bruno Souza", tags=["x"], types=["client"]).id
    changed = ana.client.patch(f"/api/v1/people/{pid}", json={field: None})
    assert changed.status_code == 422, changed.text
    assert changed.json()["error"]["field"] == field
    cleared = ana.client.patch(f"/api/v1/people/{pid}", json={field: []})
    assert cleared.status_code == 200, cleared.text


def test_the_lists_are_declared_not_nullable(spec: dict[str, Any]) -> None:
    for model in ("PersonIn", "PersonPatchIn"):
        for field in LISTS:
            schema = spec["components"]["schemas"][model]["properties"][field]
            assert schema["type"] == "array", (model, field, schema)


@pytest.mark.parametrize(
    ("model", "field", "vocabulary"),
    [
        ("InteractionIn", "kind", InteractionKind),
        ("InteractionIn", "direction", Direction),
        ("InteractionIn", "channel", Channel),
        ("PromiseIn", "owner", Owner),
        ("PromiseResolve", "status", CommitmentStatus),
        ("FavourIn", "direction", ExchangeDirection),
        ("FavourIn", "kind", ExchangeKind),
        ("MentorshipIn", "their_role", MentorRole),
        ("PersonIn", "preferred_channel", Channel),
    ],
)
def test_vocabularies_are_enumerations(
    spec: dict[str, Any], model: str, field: str, vocabulary: Any
) -> None:
    assert _enum(spec, _property(spec, model, field)) == [m.value for m in vocabulary]


def test_person_types_and_bulk_actions_are_enumerations(spec: dict[str, Any]) -> None:
    types = _property(spec, "PersonIn", "types")["items"]
    assert _enum(spec, types) == [m.value for m in RelationshipType]
    assert _enum(spec, _property(spec, "BulkIn", "action")) == list(bulk_edit.ACTIONS)


def test_query_choices_are_enumerations(spec: dict[str, Any]) -> None:
    def query(path: str, name: str) -> dict[str, Any]:
        params = spec["paths"][path]["get"]["parameters"]
        found: dict[str, Any] = next(p["schema"] for p in params if p["name"] == name)
        return found

    assert _enum(spec, query("/api/v1/promises", "owner")) == ["me", "them"]
    assert "all" in _enum(spec, query("/api/v1/promises", "status"))
    assert _enum(spec, query("/api/v1/people", "sort")) == ["name", "last-contact", "added"]
    assert _enum(spec, query("/api/v1/people", "type")) == [m.value for m in RelationshipType]


def test_the_server_takes_exactly_the_words_it_lists(ana: User, web: Web) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx).id
    for kind in ("coffee", "Meeting", "MEETING"):  # aliases belong to the CLI, not the API
        refused = ana.client.post(
            "/api/v1/interactions", json={"participant_ids": [pid], "kind": kind}
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == "kind"
    taken = ana.client.post("/api/v1/interactions", json={"participant_ids": [pid], "kind": "call"})
    assert taken.status_code == 201, taken.text


@pytest.mark.parametrize(
    "value",
    ["0", "1700000000", "20261120", "2026-11-20T00:00", "1799-12-31", "2201-01-01", "2026-02-29"],
)
def test_dates_are_iso_days_in_the_servers_years(ana: User, value: str) -> None:
    response = ana.client.get("/api/v1/agenda", params={"date": value})
    assert response.status_code == 422, (value, response.text)
    assert response.json()["error"]["field"] == "date"


def test_dates_are_declared_with_their_range(ana: User, spec: dict[str, Any]) -> None:
    params = spec["paths"]["/api/v1/agenda"]["get"]["parameters"]
    date = next(p for p in params if p["name"] == "date")["schema"]
    day = next(o for o in date["anyOf"] if o.get("type") == "string")
    assert day["format"] == "date"
    assert day["pattern"] == wire.DAY
    assert re.match(day["pattern"], "1800-01-01")
    assert re.match(day["pattern"], "2200-12-31")
    assert not re.match(day["pattern"], "2201-01-01")
    assert ana.client.get("/api/v1/agenda", params={"date": "2024-02-29"}).status_code == 200


def test_cross_field_rules_are_declared(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["AttendeeIn"]["anyOf"]
    assert schemas["IntroductionIn"]["anyOf"]
    # a real day, a label, a year, and not both replace and another (a second birthday)
    assert len(schemas["MilestoneIn"]["allOf"]) == 4
    assert schemas["FeedbackIn"]["anyOf"]
    assert len(schemas["BulkIn"]["anyOf"]) == 6  # what each kind of action needs


@pytest.mark.parametrize(
    "body", [b'{"full_name": "Ana",', b"\xff\xfe\x00junk", b"\xc3\x28", b"not json"]
)
def test_a_body_that_is_not_utf8_json_is_a_400_in_the_envelope(ana: User, body: bytes) -> None:
    response = ana.client.post(
        "/api/v1/people", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "bad_request"
    assert error["message"]


def test_the_400_is_declared_on_every_operation(spec: dict[str, Any]) -> None:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], (method, path)


def _declared_methods(spec: dict[str, Any], path: str) -> set[str]:
    return {m.upper() for m in spec["paths"][path]}


def test_options_answers_every_api_path_with_its_whole_allow(
    web: Web, ana: User, spec: dict[str, Any]
) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx).id
    for path in spec["paths"]:
        if not path.startswith("/api/v1/"):
            continue
        url = path.replace("{kind}", "csv")
        url = re.sub(r"\{\w+\}", str(pid), url)
        response = ana.client.options(url)
        assert response.status_code == 204, (url, response.status_code, response.text)
        allowed = {m.strip() for m in response.headers["allow"].split(",")}
        assert allowed - {"HEAD", "OPTIONS"} == _declared_methods(spec, path), url


def test_a_wrong_method_is_a_405_with_the_whole_allow(ana: User) -> None:
    response = ana.client.put("/api/v1/people")
    assert response.status_code == 405
    assert response.json()["error"]["type"] == "method_not_allowed"
    assert {m.strip() for m in response.headers["allow"].split(",")} == {"GET", "POST", "OPTIONS"}


def test_patch_on_bulk_is_a_405_not_a_person_id(ana: User) -> None:
    response = ana.client.patch("/api/v1/people/bulk", json={"action": "tag"})
    assert response.status_code == 405, response.text
    assert {m.strip() for m in response.headers["allow"].split(",")} == {"POST", "OPTIONS"}


def test_every_route_is_in_the_allow_of_its_path(web: Web, ana: User) -> None:
    """Allow is built from the router: each (method, path) pair is in it."""
    for method, path in all_routes(web.app.routes):
        if not path.startswith("/api/v1/") or "{" not in path:
            continue
        url = re.sub(r"\{\w+\}", "1", path).replace("/exports/1", "/exports/csv")
        allow = ana.client.options(url).headers.get("allow", "")
        assert method in allow, (method, path, allow)


def test_every_bound_is_json_schema(spec: dict[str, Any]) -> None:
    """pydantic writes a bound it cannot place as a raw `ge`/`le`, which JSON Schema
    ignores: the document would promise 0 is a fine id."""

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            assert not {"ge", "le", "gt", "lt"} & set(node), where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(spec, "")
