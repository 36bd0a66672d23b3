"""The client's address behind trusted proxies (issue 10, finding 3): a client can never choose it."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from ayni.clients import client_address, client_scheme

addresses = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).map(str)
forged = st.lists(st.one_of(addresses, st.text(max_size=20)), max_size=5)


@given(forged, addresses, st.lists(addresses, min_size=1, max_size=4), st.booleans())
def test_the_client_cannot_choose_its_address(
    written_by_client: list[str], client: str, proxies: list[str], one_line: bool
) -> None:
    """The outermost proxy appends the client's address, each further proxy its predecessor's; whatever
    the client put on the left is never taken."""
    header = [*written_by_client, client, *proxies[:-1]]
    lines = [", ".join(header)] if one_line else header
    assert client_address(lines, proxies[-1], hops=len(proxies)) == str(ipaddress.ip_address(client))


@given(st.lists(st.text(max_size=30), max_size=4), addresses)
def test_without_trusted_proxies_the_peer_is_the_client(lines: list[str], peer: str) -> None:
    assert client_address(lines, peer, hops=0) == peer


def test_a_chain_shorter_than_the_hops_gives_its_leftmost_entry() -> None:
    assert client_address(["198.51.100.4"], "10.0.0.1", hops=3) == "198.51.100.4"
    assert client_address([], "10.0.0.1", hops=1) == "10.0.0.1"


def test_an_entry_that_is_no_address_falls_back_to_the_peer() -> None:
    assert client_address(["unknown"], "10.0.0.1", hops=1) == "10.0.0.1"
    assert client_address(["[2001:db8::1]"], "10.0.0.1", hops=1) == "2001:db8::1"


def test_the_scheme_comes_from_the_trusted_proxy() -> None:
    assert client_scheme(["https"], "http", hops=1) == "https"
    assert client_scheme(["javascript"], "http", hops=1) == "http"
    assert client_scheme(["https"], "http", hops=0) == "http"
    assert client_scheme(["http, https"], "http", hops=1) == "https"
