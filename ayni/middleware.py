"""ASGI middleware, one concern each: the liveness probe's shortcut, the request context (id, log line,
security headers), strict CORS, the last-resort 500 problem, and the request body size limit."""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ayni.context import bind_request_id, unbind_request_id
from ayni.problems import PROBLEM_MEDIA_TYPE, ProblemResponse, problem_body

logger = logging.getLogger("ayni.http")

REQUEST_ID_HEADER = "x-request-id"
# A client's id is echoed only when it is short and plain; anything else could forge log lines.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class RequestIds:
    """Fresh request ids: a random prefix per instance, then a counter; 32 hex characters like a uuid4,
    as unique in practice, without a system call per request (uuid4 reads os.urandom: 1.6 µs, a tenth of
    the whole answer to a liveness probe)."""

    def __init__(self) -> None:
        self._prefix = secrets.token_hex(8)
        self._counter = itertools.count(1)

    def new(self) -> str:
        return f"{self._prefix}{next(self._counter):016x}"


def accept_request_id(candidate: str | None, fresh: Callable[[], str]) -> str:
    """The client's request id if it is sane, else a fresh one."""
    if candidate is not None and _SANE_REQUEST_ID.fullmatch(candidate):
        return candidate
    return fresh()


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


LIVENESS_BODY = b'{"status":"healthy"}'


class LivenessShortcut:
    """`GET /health` answered in front of every other layer: the load balancer probes it every few seconds,
    so it costs a fifth of a routed request and is not logged (it would drown the request log). It carries
    the same request id and security headers as any other answer."""

    def __init__(self, app: ASGIApp, production: bool = False) -> None:
        self.app = app
        self.ids = RequestIds()
        self.headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(LIVENESS_BODY)).encode()),
            (b"cache-control", b"no-store"),
            *((k.encode(), v.encode()) for k, v in security_headers(production).items()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/health" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        candidate = None
        for name, value in scope["headers"]:  # raw: a Headers object costs as much as the rest of the answer
            if name == b"origin":  # a browser, not a probe: the whole stack, CORS included
                await self.app(scope, receive, send)
                return
            if name == b"x-request-id":
                candidate = value.decode("latin-1")
        request_id = accept_request_id(candidate, self.ids.new)
        raw = [*self.headers, (REQUEST_ID_HEADER.encode(), request_id.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else LIVENESS_BODY})


class RequestContextMiddleware:
    """Gives every request an id, one log line and the security headers."""

    def __init__(self, app: ASGIApp, production: bool = False) -> None:
        self.app = app
        self.headers = security_headers(production)
        self.ids = RequestIds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accept_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER), self.ids.new)
        token = bind_request_id(request_id)
        started = time.perf_counter()
        status = 500
        path: str = scope["path"]

        async def send_with_context(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                # A response that sets its own policy (the web app, the docs page) keeps it.
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_context)
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


class UnhandledErrorMiddleware:
    """An exception nothing else handled: logged with its traceback, answered with a problem+json 500
    that carries the request id and no internals. Inside CORS, so the web app can read it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unhandled error", extra={"path": scope["path"]})
            if response_started:
                raise  # too late for an answer of our own; the server closes the connection
            body = problem_body(500, "internal-error", "An unexpected error occurred; quote the request id.")
            await send_json(send, 500, body, {}, PROBLEM_MEDIA_TYPE)


class StrictCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, but an origin that is not allowed gets no CORS header at all, a refused preflight
    is a problem+json like every other error and names what was refused and what is allowed instead, and
    every answer to a request with an Origin says `Vary: Origin` (a cache must not hand one origin's answer,
    or refusal, to another)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await super().__call__(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                vary_on_origin(MutableHeaders(scope=message))
            await send(message)

        is_preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        if not self.is_allowed_origin(origin):
            if is_preflight:
                allowed = ", ".join(self.allow_origins) or "none"
                detail = f"CORS preflight refused: origin {origin} may not call this API; allowed origins: {allowed}."
                await send_json(send_varying, 403, problem_body(403, "cors-refused", detail), {}, PROBLEM_MEDIA_TYPE)
            else:
                await self.app(scope, receive, send_varying)
            return
        await super().__call__(scope, receive, send_varying)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        refusals = []
        method = request_headers["access-control-request-method"]
        if method not in self.allow_methods:
            allowed_methods = ", ".join(sorted(self.allow_methods))
            refusals.append(f"method {method} is not allowed; allowed methods: {allowed_methods}")
        requested = (request_headers.get("access-control-request-headers") or "").lower().split(",")
        refused = [h.strip() for h in requested if h.strip() not in self.allow_headers]
        if refused and not self.allow_all_headers:
            allowed_headers = ", ".join(sorted(self.allow_headers))
            refusals.append(f"headers {', '.join(refused)} are not allowed; allowed headers: {allowed_headers}")
        if "access-control-request-private-network" in request_headers and not self.allow_private_network:
            refusals.append("private network access is not allowed")
        detail = f"CORS preflight refused: {'; '.join(refusals) or bytes(response.body).decode()}."
        allowed = {k: v for k, v in response.headers.items() if k.startswith("access-control-")}
        return ProblemResponse(problem_body(400, "cors-refused", detail), status_code=400, headers=allowed)


def vary_on_origin(headers: MutableHeaders) -> None:
    """Adds Origin to the Vary header, keeping what it already names."""
    vary = headers.get("vary")
    if vary is None:
        headers["vary"] = "Origin"
    elif not {v.strip().lower() for v in vary.split(",")} & {"origin", "*"}:
        headers["vary"] = f"{vary}, Origin"


class BodySizeLimitMiddleware:
    """Refuses bodies over their limit with 413, whether declared by Content-Length or streamed: `max_bytes`,
    or the limit of the first of `path_limits` whose pattern matches the whole path (file uploads)."""

    def __init__(self, app: ASGIApp, max_bytes: int, path_limits: Sequence[tuple[re.Pattern[str], int]] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = tuple(path_limits)

    def limit_of(self, path: str) -> int:
        return next((limit for pattern, limit in self.path_limits if pattern.fullmatch(path)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = problem_body(413, "body-too-large", f"The request body is larger than {limit} bytes; send less.")
        await send_json(send, 413, body, {}, PROBLEM_MEDIA_TYPE)


class _BodyTooLarge(Exception):
    pass
