"""How API routes read requests (ayni/routing.py): JSON bodies strictly, queries as text, and every refusal in
our words with a field error code (issue 10, findings 7 and 8), never Python's or pydantic's text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal
from uuid import UUID

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from ayni.jobs.states import Status
from ayni.problems import FIELD_ERROR_CODES, Problem
from ayni.resources import CurrentUser, TokenUser
from ayni.routing import Access, ApiRoute, Signature, WholeNumber, unreadable_json, validate, validate_json
from tests.accounts import bearer, create_user, login

# What Python, json and pydantic say in their own words; none of it may reach a client.
FOREIGN = (
    "codec",
    "decode",
    "Exceeds the limit",
    "sys.set_int_max_str_digits",
    "Input should",
    "pydantic",
    "Expecting",
)
BOUNDED = {"too-short", "too-long", "too-small", "too-large", "password-too-short", "password-too-long"}


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=5)
    count: WholeNumber = Field(ge=0, le=10)
    ratio: float = Field(0.5, gt=0, lt=1)
    flag: bool = False
    kind: Literal["a", "b"] = "a"
    status: Status | None = None
    ref: UUID | None = None
    tags: list[str] = Field(default_factory=list, max_length=2)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
fields = st.sampled_from([*Sample.model_fields, "extra"])
bodies = st.dictionaries(fields, json_values, max_size=6) | json_values


def refusal(read: Callable[[], object]) -> Problem | None:
    try:
        read()
    except Problem as problem:
        return problem
    return None


def check_in_our_words(problem: Problem | None) -> None:
    if problem is None:
        return
    assert problem.status == 422
    assert problem.errors
    for error in problem.errors:
        assert error.code in FIELD_ERROR_CODES
        assert error.message.endswith(".")
        assert not any(word in error.message for word in FOREIGN), error
        assert (error.limit is not None) == (error.code in BOUNDED), error


@given(bodies)
def test_any_json_body_is_a_model_or_field_errors_in_our_words(body: Any) -> None:
    check_in_our_words(refusal(lambda: validate_json(Sample, json.dumps(body).encode())))


@given(st.dictionaries(fields, st.text(max_size=8), max_size=6))
def test_any_query_is_a_model_or_field_errors_in_our_words(query: dict[str, str]) -> None:
    check_in_our_words(refusal(lambda: validate(Sample, query, "query")))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "a", "count": "3"}, "invalid-type"),  # no str -> int in a JSON body
        ({"name": "a", "count": 3, "flag": 0}, "invalid-type"),  # no int -> bool
        ({"name": "a", "count": 3, "flag": "yes"}, "invalid-type"),
        ({"name": "a", "count": 3.5}, "invalid-type"),
        ({"name": "a", "count": True}, "invalid-type"),
        ({"name": 5, "count": 3}, "invalid-type"),
    ],
)
def test_json_bodies_are_read_strictly(body: dict[str, Any], code: str) -> None:
    with pytest.raises(Problem) as refused:
        validate_json(Sample, json.dumps(body).encode())
    assert [e.code for e in refused.value.errors] == [code]


def test_an_integral_number_is_an_integer() -> None:
    """JSON has one number type and JSON Schema calls 3.0 an integer."""
    assert validate_json(Sample, b'{"name": "a", "count": 3.0}').count == 3


def test_queries_are_text_read_as_their_type() -> None:
    assert validate(Sample, {"name": "a", "count": "3", "flag": "true"}, "query").count == 3


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ('{"a": 1}'.encode("utf-16"), "The body is not UTF-8 text; send JSON in UTF-8."),
        (b'{"a": "\xff"}', "The body is not UTF-8 text; send JSON in UTF-8."),
        (b'{"a": 1,}', "The body is not valid JSON (line 1, column 9)."),
        (b'{"a":\n  nope}', "The body is not valid JSON (line 2, column 3)."),
        (b'{"a": 1' + b"0" * 5000 + b"}", "A number in the body has too many digits."),
    ],
)
def test_unreadable_json_is_said_in_our_words(raw: bytes, detail: str) -> None:
    assert unreadable_json(raw) == detail


@given(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_any_unreadable_body_is_said_in_our_words(raw: bytes) -> None:
    problem = refusal(lambda: validate_json(Sample, raw))
    if problem is not None:
        assert problem.status in (400, 422)
        assert not any(word in problem.detail for word in FOREIGN), problem.detail


# --- over HTTP, on the real app ---------------------------------------------------------------------------------

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        # Issue 10, finding 7: Python's texts reached the client.
        ('{"email": "ñandú@b.cl", "password": "x"}'.encode("utf-16"), "The body is not UTF-8 text"),
        (b'{"email": "a@b.cl", "password": ' + b"1" * 5000 + b"}", "too many digits"),
        (b'{"email": "a@b.cl", "password": "\\ud800"}', "half of a character"),
    ],
)
def test_unreadable_bodies_are_400_in_our_words(client: httpx.Client, raw: bytes, detail: str) -> None:
    response = client.post("/api/v1/auth/login", content=raw, headers=JSON)
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("/malformed-body")
    assert detail in response.json()["detail"]
    assert not any(word in response.text for word in FOREIGN), response.text


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"email": "ana@example.cl", "password": "short"},
            {"field": "password", "code": "password-too-short", "limit": 8, "message": "Use at least 8 characters."},
        ),
        (
            {"email": "ana@example.cl", "password": "x" * 129},
            {"field": "password", "code": "password-too-long", "limit": 128, "message": "Use at most 128 characters."},
        ),
        ({"email": "ana@example.cl", "password": "password123"}, {"field": "password", "code": "password-too-common"}),
        (
            {"email": "anaperez@example.cl", "password": "anaperez"},
            {"field": "password", "code": "password-is-email-name"},
        ),
        ({"email": "", "password": "correct horse battery"}, {"field": "email", "code": "invalid-email"}),
        ({"password": "correct horse battery"}, {"field": "email", "code": "required"}),
        (
            {"email": "ana@example.cl", "password": "correct horse battery", "full_name": "Ana\nERROR forged"},
            {"field": "full_name", "code": "invalid-value"},
        ),
        (
            {"email": "ana@example.cl", "password": "correct horse battery", "admin": True},
            {"field": "admin", "code": "not-allowed"},
        ),
        ({"email": "ana@example.cl", "password": 12345678}, {"field": "password", "code": "invalid-type"}),
    ],
)
def test_register_names_each_problem_with_a_code(
    client: httpx.Client, body: dict[str, Any], error: dict[str, Any]
) -> None:
    [found] = _errors(client.post("/api/v1/auth/register", json=body))
    assert found == {**found, **error}


def test_a_name_may_hold_any_script_and_emoji(client: httpx.Client) -> None:
    """ZWNJ is part of Persian spelling, ZWJ of emoji sequences: only control and bidirectional characters
    are refused."""
    name = "مهر\u200cناز 👩\u200d💻 Ñuñoa"
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "mehr@example.cl", "password": "correct horse battery", "full_name": name},
    )
    assert response.status_code == 201, response.text
    assert response.json()["full_name"] == name


def test_a_wrong_current_password_is_password_incorrect(client: httpx.Client, database_url: str) -> None:
    create_user(database_url, "ana@example.cl")
    headers = bearer(login(client, "ana@example.cl")["access_token"])
    body = {"current_password": "not the password", "new_password": "another good passphrase"}
    [found] = _errors(client.post("/api/v1/auth/password", json=body, headers=headers))
    assert found == {
        "field": "current_password",
        "message": "The current password is not correct.",
        "code": "password-incorrect",
    }


def test_a_number_out_of_range_says_the_limit(client: httpx.Client, database_url: str) -> None:
    """Issue 10, finding 12: pydantic's "Input should be less than or equal to 10000" reached the web app."""
    create_user(database_url, "ana@example.cl")
    headers = bearer(login(client, "ana@example.cl")["access_token"])
    [found] = _errors(client.post("/api/v1/jobs/ping", json={"sleep_ms": 10_001}, headers=headers))
    assert found == {
        "field": "sleep_ms",
        "message": "Use a number of at most 10000.",
        "code": "too-large",
        "limit": 10_000,
    }


def test_a_query_parameter_given_twice_is_refused(client: httpx.Client, database_url: str) -> None:
    create_user(database_url, "ana@example.cl")
    headers = bearer(login(client, "ana@example.cl")["access_token"])
    [found] = _errors(client.get("/api/v1/jobs?limit=5&limit=7", headers=headers))
    assert (found["field"], found["code"]) == ("limit", "invalid-type")


# A handler's signature is the one place its models are named (issue 11).


class Query(BaseModel):
    limit: int = 20


async def takes_all(request: Request, body: Sample, query: Query, user: CurrentUser) -> Response:
    return Response()


async def takes_an_optional_body(request: Request, body: Sample | None) -> Response:
    return Response()


async def takes_the_request(request: Request) -> Response:
    return Response()


def test_a_signature_names_the_body_query_and_user() -> None:
    assert Signature.of(takes_all) == Signature(Sample, True, Query, CurrentUser)
    assert Signature.of(takes_an_optional_body) == Signature(Sample, False, None, None)
    assert Signature.of(takes_the_request) == Signature(None, True, None, None)


async def misnamed(request: Request, payload: Sample) -> Response:
    return Response()


async def body_not_a_model(request: Request, body: dict[str, str]) -> Response:
    return Response()


async def two_models(request: Request, body: Sample | Query) -> Response:
    return Response()


async def user_not_a_user(request: Request, user: str) -> Response:
    return Response()


async def optional_query(request: Request, query: Query | None) -> Response:
    return Response()


@pytest.mark.parametrize("endpoint", [misnamed, body_not_a_model, two_models, user_not_a_user, optional_query])
def test_a_signature_the_route_cannot_serve_is_refused_at_start(endpoint: Callable[..., Any]) -> None:
    with pytest.raises(TypeError, match=endpoint.__name__):
        Signature.of(endpoint)


def test_a_public_route_cannot_take_the_signed_in_user() -> None:
    with pytest.raises(TypeError, match=r"Access\.USER"):
        ApiRoute("/x", takes_all, methods=["POST"], access=Access.PUBLIC, summary="x")


async def takes_the_token_user(request: Request, query: Query, user: TokenUser) -> Response:
    return Response()


def test_a_token_route_hands_its_handler_the_token_user_and_only_it() -> None:
    """An Access.TOKEN route checks no session: its handler must take the TokenUser (and check it), and the
    TokenUser goes to no other route, so a handler never takes an unchecked caller for a checked one."""
    assert Signature.of(takes_the_token_user).user is TokenUser
    ApiRoute("/x", takes_the_token_user, methods=["GET"], access=Access.TOKEN, summary="x")
    for handler in (takes_all, takes_the_request):
        with pytest.raises(TypeError, match=r"Access\.TOKEN route's handler takes `user: TokenUser`"):
            ApiRoute("/x", handler, methods=["POST"], access=Access.TOKEN, summary="x")
    for access in (Access.USER, Access.PUBLIC):
        with pytest.raises(TypeError, match=r"a TokenUser: Access\.TOKEN"):
            ApiRoute("/x", takes_the_token_user, methods=["GET"], access=access, summary="x")
