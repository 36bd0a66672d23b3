"""The OpenAPI document is the contract: schemathesis (a fuzzer built on hypothesis) draws requests from it,
valid ones and invalid ones, sends them to the real app over HTTP (uvicorn, PostgreSQL, Redis) without a
token and signed in, and every one of its checks must hold for every answer: no 500, only documented
statuses, content types, bodies and headers, invalid data refused and valid data accepted, 405 with `Allow`
for methods a path lacks, authentication not ignored.

Derandomized with a fixed seed. The default hypothesis profile draws a modest number of examples per
operation; `HYPOTHESIS_PROFILE=long` draws many more."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis
import schemathesis
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks

from ayni import ratelimit
from ayni.app import create_app, openapi_document
from ayni.config import load_settings
from ayni.sales.schemas import UPLOAD_TYPES
from tests.accounts import PASSWORD, create_user, login
from tests.conftest import make_env
from tests.servers import LiveServer

SEED = 20261201
EMAIL = "contract@example.cl"
# A quarter of the profile's examples per operation: 25 in the default profile, 500 in the long one. Each
# operation also gets schemathesis's own coverage cases (every boundary, missing field and wrong type). Each
# example is an HTTP round trip, often through argon2: hypothesis's speed health checks do not apply.
EXAMPLES = settings(
    max_examples=max(10, settings.default.max_examples // 4),
    suppress_health_check=list(HealthCheck),
    deadline=None,
)

# A sales upload's body: a small CSV, or any bytes (the worker decides what they are; the API only stores them).
_FILES = st.one_of(st.just(b"Fecha,Producto,Total\n08-10-2025 18:57,Pan,1290\n"), st.binary(max_size=256))
for _media_type in UPLOAD_TYPES:
    schemathesis.openapi.media_type(_media_type, _FILES)

DOCUMENT = openapi_document("Ayni")  # what the app serves (tests/test_openapi.py: CLI and HTTP agree)

# Positive data is a request the document calls valid. Some valid requests are still refused for what no
# schema can state, each documented in its operation: a one-time link's token that is unknown, used or
# expired (400); a RUT's check digit, a time zone or currency no schema lists (422); a new password the policy
# refuses (the account's email, a common one) or a current password that is wrong (422); and, where a token
# is needed, a drawn bearer token with a space in it, which RFC 6750 (section 3.1) makes a malformed request
# (400 invalid_request), not a wrong token.
STATEFUL_REFUSALS = {
    "/api/v1/auth/verify-email": [400],
    "/api/v1/auth/register": [422],
    "/api/v1/auth/password": [422],
    "/api/v1/auth/password-reset/confirm": [400, 422],
    # A RUT's check digit, a time zone or currency the database does not know, a RUT for a company in Chile.
    "/api/v1/companies": [422],
    "/api/v1/companies/{company_id}": [422],
    "/api/v1/invitations/accept": [400],
    # An empty file (422 empty-file).
    "/api/v1/companies/{company_id}/imports": [422],
    # Dates past the calendar, `from` after `to`, ranges past their limits, a location of no company's.
    **{
        f"/api/v1/companies/{{company_id}}/analytics/{name}": [422]
        for name in ("overview", "timeseries", "breakdown", "heatmap", "calendar")
    },
}
SIGNED_IN_PATHS = {path for path, ops in DOCUMENT["paths"].items() if any("security" in op for op in ops.values())}
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429"]
# The health endpoint's 503 is its answer (no worker runs here: "degraded"), not a server error.
HEALTH = {
    "include-path": "/api/v1/health",
    "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "4xx", "503"]}},
}


def _refused(path: str) -> list[str]:
    return [str(status) for status in STATEFUL_REFUSALS.get(path, []) + ([400] if path in SIGNED_IN_PATHS else [])]


def _config(*, coverage_phase: bool = True) -> schemathesis.Config:
    refusals = [
        {"include-path": path, "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES + extra}}}
        for path in sorted(DOCUMENT["paths"])
        if (extra := _refused(path))
    ]
    return schemathesis.Config.from_dict(
        {"seed": SEED, "phases": {"coverage": {"enabled": coverage_phase}}, "operations": [HEALTH, *refusals]}
    )


def _needs_token(context: Any) -> bool:
    operation = context.operation
    return "security" in DOCUMENT["paths"][operation.path][operation.method.lower()]


def _needs_none(context: Any) -> bool:
    return not _needs_token(context)


schema = schemathesis.openapi.from_dict(DOCUMENT, config=_config())  # one test per operation
PUBLIC = schema.exclude(func=_needs_token)
# Without a token, an operation that needs one refuses every request before it reads its parameters: some drawn
# requests (a third of the others' number) show it. Schemathesis's coverage cases (every boundary, missing field and
# wrong type of each parameter) are for the signed-in test, which reaches the parameters.
# (`exclude`, as schemathesis ORs an `include` with the per-operation settings of the config.)
SECURED = schemathesis.openapi.from_dict(DOCUMENT, config=_config(coverage_phase=False)).exclude(func=_needs_none)
REFUSED_EXAMPLES = settings(EXAMPLES, max_examples=max(10, EXAMPLES.max_examples // 3))


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str) -> Iterator[LiveServer]:
    create_user(database_url, EMAIL)
    with LiveServer(create_app(load_settings(make_env(database_url, redis_url)))) as live:
        yield live


@dataclass
class Session:
    """The contract user's access token; fuzzing signs the user out (logout-all), so it signs in again. Its
    wrong current passwords (POST /auth/password) count as failed sign-ins: the test's own sign-in forgets
    them first."""

    base_url: str
    limits: redis.Redis
    token: str | None = None

    def headers(self) -> dict[str, str]:
        if self.token is None:
            forget_rate_limits(self.limits)
            with httpx.Client(base_url=self.base_url, timeout=30) as http:
                self.token = login(http, EMAIL, PASSWORD)["access_token"]
        return {"Authorization": f"Bearer {self.token}"}

    def answered(self, status: int) -> None:
        if status == 401 or status == 204:  # the token died, or logout-all / a password change ended sessions
            self.token = None


@pytest.fixture(scope="module")
def limits(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def session(server: LiveServer, limits: redis.Redis) -> Session:
    return Session(server.url, limits)


def call(case: schemathesis.Case, server: LiveServer, limits: redis.Redis, headers: dict[str, str]) -> int:
    """Send the case and run every check on the answer. A rate limit that fires is documented (else a check
    fails here); it is then forgotten, so the requests after it reach what the fuzzing is for."""
    response = case.call_and_validate(base_url=server.url, headers=headers, checks=every_check(), timeout=60)
    if response.status_code == 429:
        forget_rate_limits(limits)
    return response.status_code


def forget_rate_limits(limits: redis.Redis) -> None:
    for key in limits.scan_iter(match=f"{ratelimit.PREFIX}*", count=1000):
        limits.delete(key)


def every_check() -> list[Any]:
    load_all_checks()
    return list(CHECKS.get_all())


@PUBLIC.parametrize()
@EXAMPLES
@seed(SEED)
def test_the_api_keeps_its_document_without_a_token(
    case: schemathesis.Case, server: LiveServer, limits: redis.Redis
) -> None:
    call(case, server, limits, {})


@SECURED.parametrize()
@REFUSED_EXAMPLES
@seed(SEED)
def test_an_operation_that_needs_a_token_keeps_its_document_without_one(
    case: schemathesis.Case, server: LiveServer, limits: redis.Redis
) -> None:
    # 401; 400 where the drawn Authorization header is malformed (RFC 6750: invalid_request); 404 where the drawn
    # path names no route (an id that is not a uuid). Never the operation's answer.
    assert call(case, server, limits, {}) in (400, 401, 404)


@schema.parametrize()
@EXAMPLES
@seed(SEED)
def test_the_api_keeps_its_document_signed_in(
    case: schemathesis.Case, server: LiveServer, session: Session, limits: redis.Redis
) -> None:
    session.answered(call(case, server, limits, session.headers()))


def test_the_api_keeps_its_document_across_calls(server: LiveServer, session: Session, limits: redis.Redis) -> None:
    """Sequences of calls that follow the document's links (a ping's job, then that job): a resource the API
    just created is there (ensure_resource_availability), with every check on every answer."""

    class Calls(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": server.url, "headers": session.headers(), "timeout": 60}

        def validate_response(
            self, response: schemathesis.Response, case: schemathesis.Case, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=every_check(), headers=kwargs["headers"], transport_kwargs=kwargs)
            session.answered(response.status_code)
            if response.status_code == 429:
                forget_rate_limits(limits)

    Calls.run(settings=settings(EXAMPLES, max_examples=max(5, EXAMPLES.max_examples // 5), stateful_step_count=5))
