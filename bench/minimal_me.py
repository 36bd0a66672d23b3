"""The ceiling of `me_vs_minimal`: `GET /api/v1/auth/me` as a minimal ASGI app does it, the same work as Ayni's
and nothing else. It reads the bearer token from the raw headers and decodes it with pyjwt on every request:
the same key, HS256 only, the same issuer and audience, every claim required, the kind checked. Then it runs
the same session-and-user query (the SQL text of `ayni.auth.store.session_user`, as `$1` SQL) on an asyncpg
pool like the API's (10 connections, the app's role, no reset round trip on release). It answers the same
bytes as Ayni: the user's JSON and every header (security headers, `vary`, a request id). It is served with
Ayni's own uvicorn settings (bench/ceiling.py `serve`).

    python bench/minimal_me.py PORT        (DATABASE_URL and JWT_SECRET from the environment, as `ayni serve`)
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any
from uuid import UUID

import asyncpg
import jwt
from ceiling import Asgi, lifespan, serve

SESSION_USER = """SELECT u.id, u.email, u.password_hash, u.full_name, u.email_verified_at, u.disabled, u.created_at
    FROM auth_sessions AS s JOIN users AS u ON u.id = s.user_id
    WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled"""
CLAIMS = ["iss", "aud", "sub", "sid", "iat", "exp", "jti", "kind"]
UNAUTHORIZED = {"type": "http.response.start", "status": 401, "headers": [(b"content-length", b"0")]}


async def _app_role(connection: asyncpg.Connection) -> None:
    await connection.execute("SET ROLE ayni_app")


async def _no_reset(connection: asyncpg.Connection) -> None:
    """As the API's pool: no reset round trip when a connection goes back."""


def minimal_me_app(database_url: str, key: str) -> Asgi:
    from ayni.middleware import REQUEST_ID_HEADER, RequestIds, security_headers

    ids = RequestIds()
    fixed = [(b"vary", b"Origin")]
    after_id = [(k.encode(), v.encode()) for k, v in security_headers(production=False).items()]
    pool: asyncpg.Pool | None = None

    async def startup() -> None:
        nonlocal pool
        pool = await asyncpg.create_pool(database_url, min_size=0, max_size=10, init=_app_role, reset=_no_reset)

    async def shutdown() -> None:
        if pool is not None:
            await pool.close()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send, startup, shutdown)
            return
        row = None
        for name, value in scope["headers"]:
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                row = await _session_user(value[7:].decode("latin-1"))
        if row is None:
            await send(UNAUTHORIZED)
            await send({"type": "http.response.body", "body": b""})
            return
        body = json.dumps(
            {
                "id": str(row["id"]),
                "email": row["email"],
                "full_name": row["full_name"],
                "email_verified": row["email_verified_at"] is not None,
                "created_at": row["created_at"].isoformat().replace("+00:00", "Z"),
            },
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
            *fixed,
            (REQUEST_ID_HEADER.encode(), ids.new().encode()),
            *after_id,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _session_user(token: str) -> asyncpg.Record | None:
        try:
            claims = jwt.decode(
                token, key, algorithms=["HS256"], audience="ayni-api", issuer="ayni", leeway=5,
                options={"require": CLAIMS},
            )  # fmt: skip
            if claims["kind"] != "access":
                return None
            user_id, session_id = UUID(claims["sub"]), UUID(claims["sid"])
        except (jwt.PyJWTError, ValueError):
            return None
        assert pool is not None
        return await pool.fetchrow(SESSION_USER, session_id, user_id)

    return app


def main() -> int:
    serve(minimal_me_app(os.environ["DATABASE_URL"], os.environ["JWT_SECRET"]), int(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
