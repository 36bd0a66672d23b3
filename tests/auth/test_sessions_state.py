"""A stateful property test of sessions over real HTTP, PostgreSQL and Redis.

Any sequence of login, refresh, reuse of a rotated refresh token, logout, logout-all and password change
must never leave a usable token that should be dead, and never kill one that should live. After every
step, every access token ever issued is tried (GET /me), and every refresh token ever issued is checked
against the database without spending it (usable iff its session is live and its jti hash is the current
one); spending refresh tokens is what the rules themselves do.

The CI profile runs 25 examples of up to 12 steps (each step is a few HTTP requests and an argon2 hash at
times); HYPOTHESIS_PROFILE=long runs 300.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import psycopg
import redis
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from ayni.auth import tokens
from ayni.config import Settings
from tests.accounts import PASSWORD, bearer, create_user

A = "/api/v1/auth"


@dataclass
class ModelSession:
    current_refresh: str
    accesses: list[str]
    old_refreshes: list[str] = field(default_factory=list)
    alive: bool = True


class Sessions(RuleBasedStateMachine):
    client: httpx.Client
    database_url: str
    redis_url: str
    app_settings: Settings

    def __init__(self) -> None:
        super().__init__()
        flush = redis.Redis.from_url(self.redis_url)
        flush.flushdb()
        flush.close()
        self.email = f"u{uuid.uuid4().hex[:12]}@example.cl"
        self.password = PASSWORD
        create_user(self.database_url, self.email, PASSWORD)
        self.sessions: list[ModelSession] = []
        self.db = psycopg.connect(self.database_url, autocommit=True)

    def teardown(self) -> None:
        self.db.close()

    def _pick(self, index: int) -> ModelSession:
        return self.sessions[index % len(self.sessions)]

    @rule()
    def login(self) -> None:
        response = self.client.post(f"{A}/login", json={"email": self.email, "password": self.password})
        assert response.status_code == 200, response.text
        pair = response.json()
        self.sessions.append(ModelSession(pair["refresh_token"], [pair["access_token"]]))

    @precondition(lambda self: self.sessions)
    @rule(index=st.integers(0, 50))
    def refresh(self, index: int) -> None:
        session = self._pick(index)
        response = self.client.post(f"{A}/refresh", json={"refresh_token": session.current_refresh})
        if session.alive:
            assert response.status_code == 200, response.text
            pair = response.json()
            session.old_refreshes.append(session.current_refresh)
            session.current_refresh = pair["refresh_token"]
            session.accesses.append(pair["access_token"])
        else:
            assert response.status_code == 401, response.text

    @precondition(lambda self: any(s.old_refreshes for s in self.sessions))
    @rule(index=st.integers(0, 50), which=st.integers(0, 50))
    def reuse_a_rotated_token(self, index: int, which: int) -> None:
        candidates = [s for s in self.sessions if s.old_refreshes]
        session = candidates[index % len(candidates)]
        old = session.old_refreshes[which % len(session.old_refreshes)]
        response = self.client.post(f"{A}/refresh", json={"refresh_token": old})
        assert response.status_code == 401, response.text
        session.alive = False

    @precondition(lambda self: self.sessions)
    @rule(index=st.integers(0, 50), by_cookie=st.booleans())
    def logout(self, index: int, by_cookie: bool) -> None:
        session = self._pick(index)
        if by_cookie:
            response = self.client.post(f"{A}/logout", headers={"Cookie": f"ayni_refresh={session.current_refresh}"})
        else:
            response = self.client.post(f"{A}/logout", json={"refresh_token": session.current_refresh})
        assert response.status_code == 204, response.text
        session.alive = False

    @precondition(lambda self: self.sessions)
    @rule(index=st.integers(0, 50))
    def logout_all(self, index: int) -> None:
        session = self._pick(index)
        response = self.client.post(f"{A}/logout-all", headers=bearer(session.accesses[-1]))
        if session.alive:
            assert response.status_code == 204, response.text
            for other in self.sessions:
                other.alive = False
        else:
            assert response.status_code == 401, response.text

    @precondition(lambda self: self.sessions)
    @rule(index=st.integers(0, 50))
    def change_password(self, index: int) -> None:
        session = self._pick(index)
        new_password = f"passphrase number {uuid.uuid4().hex[:6]}"
        response = self.client.post(
            f"{A}/password",
            json={"current_password": self.password, "new_password": new_password},
            headers=bearer(session.accesses[-1]),
        )
        if session.alive:
            assert response.status_code == 204, response.text
            self.password = new_password
            for other in self.sessions:
                if other is not session:
                    other.alive = False
        else:
            assert response.status_code == 401, response.text

    @invariant()
    def access_tokens_live_exactly_with_their_session(self) -> None:
        for session in self.sessions:
            for access in session.accesses:
                status = self.client.get(f"{A}/me", headers=bearer(access)).status_code
                assert status == (200 if session.alive else 401)

    @invariant()
    def only_the_current_refresh_token_of_a_live_session_is_usable(self) -> None:
        keys = tokens.Keys.from_settings(self.app_settings)
        for session in self.sessions:
            for refresh_token in [*session.old_refreshes, session.current_refresh]:
                claims = tokens.decode(refresh_token, keys, "refresh", datetime.now(UTC))
                row = self.db.execute(
                    "SELECT revoked_at IS NULL AND expires_at > now() AND current_jti_hash = %s "
                    "FROM auth_sessions WHERE id = %s",
                    (tokens.sha256(claims.jti), uuid.UUID(claims.sid)),
                ).fetchone()
                assert row is not None
                usable = bool(row[0])
                assert usable == (session.alive and refresh_token == session.current_refresh)


def test_sessions_state_machine(
    client: httpx.Client, database_url: str, redis_url: str, app_settings: Settings
) -> None:
    Sessions.client = client
    Sessions.database_url = database_url
    Sessions.redis_url = redis_url
    Sessions.app_settings = app_settings
    profile = hypothesis_settings()
    examples = 25 if profile.max_examples <= 100 else 300
    run_state_machine_as_test(
        Sessions,
        settings=hypothesis_settings(profile, max_examples=examples, stateful_step_count=12),
    )
