"""The MCP server, driven by the SDK's own client: over stdio (`python -m rapport mcp`
in its own process) and over streamable HTTP (`/mcp` on a live uvicorn server). An
assistant prepares a brief, logs a coffee with two people and adds a promise; the CLI,
the web and the API then show the same facts, and `rapport undo` takes writes back."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from tests.cli_runner import Cli
from tests.conftest import TODAY
from tests.factories import make_person
from tests.web.conftest import User, Web

TOOLS = {
    "search",
    "person_brief",
    "todays_agenda",
    "log_interaction",
    "add_promise",
    "mark_promise_kept",
    "record_favour",
    "add_person",
    "draft_message",
    "path_to_person",
}


def answer(result: Any) -> Any:
    """A tool's answer, which must not be an error."""
    assert not result.is_error, result.content[0].text
    return json.loads(result.content[0].text)


def refusal(result: Any) -> str:
    """A tool's error: one sentence."""
    assert result.is_error
    text: str = result.content[0].text
    assert "\n" not in text and text.endswith("."), text
    return text


def run(session: Callable[[Client], Awaitable[Any]], client: Callable[[], Client]) -> Any:
    async def main() -> Any:
        async with client() as c:
            return await session(c)

    return anyio.run(main)


# --- stdio -------------------------------------------------------------------------


def stdio(database_url: str, data_dir: Path, *args: str) -> Client:
    env = {
        "RAPPORT_DATABASE_URL": database_url,
        "RAPPORT_DATA_DIR": str(data_dir),
        "RAPPORT_TODAY": TODAY.isoformat(),
        "RAPPORT_WARM": "0",
        "TZ": "UTC",
    }
    return Client(
        StdioServerParameters(command=sys.executable, args=["-m", "rapport", "mcp", *args], env=env)
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_assistant_prepares_a_brief_logs_a_coffee_and_adds_a_promise(
    web: Web, ana: User, database_url: str, tmp_path: Path
) -> None:
    with web.open(ana) as ctx:
        joana = make_person(ctx, "Joana Reis", organization="Acme").id
        mark = make_person(ctx, "Mark Chen").id

    async def session(c: Client) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        listed = await c.list_tools()
        assert {t.name for t in listed.tools} == TOOLS
        assert all(t.input_schema["type"] == "object" for t in listed.tools)
        brief = answer(await c.call_tool("person_brief", {"person": "Joana"}))
        assert brief["person"]["name"] == "Joana Reis"
        assert brief["recent"] == []
        logged = answer(
            await c.call_tool(
                "log_interaction",
                {"people": ["Joana Reis", "mark"], "kind": "meal", "summary": "Coffee at Tati"},
            )
        )
        assert set(logged["participant_ids"]) == {joana, mark}
        promise = answer(
            await c.call_tool(
                "add_promise",
                {
                    "person": "Joana",
                    "description": "Send her the deck",
                    "due_on": TODAY.isoformat(),
                },
            )
        )
        assert promise["owner"] == "me"
        # a write, then a read: the brief has both
        again = answer(await c.call_tool("person_brief", {"person_id": joana}))
        assert [i["summary"] for i in again["recent"]] == ["Coffee at Tati"]
        assert [p["description"] for p in again["my_promises"]] == ["Send her the deck"]
        # invalid calls: one sentence each, nothing written
        seen["kind"] = refusal(
            await c.call_tool("log_interaction", {"people": ["Joana"], "kind": "coffee"})
        )
        seen["nobody"] = refusal(await c.call_tool("person_brief", {"person": "Nobody"}))
        seen["who"] = refusal(await c.call_tool("add_promise", {"description": "x"}))
        seen["extra"] = refusal(await c.call_tool("search", {"query": "x", "colour": "red"}))
        seen["tool"] = refusal(await c.call_tool("fly", {}))
        # every other tool
        found = answer(await c.call_tool("search", {"query": "Joana"}))
        assert found["results"][0]["title"] == "Joana Reis"
        today = answer(await c.call_tool("todays_agenda", {}))
        assert today["day"] == TODAY.isoformat()
        assert today["entries"][0]["person"] == "Joana Reis"  # the promise due today
        favour = answer(
            await c.call_tool(
                "record_favour",
                {"person": "Mark Chen", "direction": "received", "kind": "introduction"},
            )
        )
        assert favour["direction"] == "received"
        added = answer(await c.call_tool("add_person", {"full_name": "Li Wei"}))
        assert added["name"] == "Li Wei"
        draft = answer(await c.call_tool("draft_message", {"ref": "1"}))
        assert draft["person"] == "Joana Reis" and draft["body"]
        paths = answer(await c.call_tool("path_to_person", {"person": "Joana"}))
        assert "paths" in paths
        kept = answer(await c.call_tool("mark_promise_kept", {"promise_id": promise["id"]}))
        assert kept["status"] == "kept"
        # documents and prompts
        document = await c.read_resource(f"rapport://people/{joana}")
        body = json.loads(document.contents[0].text)
        assert body["brief"]["person"]["id"] == joana
        assert body["profile"]["person"]["name"] == "Joana Reis"
        agenda = await c.read_resource("rapport://agenda/today")
        assert json.loads(agenda.contents[0].text)["day"] == TODAY.isoformat()
        prompts = {p.name for p in (await c.list_prompts()).prompts}
        assert prompts == {"prepare_meeting", "weekly_review"}
        prepared = await c.get_prompt("prepare_meeting", {"person": "Joana"})
        assert "Coffee at Tati" in prepared.messages[0].content.text
        weekly = await c.get_prompt("weekly_review", {})
        assert "agenda" in weekly.messages[0].content.text
        with pytest.raises(MCPError, match=r"^No person matches .Nobody.\.$"):
            await c.read_resource("rapport://people/Nobody")
        return seen

    seen = run(session, lambda: stdio(database_url, tmp_path))
    assert seen["kind"].startswith("kind: input should be 'meeting'"), seen["kind"]
    assert seen["nobody"] == "No person matches 'Nobody'.", seen["nobody"]
    assert seen["who"].startswith("Say who: give person"), seen["who"]
    assert seen["extra"] == "colour: extra inputs are not permitted.", seen["extra"]
    assert seen["tool"] == "There is no tool named 'fly'."

    # the same facts on the command line…
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    promises = cli("promises", "list", "--all", "--json").json()
    assert [(p["description"], p["status"]) for p in promises] == [("Send her the deck", "kept")]
    history = [e["summary"] for e in cli("history", "--json").json()]
    assert "Logged a meal: Coffee at Tati" in history
    # …and on the web (Ana's account owns this network)
    page = web.browser(ana).get(f"/people/{joana}")
    assert "Coffee at Tati" in page.text and "Send her the deck" in page.text
    # the assistant's writes are the user's to undo: the promise kept, then open again
    cli("undo")
    reopened = cli("promises", "list", "--json").json()
    assert [p["description"] for p in reopened] == ["Send her the deck"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_rapport_mcp_with_a_token_acts_in_its_network(
    web: Web, ana: User, bruno: User, database_url: str, tmp_path: Path
) -> None:
    with web.open(ana) as ctx:
        make_person(ctx, "Joana Reis")

    async def names(c: Client) -> list[str]:
        found = answer(await c.call_tool("search", {"query": "Joana"}))
        return [r["title"] for r in found["results"]]

    assert run(names, lambda: stdio(database_url, tmp_path)) == ["Joana Reis"]
    assert run(names, lambda: stdio(database_url, tmp_path, "--token", ana.token)) == ["Joana Reis"]
    assert run(names, lambda: stdio(database_url, tmp_path, "--token", bruno.token)) == []
    wrong = Cli(database_url, TODAY.isoformat(), str(tmp_path))("mcp", "--token", "rpt_x", ok=False)
    assert wrong.exit_code == 1
    assert "API token is wrong or revoked" in wrong.stderr


# --- streamable HTTP ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live(web: Web) -> Iterator[str]:
    """The app served by uvicorn (with its lifespan, which starts the MCP server)."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(10)


def over_http(url: str, token: str) -> Callable[[], Client]:
    def client() -> Client:
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
        return Client(streamable_http_client(url, http_client=http))

    return client


def test_mcp_over_http_is_scoped_to_the_tokens_network(web: Web, ana: User, bruno: User) -> None:
    with web.open(ana) as ctx:
        joana = make_person(ctx, "Joana Reis", emails=["joana@acme.com"]).id

    with live(web) as url:

        async def anas(c: Client) -> dict[str, Any]:
            listed = (await c.list_tools()).tools
            assert {t.name for t in listed} == TOOLS
            # the 600 time zones are not listed in the schema, yet still checked
            assert max(len(json.dumps(t.input_schema)) for t in listed) < 10_000
            zone = refusal(
                await c.call_tool("add_person", {"full_name": "X", "timezone": "Mars/Base"})
            )
            assert zone.startswith("timezone: "), zone
            brief = answer(await c.call_tool("person_brief", {"person_id": joana}))
            logged = answer(
                await c.call_tool(
                    "log_interaction", {"participant_ids": [joana], "summary": "Coffee"}
                )
            )
            refused = refusal(
                await c.call_tool(
                    "add_person", {"full_name": "J. Reis", "emails": ["joana@acme.com"]}
                )
            )
            similar = answer(await c.call_tool("add_person", {"full_name": "Joana Reis"}))
            after = answer(await c.call_tool("search", {"query": "Coffee"}))
            assert brief["recent"] == []
            return {
                "brief": answer(await c.call_tool("person_brief", {"person_id": joana})),
                "logged": logged,
                "refused": refused,
                "similar": similar,
                "after": after,
            }

        got = run(anas, over_http(url, ana.token))

        async def brunos(c: Client) -> dict[str, Any]:
            return {
                "search": answer(await c.call_tool("search", {"query": "Joana"})),
                "brief": refusal(await c.call_tool("person_brief", {"person_id": joana})),
                "log": refusal(await c.call_tool("log_interaction", {"participant_ids": [joana]})),
            }

        other = run(brunos, over_http(url, bruno.token))

        with httpx2.Client(timeout=10) as plain:
            hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
            for headers in (
                {},
                {"Authorization": "Bearer rpt_wrong"},
                {"Authorization": "Basic eDp5"},
            ):
                response = plain.post(url, json=hello, headers=headers)
                assert response.status_code == 401, headers
                assert response.headers["www-authenticate"] == "Bearer"
                assert response.json()["error"]["type"] == "not_authenticated"

    # the MCP answers are the API's
    assert got["brief"] == ana.client.get(f"/api/v1/people/{joana}/brief").json()
    logged = ana.client.get(f"/api/v1/interactions/{got['logged']['id']}").json()
    assert got["logged"] == logged
    assert "already Joana Reis's" in got["refused"] and f"#{joana}" in got["refused"]
    assert [s["person"]["id"] for s in got["similar"]["similar"]] == [joana]
    assert [r["kind"] for r in got["after"]["results"]] == ["interaction"]
    # another workspace's token sees nothing of Ana's and cannot touch it
    assert other["search"]["results"] == []
    assert other["brief"] == f"No person with id {joana}."
    assert other["log"] == f"No person with id {joana}."
    with web.open(ana, write=False) as ctx:
        from rapport.services import listings

        _, total = listings.interactions_page(ctx, person_id=joana, limit=10, offset=0)
    assert total == 1
