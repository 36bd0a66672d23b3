"""Request headers over 32 KiB get a 431 problem (issue 10, finding 9: 1 MiB of headers was accepted),
over a real socket to uvicorn."""

from __future__ import annotations

import httpx
import pytest

from ayni.header_limit import MAX_HEADER_BYTES, header_bytes
from tests.servers import LiveServer


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Big": "a" * (MAX_HEADER_BYTES + 1)},
        {f"X-Many-{n}": "b" * 100 for n in range(400)},
        {"X-Huge": "c" * (1024 * 1024)},
    ],
    ids=["one large header", "many headers", "a megabyte"],
)
def test_too_many_header_bytes_get_431(live_app: LiveServer, headers: dict[str, str]) -> None:
    with httpx.Client(base_url=live_app.url, timeout=30) as http:
        response = http.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 431
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "https://ayni.app/problems/request-header-fields-too-large"
    assert response.headers["x-request-id"]


def test_headers_under_the_limit_pass(live_app: LiveServer) -> None:
    with httpx.Client(base_url=live_app.url, timeout=30) as http:
        response = http.get("/api/v1/openapi.json", headers={"X-Big": "a" * (MAX_HEADER_BYTES // 2)})
    assert response.status_code == 200


def test_header_bytes_counts_the_lines_as_sent() -> None:
    assert header_bytes([(b"host", b"example.cl")]) == len("host: example.cl\r\n")
