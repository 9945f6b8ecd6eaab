"""The Model Context Protocol server: Rapport's tools, documents and prompts for AI
assistants, over stdio (`rapport mcp`) and streamable HTTP (`/mcp` in `rapport serve`).

A thin shell like the API: its tools take the API's input models, call the same
services in the same write contexts (so `rapport undo` takes their writes back) and
answer what the API answers. The `mcp` SDK is imported by `server` and `http` only,
which nothing imports before the command or the server starts."""
