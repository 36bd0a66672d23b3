"""Sessions over real HTTP: rotation, reuse detection, concurrency, logout, password change and reset,
Bearer parsing, disabled users, key rotation."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from ayni.app import create_app
from ayni.auth import tokens
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
NEW_PASSWORD = "a brand new passphrase"


def refresh(client: httpx.Client, refresh_token: str) -> httpx.Response:
    return client.post(f"{A}/refresh", json={"refresh_token": refresh_token})


def alive(client: httpx.Client, access_token: str) -> bool:
    status = client.get(f"{A}/me", headers=bearer(access_token)).status_code
    assert status in (200, 401)
    return status == 200


def test_refresh_rotates_and_the_old_token_dies(client: httpx.Client, signed_in: dict[str, str]) -> None:
    first = refresh(client, signed_in["refresh_token"])
    assert first.status_code == 200, first.text
    pair = first.json()
    assert pair["refresh_token"] != signed_in["refresh_token"]
    assert "ayni_refresh=" in first.headers["set-cookie"]
    assert first.headers["cache-control"] == "no-store"  # RFC 6749 section 5.1
    assert alive(client, pair["access_token"])
    second = refresh(client, pair["refresh_token"])
    assert second.status_code == 200


def test_reusing_a_rotated_token_revokes_the_whole_session(
    client: httpx.Client, signed_in: dict[str, str], database_url: str
) -> None:
    newer = refresh(client, signed_in["refresh_token"]).json()
    reuse = refresh(client, signed_in["refresh_token"])
    assert reuse.status_code == 401
    assert reuse.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    # Every token descended from that login is dead now, access tokens included.
    assert refresh(client, newer["refresh_token"]).status_code == 401
    assert not alive(client, newer["access_token"])
    assert not alive(client, signed_in["access_token"])
    assert sql(database_url, "SELECT revoked_reason FROM auth_sessions") == [("reuse",)]


def test_other_sessions_survive_a_reuse(client: httpx.Client, signed_in: dict[str, str]) -> None:
    other = login(client)
    refresh(client, signed_in["refresh_token"])
    refresh(client, signed_in["refresh_token"])
    assert alive(client, other["access_token"])
    assert refresh(client, other["refresh_token"]).status_code == 200


def test_concurrent_refreshes_of_one_token_exactly_one_wins(
    client: httpx.Client, live_app: LiveServer, signed_in: dict[str, str], database_url: str
) -> None:
    def attempt(_: int) -> int:
        with httpx.Client(base_url=live_app.url, timeout=10) as http:
            return refresh(http, signed_in["refresh_token"]).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(attempt, range(8)))
    assert sorted(statuses) == [200] + [401] * 7
    # The losers count as reuse: the session is revoked, consistently, in one row.
    rows = sql(database_url, "SELECT revoked_reason, octet_length(current_jti_hash) FROM auth_sessions")
    assert rows == [("reuse", 32)]


def test_refresh_from_the_cookie_without_a_body(client: httpx.Client, signed_in: dict[str, str]) -> None:
    response = client.post(f"{A}/refresh", headers={"Cookie": f"ayni_refresh={signed_in['refresh_token']}"})
    assert response.status_code == 200, response.text
    new = response.json()["refresh_token"]
    assert response.headers["set-cookie"].startswith(f"ayni_refresh={new};")


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 3000])
def test_refresh_refuses_garbage(client: httpx.Client, token: str) -> None:
    response = client.post(f"{A}/refresh", json={"refresh_token": token})
    assert response.status_code in (401, 422)


def test_refresh_without_any_token_is_401(client: httpx.Client) -> None:
    response = client.post(f"{A}/refresh")
    assert response.status_code == 401
    assert problem_type(response) == "invalid-token"
    assert client.post(f"{A}/refresh", json={"refresh_token": "x", "extra": 1}).status_code == 422


def test_an_access_token_is_not_a_refresh_token_and_the_reverse(
    client: httpx.Client, signed_in: dict[str, str]
) -> None:
    assert refresh(client, signed_in["access_token"]).status_code == 401
    assert client.get(f"{A}/me", headers=bearer(signed_in["refresh_token"])).status_code == 401
    # Neither attempt harmed the session.
    assert refresh(client, signed_in["refresh_token"]).status_code == 200


def test_logout_kills_that_session_only(client: httpx.Client, signed_in: dict[str, str]) -> None:
    other = login(client)
    response = client.post(f"{A}/logout", json={"refresh_token": signed_in["refresh_token"]})
    assert response.status_code == 204
    assert "max-age=0" in response.headers["set-cookie"].lower()
    assert refresh(client, signed_in["refresh_token"]).status_code == 401
    assert not alive(client, signed_in["access_token"])
    assert alive(client, other["access_token"])
    assert client.post(f"{A}/logout", json={"refresh_token": signed_in["refresh_token"]}).status_code == 204


def test_logout_with_the_cookie_and_with_nothing(client: httpx.Client, signed_in: dict[str, str]) -> None:
    response = client.post(f"{A}/logout", headers={"Cookie": f"ayni_refresh={signed_in['refresh_token']}"})
    assert response.status_code == 204
    assert not alive(client, signed_in["access_token"])
    assert client.post(f"{A}/logout").status_code == 204
    assert client.post(f"{A}/logout", json={"refresh_token": "garbage"}).status_code == 401


def test_logout_all_kills_every_session_and_access_token(client: httpx.Client, signed_in: dict[str, str]) -> None:
    other = login(client)
    response = client.post(f"{A}/logout-all", headers=bearer(other["access_token"]))
    assert response.status_code == 204
    for pair in (signed_in, other):
        assert not alive(client, pair["access_token"])
        assert refresh(client, pair["refresh_token"]).status_code == 401
    assert alive(client, login(client)["access_token"])


def test_change_password_keeps_this_session_and_ends_the_others(
    client: httpx.Client, signed_in: dict[str, str], database_url: str
) -> None:
    other = login(client)
    response = client.post(
        f"{A}/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(signed_in["access_token"]),
    )
    assert response.status_code == 204, response.text
    assert alive(client, signed_in["access_token"])
    assert refresh(client, signed_in["refresh_token"]).status_code == 200
    assert not alive(client, other["access_token"])
    assert refresh(client, other["refresh_token"]).status_code == 401
    assert client.post(f"{A}/login", json={"email": "ana@example.cl", "password": PASSWORD}).status_code == 401
    login(client, password=NEW_PASSWORD)
    assert sql(database_url, "SELECT actor FROM jobs") == [("send_email",)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "wrong password", "new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "ana@example.cl"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "iloveyou123"[:8]}, "new_password"),
        ({"new_password": NEW_PASSWORD}, "current_password"),
    ],
)
def test_change_password_refusals_change_nothing(
    client: httpx.Client, signed_in: dict[str, str], database_url: str, body: dict[str, str], field: str
) -> None:
    before = sql(database_url, "SELECT password_hash FROM users")
    response = client.post(f"{A}/password", json=body, headers=bearer(signed_in["access_token"]))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert sql(database_url, "SELECT password_hash FROM users") == before
    assert sql(database_url, "SELECT count(*) FROM auth_sessions WHERE revoked_at IS NULL") == [(1,)]


def test_password_reset_request_is_202_for_anyone(client: httpx.Client, user: uuid.UUID, database_url: str) -> None:
    # The same work for both: one job each, no token minted by the API (the worker does it).
    for email in ("ana@example.cl", "nobody@example.cl"):
        assert client.post(f"{A}/password-reset", json={"email": email}).status_code == 202
    assert sql(database_url, "SELECT count(*) FROM auth_one_time_tokens") == [(0,)]
    assert sql(database_url, "SELECT count(*) FROM jobs") == [(2,)]


def test_password_reset_confirm_ends_every_session_and_works_once(
    client: httpx.Client, user: uuid.UUID, database_url: str
) -> None:
    sessions = [login(client), login(client)]
    token = one_time_token(database_url, user, "password_reset", timedelta(hours=1))
    response = client.post(f"{A}/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 204, response.text
    for pair in sessions:
        assert not alive(client, pair["access_token"])
        assert refresh(client, pair["refresh_token"]).status_code == 401
    login(client, password=NEW_PASSWORD)
    again = client.post(f"{A}/password-reset/confirm", json={"token": token, "new_password": "yet another one!"})
    assert again.status_code == 400
    assert problem_type(again) == "token-used"
    login(client, password=NEW_PASSWORD)


def test_password_reset_confirm_refusals_keep_the_token(
    client: httpx.Client, user: uuid.UUID, database_url: str
) -> None:
    expired = one_time_token(database_url, user, "password_reset", timedelta(seconds=-1))
    verify = one_time_token(database_url, user, "verify_email", timedelta(hours=1))
    good = one_time_token(database_url, user, "password_reset", timedelta(hours=1))
    url = f"{A}/password-reset/confirm"
    assert problem_type(client.post(url, json={"token": expired, "new_password": NEW_PASSWORD})) == "token-expired"
    assert problem_type(client.post(url, json={"token": verify, "new_password": NEW_PASSWORD})) == "invalid-token"
    weak = client.post(url, json={"token": good, "new_password": "ana@example.cl"})
    assert weak.status_code == 422
    assert client.post(url, json={"token": good, "new_password": NEW_PASSWORD}).status_code == 204


def test_a_newer_reset_use_retires_older_links(client: httpx.Client, user: uuid.UUID, database_url: str) -> None:
    older = one_time_token(database_url, user, "password_reset", timedelta(hours=1))
    newer = one_time_token(database_url, user, "password_reset", timedelta(hours=1))
    url = f"{A}/password-reset/confirm"
    assert client.post(url, json={"token": newer, "new_password": NEW_PASSWORD}).status_code == 204
    assert client.post(url, json={"token": older, "new_password": "yet another one!"}).status_code == 400


def test_a_disabled_users_tokens_stop_at_once(
    client: httpx.Client, signed_in: dict[str, str], user: uuid.UUID, database_url: str
) -> None:
    sql(database_url, "UPDATE users SET disabled = true WHERE id = %s", (user,))
    assert not alive(client, signed_in["access_token"])
    assert refresh(client, signed_in["refresh_token"]).status_code == 401
    # Not a reuse of a stolen token: nothing is recorded as one, and enabling the user again revives it.
    assert sql(database_url, "SELECT revoked_at, revoked_reason FROM auth_sessions") == [(None, None)]
    sql(database_url, "UPDATE users SET disabled = false WHERE id = %s", (user,))
    assert refresh(client, signed_in["refresh_token"]).status_code == 200


def test_a_deleted_users_tokens_stop_at_once(
    client: httpx.Client, signed_in: dict[str, str], user: uuid.UUID, database_url: str
) -> None:
    sql(database_url, "DELETE FROM users WHERE id = %s", (user,))
    assert not alive(client, signed_in["access_token"])
    assert refresh(client, signed_in["refresh_token"]).status_code == 401


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Bearer  \tx"}, 401),
        ({"Authorization": "Bearer garbage"}, 401),
        ({"Authorization": "Bearer a.b.c"}, 401),
        ({"Authorization": "Bearer ??!!"}, 401),
        ({"Authorization": "Basic YW5hOnB3"}, 401),
        ({"Authorization": "Token abc"}, 401),
        ({"Authorization": "Bearer one two"}, 400),
        ({"Authorization": "Bearer " + "x" * 10_000}, 401),
    ],
)
def test_bad_authorization_headers(client: httpx.Client, headers: dict[str, str], status: int) -> None:
    response = client.get(f"{A}/me", headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    if status == 401:
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_two_authorization_headers_and_query_tokens_are_refused(
    client: httpx.Client, signed_in: dict[str, str]
) -> None:
    token = signed_in["access_token"]
    two = client.get(f"{A}/me", headers=[("Authorization", f"Bearer {token}"), ("Authorization", f"Bearer {token}")])
    assert two.status_code == 400
    assert client.get(f"{A}/me", headers=bearer(token)).status_code == 200
    in_query = client.get(f"{A}/me", params={"access_token": token})
    assert in_query.status_code == 400
    assert problem_type(in_query) == "invalid-request"
    both = client.get(f"{A}/me", params={"access_token": token}, headers=bearer(token))
    assert both.status_code == 400


def test_an_expired_access_token_is_refused(
    client: httpx.Client, signed_in: dict[str, str], app_settings: Settings
) -> None:
    claims = tokens.decode(signed_in["access_token"], tokens.Keys.from_settings(app_settings), "access", _now())
    old = tokens.Claims(claims.sub, claims.sid, "j", "access", claims.iat - 3600, claims.iat - 1800)
    assert not alive(client, tokens.encode(old, app_settings.jwt_secret))


def _now() -> datetime:
    return datetime.now(UTC)


def test_key_rotation_keeps_sessions_alive(
    make_settings: Callable[..., Settings], database_url: str, clean_state: None
) -> None:
    create_user(database_url)
    old_key = "old-key-" + "o" * 60
    new_key = "new-key-" + "n" * 60
    with LiveServer(create_app(make_settings(JWT_SECRET=old_key))) as server, httpx.Client(base_url=server.url) as http:
        pair: dict[str, Any] = login(http)
    rotating = make_settings(JWT_SECRET=new_key, JWT_SECRET_PREVIOUS=old_key)
    with LiveServer(create_app(rotating)) as server, httpx.Client(base_url=server.url) as http:
        assert alive(http, pair["access_token"])
        renewed = refresh(http, pair["refresh_token"])
        assert renewed.status_code == 200
        pair = renewed.json()
    with LiveServer(create_app(make_settings(JWT_SECRET=new_key))) as server, httpx.Client(base_url=server.url) as http:
        # Tokens issued during the rotation are signed with the new key: they outlive the old one.
        assert alive(http, pair["access_token"])
        assert refresh(http, pair["refresh_token"]).status_code == 200
    with LiveServer(create_app(make_settings(JWT_SECRET=old_key))) as server, httpx.Client(base_url=server.url) as http:
        assert not alive(http, pair["access_token"])


def test_concurrent_uses_of_one_reset_link_exactly_one_wins(
    client: httpx.Client, live_app: LiveServer, user: uuid.UUID, database_url: str
) -> None:
    token = one_time_token(database_url, user, "password_reset", timedelta(hours=1))

    def attempt(n: int) -> int:
        with httpx.Client(base_url=live_app.url, timeout=10) as http:
            body = {"token": token, "new_password": f"concurrent passphrase {n}"}
            return http.post(f"{A}/password-reset/confirm", json=body).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(attempt, range(6)))
    assert sorted(statuses) == [204] + [400] * 5
    winner = statuses.index(204)
    login(client, password=f"concurrent passphrase {winner}")
    assert sql(database_url, "SELECT count(*) FROM jobs") == [(1,)]
