"""ASGI middleware, one concern each: the liveness probe's shortcut, the request context (id, log line,
security headers), strict CORS, the last-resort 500 problem, gzip of large answers, and the request body size
limit. Every request passes through all of them: they read and write raw header lists where Starlette's header
objects would cost more than the concern itself (issue 16)."""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
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
    """Gives every request an id, one log line and the security headers. On the raw header lists: Starlette's
    header objects cost more than what is done with them here."""

    def __init__(self, app: ASGIApp, production: bool = False) -> None:
        self.app = app
        self.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in security_headers(production).items()]
        self.ids = RequestIds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accept_request_id(raw_header(scope["headers"], _REQUEST_ID_KEY), self.ids.new)
        token = bind_request_id(request_id)
        started = time.perf_counter()
        status = 500
        path: str = scope["path"]

        async def send_with_context(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                names = {name for name, _ in headers}
                set_raw_header(headers, names, _REQUEST_ID_KEY, request_id.encode("latin-1"))
                # A response that sets its own policy (the web app, the docs page) keeps it.
                headers += [header for header in self.raw_headers if header[0] not in names]
                message["headers"] = headers
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


_REQUEST_ID_KEY = REQUEST_ID_HEADER.encode()


def raw_header(headers: Iterable[tuple[bytes, bytes]], key: bytes) -> str | None:
    """The first value of the header named `key` (lower case, as ASGI gives names), as Starlette's `Headers.get`
    gives it, without building a Headers object."""
    for name, value in headers:
        if name == key:
            return value.decode("latin-1")
    return None


def set_raw_header(headers: list[tuple[bytes, bytes]], names: set[bytes], key: bytes, value: bytes) -> None:
    """As Starlette's `MutableHeaders[key] = value`: the first such header takes the value, the others go; a new
    header goes last. `names` holds the header names of `headers` (kept up to date)."""
    if key not in names:
        headers.append((key, value))
        names.add(key)
        return
    found = [index for index, (name, _) in enumerate(headers) if name == key]
    headers[found[0]] = (key, value)
    for index in reversed(found[1:]):
        del headers[index]


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
        if raw_header(scope["headers"], b"origin") is None:
            # Not a browser's cross-origin call: all Starlette's CORS does is add Origin to Vary. Done here on
            # the raw list, the same bytes, without its two header objects per request.
            await self.app(scope, receive, _varying_on_origin(send))
            return
        headers = Headers(scope=scope)
        origin = headers["origin"]

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


def _varying_on_origin(send: Send) -> Send:
    """`send`, but the answer's start says `Vary: Origin` as Starlette's CORS says it to a request without an
    Origin: the values of the Vary headers there are and Origin, joined into the first of them, or a new header
    last (tests/test_middleware.py holds the two to the same bytes)."""

    async def send_varying(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            names = {name for name, _ in headers}
            values = [value for name, value in headers if name == b"vary"] if b"vary" in names else []
            set_raw_header(headers, names, b"vary", b", ".join([*values, b"Origin"]))
            message["headers"] = headers
        await send(message)

    return send_varying


def vary_on_origin(headers: MutableHeaders) -> None:
    """Adds Origin to the Vary header, keeping what it already names."""
    vary = headers.get("vary")
    if vary is None:
        headers["vary"] = "Origin"
    elif not {v.strip().lower() for v in vary.split(",")} & {"origin", "*"}:
        headers["vary"] = f"{vary}, Origin"


class LargeAnswersGZipped(GZipMiddleware):
    """Starlette's GZip, but an answer whose whole body comes in one message under `minimum_size` (most of the
    API's) is sent on as it came, without Starlette's responder: the same bytes (Starlette leaves such an answer
    alone as well), less its two header objects and its set-up per request, a fortieth of a small answer. Any
    other answer goes to Starlette's responder, which gets every message it would have had, in order."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        responder: IdentityResponder | None = None
        sent_small = False

        async def send_small_or_hand_over(message: Message) -> None:
            nonlocal start, responder, sent_small
            if sent_small:
                await send(message)
            elif responder is not None:
                await responder.send_with_compression(message)
            elif message["type"] == "http.response.start":
                start = message  # held, as Starlette holds it, until the body shows its size
            elif (
                start is not None
                and message["type"] == "http.response.body"
                and not message.get("more_body", False)
                and len(message.get("body", b"")) < self.minimum_size
            ):
                sent_small = True
                await send(start)
                await send(message)
            else:
                responder = self._responder(scope, send)
                if start is not None:
                    await responder.send_with_compression(start)
                await responder.send_with_compression(message)

        await self.app(scope, receive, send_small_or_hand_over)

    def _responder(self, scope: Scope, send: Send) -> IdentityResponder:
        """The responder GZipMiddleware would have chosen, sending to `send`."""
        responder: IdentityResponder
        if "gzip" in Headers(scope=scope).get("Accept-Encoding", ""):
            responder = GZipResponder(
                self.app,
                self.minimum_size,
                compresslevel=self.compresslevel,
                thread_minimum_size=self.thread_minimum_size,
                exclude_content_types=self.exclude_content_types,
            )
        else:
            responder = IdentityResponder(self.app, self.minimum_size, exclude_content_types=self.exclude_content_types)
        responder.send = send  # what the responder's own __call__ would set before calling the app
        return responder


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
        declared = raw_header(scope["headers"], b"content-length")
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
