"""The middleware's shortcuts on raw header lists (issue 16) give what Starlette's own code gives: the same
headers, the same messages, byte for byte. The HTTP behaviour itself is tested over HTTP in test_http.py."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ayni.middleware import LargeAnswersGZipped, StrictCORSMiddleware, raw_header, set_raw_header

NAMES = st.sampled_from([b"vary", b"content-type", b"x-request-id", b"content-length", b"etag", b"Vary"])
VALUES = st.sampled_from([b"Origin", b"Accept-Encoding", b"text/csv", b"1", b"", b"a, b"])
HEADER_LISTS = st.lists(st.tuples(NAMES, VALUES), max_size=6)


@given(HEADER_LISTS, NAMES)
def test_raw_header_is_headers_get(headers: list[tuple[bytes, bytes]], name: bytes) -> None:
    if name.islower():  # ASGI gives names in lower case; Headers.get lowers the name it is asked for
        assert raw_header(headers, name) == Headers(raw=headers).get(name.decode())


@given(HEADER_LISTS, NAMES, VALUES)
def test_set_raw_header_is_mutable_headers_assignment(
    headers: list[tuple[bytes, bytes]], name: bytes, value: bytes
) -> None:
    if not name.islower():
        return
    expected = MutableHeaders(raw=list(headers))
    expected[name.decode()] = value.decode()
    ours = list(headers)
    names = {n for n, _ in ours}
    set_raw_header(ours, names, name, value)
    assert ours == expected.raw
    assert names == {n for n, _ in ours}


def answer(headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        for index, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": index < len(chunks) - 1})

    return app


def sent(app: ASGIApp, request_headers: list[tuple[bytes, bytes]]) -> list[Message]:
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    scope: dict[str, Any] = {"type": "http", "method": "GET", "path": "/", "headers": request_headers}
    asyncio.run(app(scope, receive, send))
    return messages


CORS = {"allow_origins": ["http://localhost:5173"], "allow_credentials": True, "allow_methods": ["GET"]}


@given(HEADER_LISTS.map(lambda headers: [(n.lower(), v) for n, v in headers]))
def test_without_an_origin_cors_varies_as_starlettes_does(headers: list[tuple[bytes, bytes]]) -> None:
    starlette = sent(CORSMiddleware(answer(headers, [b"{}"]), **CORS), [(b"host", b"x")])
    ours = sent(StrictCORSMiddleware(answer(headers, [b"{}"]), **CORS), [(b"host", b"x")])
    assert ours == starlette


CONTENT_TYPES = st.sampled_from([b"application/json", b"text/csv; charset=utf-8", b"image/png", b"text/event-stream"])
ACCEPT = st.sampled_from(
    [[], [(b"accept-encoding", b"gzip")], [(b"accept-encoding", b"gzip, br")], [(b"accept-encoding", b"identity")]]
)


@given(
    content_type=CONTENT_TYPES,
    extra=st.sampled_from([[], [(b"content-encoding", b"br")], [(b"vary", b"Origin")]]),
    chunk_sizes=st.lists(st.sampled_from([0, 1, 1023, 1024, 5000]), min_size=1, max_size=3),
    accept=ACCEPT,
)
def test_large_answers_gzipped_sends_what_starlettes_gzip_sends(
    content_type: bytes, extra: list[tuple[bytes, bytes]], chunk_sizes: list[int], accept: list[tuple[bytes, bytes]]
) -> None:
    chunks = [bytes([65 + index % 26]) * size for index, size in enumerate(chunk_sizes)]
    headers = [(b"content-type", content_type), *extra]
    if len(chunks) == 1:
        headers.append((b"content-length", str(len(chunks[0])).encode()))
    starlette = sent(GZipMiddleware(answer(headers, chunks), minimum_size=1024), accept)
    ours = sent(LargeAnswersGZipped(answer(headers, chunks), minimum_size=1024), accept)
    assert ours == starlette
