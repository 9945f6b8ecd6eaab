"""No input yields a 500: random bodies, queries and ids against every API route
(the fields each route documents, filled with hostile values), on both backends."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_interaction, make_person
from tests.web.conftest import User, Web, all_routes

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=5),  # small ids, often real ones
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
    st.sampled_from(
        [
            "",
            "\x00",
            "2026-11-20",
            "2026-02-30",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31",
            "#1",
            "1",
            "client",
            "ana",
            "me",
            "them",
            "kept",
            "birthday",
            "{% if %}",
            "'; drop table person; --",
            "ﷺ" * 40,
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def _fields(spec: dict[str, Any], method: str, path: str) -> list[str]:
    op = spec["paths"].get(path, {}).get(method.lower(), {})
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if not schema:
        return []
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return sorted(schema.get("properties", {}))


def _queries(spec: dict[str, Any], method: str, path: str) -> list[str]:
    op = spec["paths"].get(path, {}).get(method.lower(), {})
    return [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]


@st.composite
def requests(draw: st.DrawFn, catalogue: list[tuple[str, str, list[str], list[str]]]) -> Any:
    method, path, fields, queries = draw(st.sampled_from(catalogue))
    url = re.sub(
        r"\{\w+\}",
        lambda _: str(draw(st.one_of(st.integers(-5, 5), st.integers(2**31 - 5, 2**64)))),
        path,
    )
    if "{kind}" in path:
        url = path.replace("{kind}", draw(st.sampled_from(["backup", "csv", "x", "%00", ".."])))
    params = (
        draw(st.dictionaries(st.sampled_from(queries), st.text(max_size=30), max_size=3))
        if queries
        else {}
    )
    body: Any = None
    if method in ("POST", "PATCH"):
        body = draw(
            st.one_of(
                st.fixed_dictionaries({}, optional=dict.fromkeys(fields, json_values)),
                json_values,
            )
        )
    return method, url, params, body


def test_no_input_yields_a_500(web: Web, ana: User) -> None:
    with web.open(ana) as ctx:
        pid = make_person(ctx, "Ana Lima", types=["client"], met_on=ctx.today.replace(year=2025)).id
        make_person(ctx, "Ana Souza")
        make_interaction(ctx, [pid])
    spec = ana.client.get("/api/v1/openapi.json").json()
    catalogue = [
        (m, p, _fields(spec, m, p), _queries(spec, m, p))
        for m, p in all_routes(web.app.routes)
        if p.startswith("/api/v1/") and m != "HEAD" and p != "/api/v1/imports"
    ]
    assert len(catalogue) > 40

    @settings(
        max_examples=250,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(requests(catalogue))
    def check(request: Any) -> None:
        method, url, params, body = request
        content = None if body is None else json.dumps(body, allow_nan=True).encode()
        response = ana.client.request(
            method,
            url,
            params=params,
            content=content,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code < 500, (method, url, params, body, response.text)
        if response.status_code >= 400:
            error = response.json()["error"]
            assert error["type"] and error["message"], response.text

    check()


def test_uploads_never_yield_a_500(ana: User) -> None:
    @settings(max_examples=25, deadline=None)
    @given(st.binary(max_size=300), st.sampled_from(["", "vcard", "linkedin", "ics", "x"]))
    def check(data: bytes, fmt: str) -> None:
        response = ana.client.post(
            "/api/v1/imports", files={"file": ("f", data)}, data={"format": fmt}
        )
        assert response.status_code < 500, (data, fmt, response.text)

    check()
