"""The ceiling for the HTTP figures: a bare ASGI app answering `/health`'s JSON, served exactly as
`ayni serve` serves Ayni (the same `uvicorn_config`, the same socket setup, one process).

    python bench/ceiling.py PORT                  # the ceiling: the body and its two content headers
    python bench/ceiling.py PORT --ayni-headers   # the same, with every header Ayni's /health sends

The second one is not a key of its own: it shows how much of the gap to the ceiling is the security
headers and request id that every Ayni answer carries (uvicorn checks and writes each header).
"""

from __future__ import annotations

import os
import sys
from typing import Any

BODY = b'{"status":"healthy"}'  # what GET /health answers, byte for byte
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


def ayni_headers() -> list[tuple[bytes, bytes]]:
    from ayni.middleware import REQUEST_ID_HEADER, LivenessShortcut, RequestIds

    return [*LivenessShortcut(app, production=False).headers, (REQUEST_ID_HEADER.encode(), RequestIds().new().encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main() -> int:
    import uvicorn

    from ayni.config import load_settings
    from ayni.server import bind, uvicorn_config

    port = int(sys.argv[1])
    if "--ayni-headers" in sys.argv[2:]:
        HEADERS[:] = ayni_headers()
    config = uvicorn_config(load_settings(os.environ))
    config.app = app
    config.factory = False
    config.workers = 1
    uvicorn.Server(config).run(sockets=[bind("127.0.0.1", port)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
