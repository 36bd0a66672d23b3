"""The ceilings for the HTTP figures: bare ASGI apps answering `/health`'s JSON, served exactly as `ayni serve`
serves Ayni (the same `uvicorn_config`, the same socket setup, one process).

    python bench/ceiling.py PORT                  # the ceiling of `health_vs_ceiling`: the same bytes as Ayni's
                                                  # /health, every header included (a fresh request id each time)
    python bench/ceiling.py PORT --bare           # a table row: the body and its two content headers only

`serve` is shared with bench/minimal_me.py. bench/suite.py compares each answer with Ayni's, byte for byte, the
date and the request id's value aside (`same_bytes`).
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Awaitable, Callable
from typing import Any

BODY = b'{"status":"healthy"}'  # what GET /health answers, byte for byte
BARE_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]

Asgi = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def ayni_health_app() -> Asgi:
    """The ceiling: `/health`'s bytes, its headers included, and a new request id per answer, made as Ayni's
    `RequestIds` makes them (a prefix and a counter)."""
    from ayni.middleware import REQUEST_ID_HEADER, LivenessShortcut, RequestIds

    headers = LivenessShortcut(bare_app, production=False).headers
    ids = RequestIds()
    request_id = REQUEST_ID_HEADER.encode()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        raw = [*headers, (request_id, ids.new().encode())]
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        await send({"type": "http.response.body", "body": BODY})

    return app


async def bare_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": BARE_HEADERS})
    await send({"type": "http.response.body", "body": BODY})


async def lifespan(
    receive: Any, send: Any, startup: Callable[[], Awaitable[None]] | None = None,
    shutdown: Callable[[], Awaitable[None]] | None = None,
) -> None:  # fmt: skip
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if startup is not None:
                await startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if shutdown is not None:
                await shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return


def serve(app: Asgi, port: int) -> None:
    """`app` on 127.0.0.1:`port` with Ayni's own uvicorn settings (one process, uvloop, httptools, no access log)."""
    import uvicorn

    from ayni.config import load_settings
    from ayni.server import bind, uvicorn_config

    config = uvicorn_config(load_settings(os.environ))
    config.app = app
    config.factory = False
    config.workers = 1
    uvicorn.Server(config).run(sockets=[bind("127.0.0.1", port)])


def raw_answer(port: int, path: str, headers: dict[str, str] | None = None) -> bytes:
    """The bytes of one answer to GET `path` (read until the connection closes)."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# What differs between two answers of the same server: the date's and the request id's values (their lengths do
# not), and the `connection: close` uvicorn adds for a client that asked for it.
_VARYING = re.compile(rb"^(date|x-request-id): (.*)$|^connection: close\n", re.IGNORECASE | re.MULTILINE)


def _masked(answer: bytes) -> bytes:
    def mask(match: re.Match[bytes]) -> bytes:
        return match.group(1) + b": " + b"*" * len(match.group(2)) if match.group(1) else b""

    return _VARYING.sub(mask, answer.replace(b"\r\n", b"\n"))


def same_bytes(ours: bytes, theirs: bytes) -> bool:
    """Whether two raw answers are the same bytes, the date's and the request id's values aside."""
    return _masked(ours) == _masked(theirs)


def main() -> int:
    port = int(sys.argv[1])
    serve(bare_app if "--bare" in sys.argv[2:] else ayni_health_app(), port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
