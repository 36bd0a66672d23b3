"""The ceiling for the HTTP figures: a bare ASGI app answering `/health`'s JSON, served exactly as
`ayni serve` serves Ayni (the same `uvicorn_config`, the same socket setup, one process).

    python bench/ceiling.py PORT
"""

from __future__ import annotations

import os
import sys
from typing import Any

BODY = b'{"status":"healthy"}'  # what GET /health answers, byte for byte
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


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
    config = uvicorn_config(load_settings(os.environ))
    config.app = app
    config.factory = False
    config.workers = 1
    uvicorn.Server(config).run(sockets=[bind("127.0.0.1", port)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
