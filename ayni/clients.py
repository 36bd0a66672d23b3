"""The client's address and scheme behind a known number of proxies (FORWARDED_TRUSTED_HOPS).

Each proxy appends the address it received the request from to X-Forwarded-For, so only the last
`hops` entries were written by proxies we run behind; everything left of them was written by the client
and proves nothing. The client is the entry the outermost trusted proxy wrote: counting the TCP peer as
the last link of the chain, `chain[len(chain) - 1 - hops]`. With 0 hops that is the peer itself; a client
that adds entries on the left only adds entries nobody reads. (uvicorn's own rule, with
FORWARDED_ALLOW_IPS='*', took the leftmost entry: whatever the client wrote.)

When the chain is shorter than `hops` (a request that reached the API past some proxy), the leftmost
entry is the best there is: every entry in it was written by a trusted proxy.
"""

from __future__ import annotations

import ipaddress

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

SCHEMES = ("http", "https")


def _entries(values: list[str]) -> list[str]:
    return [entry.strip() for value in values for entry in value.split(",") if entry.strip()]


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        return None


def client_address(forwarded_for: list[str], peer: str, hops: int) -> str:
    """The client's address from the X-Forwarded-For header lines, the TCP peer and the trusted hops."""
    if hops == 0:
        return peer
    chain = [*_entries(forwarded_for), peer]
    chosen = chain[max(0, len(chain) - 1 - hops)]
    return _address(chosen) or peer


def client_scheme(forwarded_proto: list[str], scheme: str, hops: int) -> str:
    """The scheme the client used, as the outermost trusted proxy saw it (X-Forwarded-Proto)."""
    entries = _entries(forwarded_proto)
    if hops == 0 or not entries:
        return scheme
    chosen = entries[max(0, len(entries) - hops)].lower()
    return chosen if chosen in SCHEMES else scheme


class ForwardedClient:
    """Puts the client's address and scheme into the scope, so `request.client` (throttling, logs) and
    the scheme (HSTS, cookies) are right everywhere."""

    def __init__(self, app: ASGIApp, hops: int) -> None:
        self.app = app
        self.hops = hops

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.hops and scope["type"] == "http":
            headers = Headers(scope=scope)
            peer_host, peer_port = scope.get("client") or ("", 0)
            host = client_address(headers.getlist("x-forwarded-for"), peer_host, self.hops)
            scope = {
                **scope,
                "client": (host, peer_port),
                "scheme": client_scheme(headers.getlist("x-forwarded-proto"), scope.get("scheme", "http"), self.hops),
            }
        await self.app(scope, receive, send)
