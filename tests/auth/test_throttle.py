"""Attempt limits over real HTTP and Redis, and what happens when Redis is down."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

import httpx
import pytest

from ayni.app import create_app
from ayni.config import Settings
from ayni.embedded import free_port
from tests.accounts import PASSWORD, create_user, login, problem_type
from tests.servers import LiveServer

A = "/api/v1/auth"
WRONG = {"email": "ana@example.cl", "password": "not the password"}


@pytest.fixture
def app_settings(make_settings: Callable[..., Settings]) -> Settings:
    """The tests play the one proxy in front of the API: their X-Forwarded-For names the client."""
    return make_settings(FORWARDED_TRUSTED_HOPS="1")


def test_failed_logins_per_account_answer_429_with_retry_after(client: httpx.Client, user: uuid.UUID) -> None:
    # Each failure from a different address: only the account's counter can trip.
    for n in range(5):
        response = client.post(f"{A}/login", json=WRONG, headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert response.status_code == 401
    blocked = client.post(f"{A}/login", json=WRONG, headers={"X-Forwarded-For": "203.0.113.99"})
    assert blocked.status_code == 429
    assert problem_type(blocked) == "too-many-attempts"
    assert 0 < int(blocked.headers["retry-after"]) <= 900
    # Even the right password waits now: the limit protects the account, not the guess.
    right = client.post(
        f"{A}/login",
        json={"email": "ana@example.cl", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert right.status_code == 429
    # Another account is unaffected.
    create_user_for_other = client.post(f"{A}/login", json={"email": "other@example.cl", "password": "whatever!"})
    assert create_user_for_other.status_code == 401


def test_one_accounts_failures_do_not_lock_out_its_address(
    client: httpx.Client, user: uuid.UUID, database_url: str
) -> None:
    """Finding 12 of issue 10: five typos of one person locked every account behind the same address (an
    office, a carrier's NAT, everyone on localhost) for 15 minutes."""
    create_user(database_url, "luis@example.cl")
    for _ in range(5):
        assert client.post(f"{A}/login", json=WRONG).status_code == 401
    assert client.post(f"{A}/login", json=WRONG).status_code == 429
    login(client, email="luis@example.cl")


@pytest.fixture
def address_limited(make_settings: Callable[..., Settings], database_url: str, clean_state: None) -> Settings:
    return make_settings(LOGIN_ADDRESS_ATTEMPTS_LIMIT="8", LOGIN_ATTEMPTS_WINDOW_SECONDS="60")


def test_failed_logins_per_address_have_their_own_higher_limit(address_limited: Settings) -> None:
    with LiveServer(create_app(address_limited)) as server, httpx.Client(base_url=server.url) as http:
        for n in range(8):
            response = http.post(f"{A}/login", json={"email": f"user{n}@example.cl", "password": "not the password"})
            assert response.status_code == 401
        blocked = http.post(f"{A}/login", json={"email": "user9@example.cl", "password": "not the password"})
        assert blocked.status_code == 429
        assert 0 < int(blocked.headers["retry-after"]) <= 60


def test_retry_after_is_stable_and_honest(
    make_settings: Callable[..., Settings], database_url: str, clean_state: None
) -> None:
    """Refused attempts move no window: Retry-After only counts down, and once it has passed the next
    attempt is let through."""
    create_user(database_url)
    settings = make_settings(LOGIN_ATTEMPTS_LIMIT="2", LOGIN_ATTEMPTS_WINDOW_SECONDS="3")
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=20) as http:
        assert [http.post(f"{A}/login", json=WRONG).status_code for _ in range(2)] == [401, 401]
        waits = []
        for _ in range(6):
            refused = http.post(f"{A}/login", json=WRONG)
            if refused.status_code != 429:
                break  # the window ended while refusing (a slow machine): what follows is checked anyway
            waits.append(int(refused.headers["retry-after"]))
        assert waits, "no attempt was refused"
        assert waits == sorted(waits, reverse=True)
        assert all(0 < w <= 3 for w in waits)
        time.sleep(waits[-1] + 0.5)
        assert http.post(f"{A}/login", json=WRONG).status_code == 401


def test_a_successful_login_forgets_the_accounts_failures(client: httpx.Client, user: uuid.UUID) -> None:
    for n in range(4):
        client.post(f"{A}/login", json=WRONG, headers={"X-Forwarded-For": f"203.0.113.{n}"})
    login(client)
    for n in range(4):
        response = client.post(f"{A}/login", json=WRONG, headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert response.status_code == 401


def test_the_limit_is_configurable(
    make_settings: Callable[..., Settings], database_url: str, clean_state: None
) -> None:
    create_user(database_url)
    settings = make_settings(LOGIN_ATTEMPTS_LIMIT="2", LOGIN_ATTEMPTS_WINDOW_SECONDS="60")
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url) as http:
        assert [http.post(f"{A}/login", json=WRONG).status_code for _ in range(3)] == [401, 401, 429]
        assert 0 < int(http.post(f"{A}/login", json=WRONG).headers["retry-after"]) <= 60


def test_registration_and_email_requests_are_limited(client: httpx.Client, clean_state: None) -> None:
    statuses = [client.post(f"{A}/password-reset", json={"email": "ana@example.cl"}).status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]
    resend = [client.post(f"{A}/verify-email/resend", json={"email": f"u{n}@example.cl"}).status_code for n in range(8)]
    assert resend[-1] == 429  # 10 email requests per address per hour, 4 used above
    registrations = [
        client.post(f"{A}/register", json={"email": f"r{n}@example.cl", "password": PASSWORD}).status_code
        for n in range(11)
    ]
    assert registrations == [201] * 10 + [429]


@pytest.fixture
def redis_down(make_settings: Callable[..., Settings], database_url: str, clean_state: None) -> Settings:
    return make_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", HEALTH_CHECK_TIMEOUT="0.5")


def test_login_fails_open_when_redis_is_down_and_says_so(
    redis_down: Settings, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    create_user(database_url)
    with (
        caplog.at_level(logging.WARNING, logger="ayni.auth.throttle"),
        LiveServer(create_app(redis_down)) as server,
        httpx.Client(base_url=server.url, timeout=20) as http,
    ):
        pair = login(http)
        assert http.get(f"{A}/me", headers={"Authorization": f"Bearer {pair['access_token']}"}).status_code == 200
        assert http.post(f"{A}/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 200
        # Nothing else skips its limit silently: these answer 503.
        for path, body in (
            ("register", {"email": "new@example.cl", "password": PASSWORD}),
            ("password-reset", {"email": "ana@example.cl"}),
            ("verify-email/resend", {"email": "ana@example.cl"}),
        ):
            response = http.post(f"{A}/{path}", json=body)
            assert response.status_code == 503, (path, response.text)
    assert any("login throttling skipped" in r.getMessage() for r in caplog.records)


def test_an_address_written_by_the_client_gets_no_fresh_bucket(
    make_settings: Callable[..., Settings], database_url: str, clean_state: None
) -> None:
    """Finding 3 of issue 10: with FORWARDED_ALLOW_IPS='*', uvicorn took the leftmost X-Forwarded-For
    entry, so `X-Forwarded-For: 203.0.113.7, <real address>` got a fresh throttle bucket."""
    settings = make_settings(FORWARDED_TRUSTED_HOPS="1", LOGIN_ADDRESS_ATTEMPTS_LIMIT="3")
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url) as http:

        def attempt(forwarded_for: str) -> int:
            body = {"email": f"{uuid.uuid4().hex[:8]}@example.cl", "password": "not the password"}
            return http.post(f"{A}/login", json=body, headers={"X-Forwarded-For": forwarded_for}).status_code

        assert [attempt("198.51.100.20") for _ in range(3)] == [401] * 3
        assert attempt("198.51.100.20") == 429
        assert attempt("203.0.113.7, 198.51.100.20") == 429
        assert attempt("203.0.113.8,198.51.100.9, 198.51.100.20") == 429
        assert attempt("198.51.100.21") == 401  # another client behind the same proxy
