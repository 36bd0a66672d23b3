"""A ceiling on the total size of a request's headers: 431 Request Header Fields Too Large (RFC 6585).

uvicorn with httptools accepts any amount (1 MiB of headers went through), and every layer after it copies
them. 32 KiB is what nginx accepts by default (4 buffers of 8 KiB), so anything a real client sends through
a proxy fits: a browser's cookies and Ayni's own headers are well under 8 KiB.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ayni.problems import ProblemResponse, problem_body

MAX_HEADER_BYTES = 32 * 1024


def header_bytes(headers: list[tuple[bytes, bytes]]) -> int:
    """The size of the header lines as sent: name, ': ', value and CRLF each."""
    return sum(len(name) + len(value) + 4 for name, value in headers)


class HeaderSizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and header_bytes(scope["headers"]) > self.max_bytes:
            detail = f"The request's headers take more than {self.max_bytes // 1024} KiB; send fewer or shorter ones."
            body = problem_body(431, "request-header-fields-too-large", detail)
            await ProblemResponse(body, status_code=431)(scope, receive, send)
            return
        await self.app(scope, receive, send)
