"""Accounts over real HTTP: register, verify, resend, login, me."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest

from ayni.app import create_app
from ayni.auth import passwords
from ayni.config import Settings
from tests.accounts import (
    PASSWORD,
    bearer,
    create_user,
    login,
    one_time_token,
    problem_type,
    sql,
)
from tests.servers import LiveServer

A = "/api/v1/auth"


def test_register_creates_an_unverified_user_and_queues_the_verification_email(
    client: httpx.Client, database_url: str
) -> None:
    response = client.post(
        f"{A}/register", json={"email": "  Ana@Example.CL ", "password": PASSWORD, "full_name": " Ana Pérez "}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "email", "full_name", "email_verified", "created_at"}
    assert body["email"] == "ana@example.cl"
    assert body["full_name"] == "Ana Pérez"
    assert body["email_verified"] is False
    [(stored_hash,)] = sql(database_url, "SELECT password_hash FROM users WHERE id = %s", (uuid.UUID(body["id"]),))
    assert stored_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in response.text
    # A system job (no user sees it in GET /jobs); its message names the user, never a token: the worker
    # mints the link (tests/auth/test_emails.py).
    jobs = sql(database_url, "SELECT actor, user_id, outbox_kwargs FROM jobs")
    assert jobs == [("send_email", None, None)]
    assert sql(database_url, "SELECT count(*) FROM auth_one_time_tokens") == [(0,)]


def test_register_twice_is_a_conflict(client: httpx.Client, database_url: str) -> None:
    assert client.post(f"{A}/register", json={"email": "ana@example.cl", "password": PASSWORD}).status_code == 201
    again = client.post(f"{A}/register", json={"email": "ANA@example.cl", "password": PASSWORD + "x"})
    assert again.status_code == 409
    assert problem_type(again) == "email-taken"
    assert sql(database_url, "SELECT count(*) FROM users") == [(1,)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "ana@example.cl"}, "password"),
        ({"password": PASSWORD}, "email"),
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a" * 10_000 + "@example.cl", "password": PASSWORD}, "email"),
        ({"email": "ana@example.cl", "password": "short"}, "password"),
        ({"email": "ana@example.cl", "password": "x" * 129}, "password"),
        ({"email": "ana@example.cl", "password": "password123"}, "password"),
        ({"email": "ana@example.cl", "password": "ana@example.cl"}, "password"),
        ({"email": "ana@example.cl", "password": PASSWORD, "is_admin": True}, "is_admin"),
        ({"email": "ana@example.cl", "password": 12345678}, "password"),
        ({"email": "ana@example.cl", "password": PASSWORD, "full_name": "x" * 201}, "full_name"),
        ({"email": "ana@example.cl", "password": PASSWORD, "full_name": "bad\x00name"}, "full_name"),
    ],
)
def test_register_validation_names_the_field(
    client: httpx.Client, database_url: str, body: dict[str, object], field: str
) -> None:
    response = client.post(f"{A}/register", json=body)
    assert response.status_code == 422, response.text
    assert problem_type(response) == "validation-error"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert sql(database_url, "SELECT count(*) FROM users") == [(0,)]


def test_malformed_json_and_wrong_media_type(client: httpx.Client) -> None:
    bad = client.post(f"{A}/login", content=b'{"email": ', headers={"content-type": "application/json"})
    assert bad.status_code == 400
    assert problem_type(bad) == "malformed-body"
    empty = client.post(f"{A}/login")
    assert empty.status_code == 400
    form = client.post(f"{A}/login", data={"email": "ana@example.cl", "password": PASSWORD})
    assert form.status_code == 415


def test_a_one_megabyte_password_is_refused_before_hashing(client: httpx.Client, user: uuid.UUID) -> None:
    huge = client.post(f"{A}/login", json={"email": "ana@example.cl", "password": "x" * 1_048_576})
    assert huge.status_code == 413
    assert problem_type(huge) == "body-too-large"
    big = client.post(f"{A}/login", json={"email": "ana@example.cl", "password": "x" * 200_000})
    assert big.status_code == 422
    assert [e["field"] for e in big.json()["errors"]] == ["password"]


def test_verify_email_works_once(client: httpx.Client, database_url: str) -> None:
    user_id = create_user(database_url, verified=False)
    token = one_time_token(database_url, user_id, "verify_email", timedelta(hours=24))
    response = client.post(f"{A}/verify-email", json={"token": token})
    assert response.status_code == 200, response.text
    assert response.json()["email_verified"] is True
    again = client.post(f"{A}/verify-email", json={"token": token})
    assert again.status_code == 400
    assert problem_type(again) == "token-used"


def test_verify_email_refuses_expired_unknown_and_reset_tokens(client: httpx.Client, database_url: str) -> None:
    user_id = create_user(database_url, verified=False)
    expired = one_time_token(database_url, user_id, "verify_email", timedelta(seconds=-1))
    reset = one_time_token(database_url, user_id, "password_reset", timedelta(hours=1))
    assert problem_type(client.post(f"{A}/verify-email", json={"token": expired})) == "token-expired"
    assert problem_type(client.post(f"{A}/verify-email", json={"token": reset})) == "invalid-token"
    assert problem_type(client.post(f"{A}/verify-email", json={"token": "nope"})) == "invalid-token"
    assert client.post(f"{A}/verify-email", json={"token": ""}).status_code == 422
    assert sql(database_url, "SELECT email_verified_at FROM users") == [(None,)]


def test_an_access_token_is_not_a_verification_token(client: httpx.Client, signed_in: dict[str, str]) -> None:
    response = client.post(f"{A}/verify-email", json={"token": signed_in["access_token"]})
    assert response.status_code == 400


def test_resend_does_the_same_work_for_any_address(client: httpx.Client, database_url: str) -> None:
    """Always 202, and one job each: whether an email leaves is the worker's decision, so neither the
    answer nor its timing tells whether an account exists (the actor's choices: tests/auth/test_emails.py)."""
    create_user(database_url, "verified@example.cl")
    create_user(database_url, "pending@example.cl", verified=False)
    for email in ("verified@example.cl", "pending@example.cl", "nobody@example.cl"):
        response = client.post(f"{A}/verify-email/resend", json={"email": email})
        assert response.status_code == 202
        assert response.content == b""
    assert sql(database_url, "SELECT count(*) FROM jobs WHERE actor = 'send_email'") == [(3,)]
    assert sql(database_url, "SELECT count(*) FROM auth_one_time_tokens") == [(0,)]


def test_login_gives_a_token_pair_and_the_cookie(client: httpx.Client, user: uuid.UUID) -> None:
    response = client.post(f"{A}/login", json={"email": " ANA@example.cl", "password": PASSWORD})
    assert response.status_code == 200, response.text
    pair = response.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 15 * 60
    assert response.headers["cache-control"] == "no-store"  # RFC 6749 section 5.1: tokens are never cached
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"ayni_refresh={pair['refresh_token']};")
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/api/v1/auth", f"Max-Age={30 * 86400}"):
        assert attribute.lower() in cookie.lower()
    me = client.get(f"{A}/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.cl"
    assert me.json()["id"] == str(user)


def test_unknown_email_and_wrong_password_get_the_same_401(client: httpx.Client, user: uuid.UUID) -> None:
    wrong = client.post(f"{A}/login", json={"email": "ana@example.cl", "password": "not the password"})
    unknown = client.post(f"{A}/login", json={"email": "nobody@example.cl", "password": "not the password"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        assert problem_type(response) == "invalid-credentials"
    assert {k: v for k, v in wrong.json().items() if k != "instance"} == {
        k: v for k, v in unknown.json().items() if k != "instance"
    }


def test_unverified_login_is_403_when_required(client: httpx.Client, database_url: str) -> None:
    create_user(database_url, verified=False)
    response = client.post(f"{A}/login", json={"email": "ana@example.cl", "password": PASSWORD})
    assert response.status_code == 403
    assert problem_type(response) == "email-not-verified"
    wrong = client.post(f"{A}/login", json={"email": "ana@example.cl", "password": "not the password"})
    assert wrong.status_code == 401


def test_unverified_login_is_allowed_when_not_required(
    make_settings: Callable[..., Settings], database_url: str, clean_state: None
) -> None:
    create_user(database_url, verified=False)
    settings = make_settings(AUTH_REQUIRE_VERIFIED_EMAIL="false")
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url) as http:
        assert login(http)["token_type"] == "bearer"


def test_disabled_account_cannot_sign_in(client: httpx.Client, database_url: str) -> None:
    create_user(database_url, disabled=True)
    response = client.post(f"{A}/login", json={"email": "ana@example.cl", "password": PASSWORD})
    assert response.status_code == 403
    assert problem_type(response) == "account-disabled"


def test_login_rehashes_a_hash_with_old_parameters(client: httpx.Client, database_url: str) -> None:
    old = passwords.hash_password(PASSWORD, passwords.HashParams(time_cost=1, memory_cost_kib=1024))
    create_user(database_url, hash_override=old)
    login(client)
    [(stored,)] = sql(database_url, "SELECT password_hash FROM users")
    assert stored != old
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    login(client)  # the new hash verifies


def test_me_and_patch_me(client: httpx.Client, signed_in: dict[str, str]) -> None:
    headers = bearer(signed_in["access_token"])
    patched = client.patch(f"{A}/me", json={"full_name": "  Ana María Pérez  "}, headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["full_name"] == "Ana María Pérez"
    assert client.get(f"{A}/me", headers=headers).json()["full_name"] == "Ana María Pérez"
    for body in ({"email": "other@example.cl"}, {"full_name": "x", "email_verified": True}, {}):
        refused = client.patch(f"{A}/me", json=body, headers=headers)
        assert refused.status_code == 422
    assert client.get(f"{A}/me", headers=headers).json()["email"] == "ana@example.cl"


def test_login_latency_is_measured(client: httpx.Client, user: uuid.UUID) -> None:
    """Prints the sign-in latency with the real argon2 parameters (run with -s); asserts no timing."""
    import statistics
    import time

    def timed(email: str, password: str) -> float:
        started = time.perf_counter()
        client.post(f"{A}/login", json={"email": email, "password": password})
        return (time.perf_counter() - started) * 1000

    timed("ana@example.cl", PASSWORD)  # warm-up: pool connection, dummy hash
    right = [timed("ana@example.cl", PASSWORD) for _ in range(20)]
    unknown = [timed(f"nobody{n}@example.cl", PASSWORD) for n in range(4)]
    print(
        f"\nlogin latency over HTTP, argon2id m=19456 t=2 p=1: success median {statistics.median(right):.1f} ms, "
        f"max {max(right):.1f} ms; unknown email median {statistics.median(unknown):.1f} ms"
    )
