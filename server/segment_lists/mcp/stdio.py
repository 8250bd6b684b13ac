"""The stdio transport, with an answer for every line.

The SDK's stdio reader turns a line it cannot parse into an exception on the read stream, and the
server only logs it: a client that sent malformed JSON, or JSON nested deeper than the SDK's parser
accepts (a `filterBranch` about 100 levels deep), waits forever for its answer. Over HTTP the same
input gets a 400. Here every such line gets a JSON-RPC error instead: -32700 (parse error) for text
that is not JSON, -32600 (invalid request) for JSON that is not a request the server can read, with
the request's id when it can be read (so the client's pending call ends) and null otherwise, as
JSON-RPC 2.0 says (section 5.1).

Behind the stdio front end (`mcp/frontend`), the server takes over a session already under way: it
reads the client's lines from the front end's queue, writes on the front end's wire, and drops its
own answer to the first request the front end answered and replayed.
"""

from __future__ import annotations

import json
import logging
import queue
from typing import TYPE_CHECKING, Any

import anyio
from mcp.server import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp_types import INVALID_REQUEST, PARSE_ERROR, ErrorData, JSONRPCError, JSONRPCResponse
from pydantic import ValidationError

if TYPE_CHECKING:  # the front end is POSIX-only (its wire uses fcntl)
    from segment_lists.mcp.frontend.session import FrontEnd, HandedOver, LineWriter

log = logging.getLogger("segment_lists.mcp.stdio")


def error_for(problem: Exception) -> JSONRPCError:
    """The JSON-RPC error that answers a line the SDK could not read."""
    line, why = _raw_line(problem)
    try:
        data = json.loads(line) if line is not None else _parsed_input(problem)
    except (ValueError, RecursionError):
        return JSONRPCError(
            jsonrpc="2.0",
            id=None,
            error=ErrorData(
                code=PARSE_ERROR, message=f"Parse error: the line is not JSON this server can read ({why})"
            ),
        )
    request_id = data.get("id") if isinstance(data, dict) else None
    if isinstance(request_id, bool) or not isinstance(request_id, int | str) or not _utf8(request_id):
        # An id the answer could not carry (a lone surrogate, "\ud800", which Python's parser accepts
        # and the SDK's does not) would crash the writer: such a line is answered with a null id.
        request_id = None
    reason = (
        f"this server cannot read it ({why}; the limit keeps a hostile message from exhausting the server)"
        if line is not None
        else "it is not a JSON-RPC 2.0 request, notification or response this server understands"
    )
    return JSONRPCError(
        jsonrpc="2.0", id=request_id, error=ErrorData(code=INVALID_REQUEST, message=f"Invalid Request: {reason}")
    )


def _utf8(value: int | str) -> bool:
    try:
        str(value).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _raw_line(problem: Exception) -> tuple[str | None, str]:
    """The raw line and the parser's reason, when the SDK's parser gave up on the JSON itself (it keeps
    the line as the error's input: malformed, or nested past its recursion limit)."""
    if isinstance(problem, ValidationError):
        for item in problem.errors():
            if item.get("type") == "json_invalid" and isinstance(item.get("input"), str):
                return str(item["input"]), str((item.get("ctx") or {}).get("error") or item.get("msg"))
    return None, "unreadable"


def _parsed_input(problem: Exception) -> Any:
    """The parsed message, when it was JSON but not a valid message (the error's outermost input)."""
    if isinstance(problem, ValidationError):
        for item in problem.errors():
            if isinstance(item.get("input"), dict):
                return item["input"]
    return None


class AnsweringReader:
    """The read stream the server sees: messages pass through; an unreadable line is answered on the
    write stream and never reaches the server."""

    def __init__(self, inner: Any, write_stream: Any) -> None:
        self._inner = inner
        self._write = write_stream

    async def receive(self) -> Any:
        while True:
            item = await self._inner.receive()
            if not isinstance(item, Exception):
                return item
            await self._write.send(SessionMessage(error_for(item)))

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> AnsweringReader:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None

    async def __aenter__(self) -> AnsweringReader:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class QueuedLines:
    """The client's lines from the front end's queue, read the way the SDK's transport reads a file."""

    def __init__(self, lines: queue.SimpleQueue[str | None]) -> None:
        self._lines = lines

    def __aiter__(self) -> QueuedLines:
        return self

    async def __anext__(self) -> str:
        try:
            line = self._lines.get_nowait()
        except queue.Empty:
            line = await anyio.to_thread.run_sync(self._lines.get, abandon_on_cancel=True)
        if line is None:  # the client closed stdin
            raise StopAsyncIteration
        return line


class WireOut:
    """The front end's wire as the SDK's transport writes a file (a whole line per write)."""

    def __init__(self, wire: LineWriter) -> None:
        self._wire = wire

    async def write(self, text: str) -> None:
        await anyio.to_thread.run_sync(self._wire.write, text)

    async def flush(self) -> None:
        return None  # every write is flushed


class WithoutReplayAnswer:
    """The write stream the server answers on, less its answer to the replayed first request (the client
    has had the front end's). Were the two answers different, the front end's manifest would be stale
    (tests/test_frontend_manifest.py keeps that from shipping): it is said on stderr."""

    def __init__(self, inner: Any, handed: HandedOver) -> None:
        self._inner = inner
        self._handed = handed

    async def send(self, item: SessionMessage) -> None:
        message = item.message
        if isinstance(message, JSONRPCResponse | JSONRPCError) and message.id == self._handed.replay_id:
            said = json.loads(message.model_dump_json(by_alias=True, exclude_unset=True))
            if {k: v for k, v in said.items() if k in {"result", "error"}} != self._handed.replay_answer:
                log.warning(
                    "the stdio front end's first answer differs from this server's: regenerate its manifest "
                    "(python -m segment_lists.mcp.frontend_manifest), or set SEGMENT_LISTS_FRONTEND=0"
                )
            return
        await self._inner.send(item)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> WithoutReplayAnswer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def serve_stdio(server: MCPServer[Any], handed: HandedOver | None = None) -> None:
    """`server.run_stdio_async()`, with every line answered; `handed`: the session the front end began.
    The low-level server is the SDK's own (`MCPServer.run_stdio_async` and the SDK's in-memory client
    reach it the same way)."""
    lowlevel = server._lowlevel_server  # noqa: SLF001 - the SDK exposes no public handle (its TODO)
    if handed is None:
        transport = stdio_server()
    else:  # the front end claimed stdin and stdout already
        transport = stdio_server(stdin=QueuedLines(handed.lines), stdout=WireOut(handed.wire))  # type: ignore[arg-type]
    async with transport as (read_stream, write_stream):
        answers = write_stream if handed is None else WithoutReplayAnswer(write_stream, handed)
        await lowlevel.run(
            AnsweringReader(read_stream, write_stream), answers, lowlevel.create_initialization_options()
        )


def run_stdio(server: MCPServer[Any], front: FrontEnd | None = None) -> None:
    """Serve stdio until the client closes stdin; with a front end, take over its session."""
    try:
        anyio.run(serve_stdio, server, front.hand_over() if front is not None else None)
    finally:
        if front is not None:
            front.close()
