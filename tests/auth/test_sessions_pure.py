"""Property tests of the pure parts of `authenticate` and the session flows: bearer parsing (RFC 6750 section
2.1) and the user and session a token names."""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.auth import tokens
from ayni.auth.sessions import parse_bearer, session_ids
from ayni.problems import Problem

b64tokens = st.from_regex(r"\A[A-Za-z0-9\-._~+/]+=*\Z")
schemes = st.sampled_from(["Bearer", "bearer", "BEARER", "bEaReR"])
blanks = st.sampled_from([" ", "  ", "\t", " \t "])


def problem(authorization: list[str], token_in_query: bool = False) -> Problem:
    with pytest.raises(Problem) as caught:
        parse_bearer(authorization, token_in_query)
    return caught.value


@given(b64tokens, schemes, blanks, blanks)
def test_a_bearer_header_gives_its_token(token: str, scheme: str, gap: str, edge: str) -> None:
    assert parse_bearer([f"{edge}{scheme}{gap}{token}{edge}"], token_in_query=False) == token


@given(st.lists(st.text(max_size=40), max_size=3))
def test_a_token_in_the_url_is_refused_whatever_the_headers(authorization: list[str]) -> None:
    refused = problem(authorization, token_in_query=True)
    assert (refused.status, refused.headers) == (400, {"WWW-Authenticate": 'Bearer error="invalid_request"'})


@given(st.lists(st.text(max_size=40), min_size=2, max_size=4))
def test_two_authorization_headers_are_refused(authorization: list[str]) -> None:
    assert problem(authorization).status == 400


@given(b64tokens, b64tokens, schemes)
def test_two_tokens_in_one_header_are_refused(first: str, second: str, scheme: str) -> None:
    assert problem([f"{scheme} {first} {second}"]).status == 400


@given(st.text(max_size=60))
def test_any_header_gives_a_bearer_token_or_a_401_or_400(value: str) -> None:
    parts = value.split()
    if len(parts) == 2 and parts[0].lower() == "bearer" and re.fullmatch(r"[A-Za-z0-9\-._~+/]+=*", parts[1]):
        assert parse_bearer([value], token_in_query=False) == parts[1]
    else:
        refused = problem([value])
        assert refused.status in (400, 401)
        assert refused.headers["WWW-Authenticate"].startswith("Bearer error=")


@given(b64tokens, st.sampled_from(["Basic", "Token", "Bearer:", "Bearerx"]))
def test_another_scheme_is_401(token: str, scheme: str) -> None:
    refused = problem([f"{scheme} {token}"])
    assert (refused.status, refused.slug) == (401, "invalid-token")


def test_no_header_asks_to_sign_in() -> None:
    refused = problem([])
    assert (refused.status, refused.slug) == (401, "not-authenticated")


def claims_naming(sub: str, sid: str) -> tokens.Claims:
    return tokens.Claims(sub=sub, sid=sid, jti="j", kind="access", iat=0, exp=1)


@given(st.uuids(), st.uuids())
def test_a_token_names_its_user_and_session(user: uuid.UUID, session: uuid.UUID) -> None:
    assert session_ids(claims_naming(str(user), str(session))) == (user, session)


@given(st.uuids(), st.text(max_size=40).filter(lambda text: not re.fullmatch(r"[0-9a-fA-F-{}urn:]*", text)))
def test_a_claim_that_is_no_uuid_names_nothing(valid: uuid.UUID, garbage: str) -> None:
    assert session_ids(claims_naming(garbage, str(valid))) is None
    assert session_ids(claims_naming(str(valid), garbage)) is None
