"""The API reference as a page, drawn from the OpenAPI document (no Swagger UI: it
would load its scripts from a CDN)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rapport.web.templating import render

router = APIRouter()


def operations(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Operations grouped by tag, in the order the API declares them."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body: dict[str, Any] = op.get("requestBody", {}).get("content", {})
            first: dict[str, Any] = next(iter(body.values()), {})
            schema: dict[str, Any] = first.get("schema", {})
            groups.setdefault((op.get("tags") or ["other"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        (p["name"], p["in"], p.get("required", False))
                        for p in op.get("parameters", [])
                    ],
                    "body": schema.get("$ref", "").split("/")[-1] or ("form" if body else ""),
                }
            )
    return groups


@router.get("/docs/api")
def api_reference(request: Request) -> Response:
    spec = request.app.openapi()
    return render(
        request,
        "api.html",
        {"groups": operations(spec), "version": spec.get("info", {}).get("version")},
    )
