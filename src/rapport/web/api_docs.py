"""docs/api.md, generated from the OpenAPI document so it cannot drift:
`python -m rapport.web.api_docs > docs/api.md` (a test fails when it is stale)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

INTRO = """\
# The JSON API

Generated from the OpenAPI document by `python -m rapport.web.api_docs > docs/api.md`;
a test fails when this file is out of date. The running app serves the same document at
`/api/v1/openapi.json` and as a page at `/docs/api`.

## Authentication

Every route needs an API token (or, from the web app itself, the session cookie plus its
`X-CSRF-Token` header). Make a token in Settings, or:

```sh
rapport token create "my script"          # prints rpt_… once; stored only as a SHA-256 hash
curl -H "Authorization: Bearer rpt_…" http://localhost:8765/api/v1/agenda
rapport token revoke 3                    # it stops working at once
```

A missing, wrong or revoked token answers 401. Each token acts as its user, in that
user's workspace only: another workspace's ids answer 404, exactly like ids that do not
exist.

## Errors

Every error has one shape, with the HTTP status of its kind:

```json
{"error": {"type": "invalid", "message": "type: 'boss' is not one of: peer, …", "field": "type"}}
```

| status | type | when |
| --- | --- | --- |
| 400 | `bad_request` | a body that is not JSON, or not UTF-8 |
| 401 | `not_authenticated` | no token, a wrong or a revoked one |
| 403 | `csrf` | a cookie-authenticated write without its `X-CSRF-Token` |
| 404 | `not_found` | not in your workspace |
| 409 | `ambiguous` (with `candidates`), `conflict` | a name matching several people; a duplicate |
| 409 | `already_known` (`person_id`) | an email or phone already someone else's (`force` skips) |
| 409 | `contradicts` (with `field`) | well-formed, but against today, another field or the data |
| 422 | `invalid` (with `field`; `errors` lists every problem) | input the schema refuses |
| 405 | `method_not_allowed` (with an `Allow` header) | a method the path does not take |
| 422 | `import_failed` (with `line`) | a file that cannot be imported |
| 415 | `unknown_format` | an uploaded file in none of the formats Rapport reads |
| 429 | `rate_limited` | too many attempts |
| 409 | `secret_unreadable` | an account's password cannot be read: give it again |
| 502 | `sync_failed` | a mail or calendar server unreachable or refusing: why, in words |

A `contradicts` answer is for what no schema can say: the same body may be right on
another day or against other data. A snooze until today or earlier, a favour or a
conversation after today, an event ending before it starts, an introduction without three
different people, someone introducing themselves, thanking help you gave, the Excel form
of a non-CSV export, a mail server with no sender given or stored.

Unknown fields are refused (a typo is an error, not a silent no-op). No input makes the
API answer 500: a property test sends it random bodies, queries and ids on every route.

## Lists

Lists take `limit` (1–500, default 50) and `offset`, and answer
`{"items": […], "total": N, "limit": L, "offset": O}`. Dates are ISO 8601 strings
(`2026-11-23`, never a Unix time) in the years 1800–2200; times are ISO 8601
(`2026-11-23T09:30`, an offset optional: without one, your workspace's time zone). Closed
vocabularies (`kind`, `type`, `owner`, `status`…) take exactly the words the OpenAPI
document lists. `OPTIONS` on any path answers 204 with its `Allow` header.

## Examples

```sh
API=http://localhost:8765/api/v1; AUTH="Authorization: Bearer $RAPPORT_TOKEN"
curl -H "$AUTH" "$API/people?type=client&health=at-risk&sort=last-contact"
curl -H "$AUTH" -H "Content-Type: application/json" -X POST "$API/people" \\
     -d '{"full_name": "Ana Lima", "organization": "Acme", "types": ["client"]}'
curl -H "$AUTH" -H "Content-Type: application/json" -X POST "$API/interactions" \\
     -d '{"participant_ids": [12], "kind": "meeting", "summary": "Coffee: pilot scope"}'
curl -H "$AUTH" -H "Content-Type: application/json" -X POST "$API/agenda/done" -d '{"ref": "#12"}'
curl -H "$AUTH" -F file=@contacts.vcf "$API/imports"
curl -H "$AUTH" -F file=@crm.csv -F "map=Full Name=name" -F "map=Mail=email" \\
     -F dry_run=true "$API/imports"
curl -H "$AUTH" -F file=@calendar.ics -F me=you@home.example -F add_people=false "$API/imports"
curl -H "$AUTH" -o backup.json "$API/exports/backup"
```

## Endpoints
"""


def render(spec: dict[str, Any] | None = None) -> str:
    from rapport.web.pages.api_reference import operations

    if spec is None:
        spec = _spec()
    lines = [INTRO]
    for tag, ops in operations(spec).items():
        lines += [
            f"### {tag.capitalize()}",
            "",
            "| method | path | what it does |",
            "| --- | --- | --- |",
        ]
        for op in ops:
            what = (op["description"] or op["summary"]).split("\n\n")[0].replace("\n", " ")
            extras = []
            if op["parameters"]:
                names = [f"`{n}`" for n, where, _ in op["parameters"] if where == "query"]
                if names:
                    extras.append("query: " + ", ".join(names))
            if op["body"]:
                extras.append(f"body: `{op['body']}`")
            detail = f"{what}" + (f" ({'; '.join(extras)})" if extras else "")
            lines.append(f"| {op['method']} | `{op['path']}` | {detail.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _spec() -> dict[str, Any]:
    from rapport.settings import Settings
    from rapport.web.app import create_app

    # the document does not depend on the data: no database is opened
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Settings(database_url="sqlite://", data_dir=Path(scratch)))
        spec: dict[str, Any] = app.openapi()
    return spec


if __name__ == "__main__":
    print(render(), end="")
