"""A static host in a few lines, doing for the browser tests what render.yaml makes Render do: serve the built web
app (with its SPA fallback and security headers) and forward every /api/ request to the API on another host, so
the browser sees one site."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

# Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection; the lengths are set again for the new one.
NOT_FORWARDED = {b"connection", b"keep-alive", b"transfer-encoding", b"te", b"trailer", b"upgrade", b"host"}


class StaticHost:
    def __init__(self, web_app: ASGIApp, api_origin: str) -> None:
        self.web_app = web_app
        self.api_origin = api_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["path"].startswith("/api/"):
            await self._forward(scope, receive, send)
        else:
            await self.web_app(scope, receive, send)

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope["query_string"].decode("latin-1")
        url = f"{self.api_origin}{scope['raw_path'].decode('latin-1')}" + (f"?{query}" if query else "")
        headers = [(k, v) for k, v in scope["headers"] if k not in NOT_FORWARDED | {b"content-length"}]
        async with httpx.AsyncClient(timeout=60) as client:
            request = client.build_request(scope["method"], url, headers=headers, content=body)
            response = await client.send(request, stream=True)
            try:
                raw = [(k, v) for k, v in response.headers.raw if k.lower() not in NOT_FORWARDED]
                await send({"type": "http.response.start", "status": response.status_code, "headers": raw})
                async for chunk in response.aiter_raw():  # as sent: still compressed when the API compressed it
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
            finally:
                await response.aclose()

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            await send({"type": f"{message['type']}.complete"})
            if message["type"] == "lifespan.shutdown":
                return
