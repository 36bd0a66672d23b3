"""ASGI middleware, one concern each: request context (id, log line, security headers, last-resort 500)
and the request body size limit."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ayni.context import bind_request_id, unbind_request_id
from ayni.problems import PROBLEM_MEDIA_TYPE, problem_body

logger = logging.getLogger("ayni.http")

REQUEST_ID_HEADER = "x-request-id"
# A client's id is echoed only when it is short and plain; anything else could forge log lines.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def accept_request_id(candidate: str | None) -> str:
    """The client's request id if it is sane, else a new one."""
    if candidate is not None and _SANE_REQUEST_ID.fullmatch(candidate):
        return candidate
    return uuid.uuid4().hex


def security_headers(production: bool) -> dict[str, str]:
    headers = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        # JSON needs nothing from a browser: no scripts, no frames, no fetches.
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    }
    if production:
        headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"
    return headers


async def send_json(send: Send, status: int, body: object, headers: Mapping[str, str], media_type: str) -> None:
    payload = json.dumps(body).encode()
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw += [(b"content-type", media_type.encode()), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class RequestContextMiddleware:
    """Gives every request an id, one log line, the security headers, and a problem+json 500 when an
    exception escapes everything else (no internals reach the client)."""

    def __init__(self, app: ASGIApp, production: bool = False) -> None:
        self.app = app
        self.headers = security_headers(production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accept_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER))
        token = bind_request_id(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False
        path: str = scope["path"]

        async def send_with_context(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                # A response that sets its own policy (the web app, the docs page) keeps it.
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_context)
        except Exception:
            logger.exception("unhandled error", extra={"path": path})
            status = 500
            if not response_started:
                body = problem_body(500, "internal-error", "An unexpected error occurred; quote the request id.")
                headers = {**self.headers, REQUEST_ID_HEADER: request_id}
                await send_json(send, 500, body, headers, PROBLEM_MEDIA_TYPE)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            logger.info(
                "%s %s %s %.1fms",
                scope["method"],
                path,
                status,
                duration_ms,
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "client": (scope.get("client") or ("-",))[0],
                },
            )
            unbind_request_id(token)


class BodySizeLimitMiddleware:
    """Refuses bodies over `max_bytes` with 413, whether declared by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = problem_body(
            413, "body-too-large", f"The request body is larger than {self.max_bytes} bytes; send less."
        )
        await send_json(send, 413, body, {}, PROBLEM_MEDIA_TYPE)


class _BodyTooLarge(Exception):
    pass
