"""The MCP server: the tools of `tools`, two documents (a person, today's agenda) and
two prompts, on the SDK's low-level server so that every answer and every error is
Rapport's own (one sentence, as the CLI and the API say it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import mcp.types as t
from mcp.server import Server, ServerRequestContext
from pydantic import TypeAdapter

from rapport import __version__
from rapport.errors import Invalid, RapportError
from rapport.services import agenda, brief, profile, resolve
from rapport.web.mcp.tools import BY_NAME, INTERFACE, TOOLS, WHOLE, Scope

ScopeOf = Callable[[ServerRequestContext[Any, Any]], Scope]
AGENDA_URI = "rapport://agenda/today"
PERSON_URI = "rapport://people/{person}"
INSTRUCTIONS = (
    "Rapport is the user's professional relationship manager: the people they know, "
    "their conversations, promises both ways, favours and today's agenda. Name people by "
    "name, email address or #id. Writes can be undone by the user with `rapport undo`."
)


def _json(value: Any) -> str:
    return json.dumps(TypeAdapter(Any).dump_python(value, mode="json"), ensure_ascii=False)


def _person_document(scope: Scope, ref: str) -> str:
    with scope.read() as ctx:
        found = profile.profile(ctx, resolve.person_id(ctx, ref))
        return _json({"profile": found, "brief": brief.of_profile(ctx, found)})


def _agenda_document(scope: Scope) -> str:
    with scope.write() as ctx:
        return _json(agenda.show(ctx, INTERFACE))


PROMPTS = (
    t.Prompt(
        name="prepare_meeting",
        title="Prepare me for a meeting with …",
        description="A brief of the person and what to raise with them.",
        arguments=[
            t.PromptArgument(name="person", description="A name, email or #id", required=True)
        ],
    ),
    t.Prompt(
        name="weekly_review",
        title="Weekly relationship review",
        description="Who needs attention this week, promises due, thanks owed.",
        arguments=[],
    ),
)


def _prompt(scope: Scope, name: str, arguments: dict[str, str]) -> t.GetPromptResult:
    if name == "prepare_meeting":
        person = (arguments.get("person") or "").strip()
        if not person:
            raise _Refused("Say whom the meeting is with (the argument person).")
        text = (
            f"Prepare me for my meeting with {person}. Here is what Rapport knows about "
            "them (profile and brief, as JSON). Summarise in a few lines: who they are, "
            "how we met, what we last talked about, the promises open both ways (mine "
            "first), dates coming up, and three things to raise. Offer to log the meeting "
            "afterwards with the log_interaction tool.\n\n" + _person_document(scope, person)
        )
    elif name == "weekly_review":
        text = (
            "Review my relationships for the week ahead. Here is today's agenda from "
            "Rapport (as JSON). Group it: people overdue for a check-in, promises due or "
            "broken, thanks owed, dates to mark. For each, say in one line what to do, and "
            "offer a draft with the draft_message tool (by the entry's number).\n\n"
            + _agenda_document(scope)
        )
    else:
        raise _Refused(f"There is no prompt named {name!r}.")
    return t.GetPromptResult(
        description=next(p.description for p in PROMPTS if p.name == name),
        messages=[t.PromptMessage(role="user", content=t.TextContent(type="text", text=text))],
    )


class _Refused(Exception):
    """A request Rapport answers with one sentence."""


def _sentence(exc: RapportError) -> str:
    """The error as one sentence: "kind: input should be …." names the argument as the
    assistant sent it; any other begins with a capital."""
    if isinstance(exc, Invalid) and exc.field == WHOLE:
        text = exc.reason
    else:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if not isinstance(exc, Invalid) or exc.field == WHOLE:
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def build(scope_of: ScopeOf) -> Server[Any]:
    """The server; `scope_of` tells, per request, which workspace it may touch."""

    async def list_tools(
        ctx: ServerRequestContext[Any, Any], params: t.PaginatedRequestParams | None
    ) -> t.ListToolsResult:
        return t.ListToolsResult(
            tools=[
                t.Tool(
                    name=tool.name,
                    description=tool.description,
                    input_schema=tool.schema(),
                    annotations=t.ToolAnnotations(read_only_hint=not tool.writes),
                )
                for tool in TOOLS
            ]
        )

    async def call_tool(
        ctx: ServerRequestContext[Any, Any], params: t.CallToolRequestParams
    ) -> t.CallToolResult:
        tool = BY_NAME.get(params.name)
        if tool is None:
            return _error(f"There is no tool named {params.name!r}.")
        scope = scope_of(ctx)
        try:
            answer = await anyio.to_thread.run_sync(tool.call, scope, dict(params.arguments or {}))
        except RapportError as exc:
            return _error(_sentence(exc))
        return t.CallToolResult(
            content=[t.TextContent(type="text", text=json.dumps(answer, ensure_ascii=False))],
            structured_content=answer if isinstance(answer, dict) else None,
        )

    async def list_resources(
        ctx: ServerRequestContext[Any, Any], params: t.PaginatedRequestParams | None
    ) -> t.ListResourcesResult:
        return t.ListResourcesResult(
            resources=[
                t.Resource(
                    name="agenda",
                    title="Today's agenda",
                    uri=AGENDA_URI,
                    mime_type="application/json",
                    description="Whom to reach out to today and why, most important first.",
                )
            ]
        )

    async def list_templates(
        ctx: ServerRequestContext[Any, Any], params: t.PaginatedRequestParams | None
    ) -> t.ListResourceTemplatesResult:
        return t.ListResourceTemplatesResult(
            resource_templates=[
                t.ResourceTemplate(
                    name="person",
                    title="A person",
                    uri_template=PERSON_URI,
                    mime_type="application/json",
                    description="Everything about a person (their profile) and the brief "
                    "before meeting them; {person} is an id, a name or an email address.",
                )
            ]
        )

    async def read_resource(
        ctx: ServerRequestContext[Any, Any], params: t.ReadResourceRequestParams
    ) -> t.ReadResourceResult:
        uri = str(params.uri)
        scope = scope_of(ctx)
        prefix = PERSON_URI.removesuffix("{person}")
        try:
            if uri == AGENDA_URI:
                text = await anyio.to_thread.run_sync(_agenda_document, scope)
            elif uri.startswith(prefix) and len(uri) > len(prefix):
                from urllib.parse import unquote

                ref = unquote(uri[len(prefix) :])
                ref = "#" + ref if ref.isdigit() else ref
                text = await anyio.to_thread.run_sync(_person_document, scope, ref)
            else:
                raise _Refused(f"Rapport has no document at {uri}.")
        except RapportError as exc:
            raise _protocol_error(_sentence(exc)) from None
        except _Refused as exc:
            raise _protocol_error(str(exc)) from None
        return t.ReadResourceResult(
            contents=[t.TextResourceContents(uri=uri, mime_type="application/json", text=text)]
        )

    async def list_prompts(
        ctx: ServerRequestContext[Any, Any], params: t.PaginatedRequestParams | None
    ) -> t.ListPromptsResult:
        return t.ListPromptsResult(prompts=list(PROMPTS))

    async def get_prompt(
        ctx: ServerRequestContext[Any, Any], params: t.GetPromptRequestParams
    ) -> t.GetPromptResult:
        scope = scope_of(ctx)
        try:
            return await anyio.to_thread.run_sync(
                _prompt, scope, params.name, dict(params.arguments or {})
            )
        except RapportError as exc:
            raise _protocol_error(_sentence(exc)) from None
        except _Refused as exc:
            raise _protocol_error(str(exc)) from None

    return Server(
        "rapport",
        version=__version__,
        title="Rapport",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_list_resource_templates=list_templates,
        on_read_resource=read_resource,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
    )


def _error(message: str) -> t.CallToolResult:
    return t.CallToolResult(content=[t.TextContent(type="text", text=message)], is_error=True)


def _protocol_error(message: str) -> Exception:
    from mcp.shared.exceptions import MCPError

    return MCPError(code=t.INVALID_PARAMS, message=message)


async def run_stdio(scope: Scope) -> None:
    """Serve one assistant over this process's stdin and stdout until it hangs up."""
    from mcp.server.stdio import stdio_server

    server = build(lambda _: scope)
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
