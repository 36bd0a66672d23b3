"""Sessions and the caller: the bearer token and `authenticate`, which every Access.USER route runs (an
Access.TOKEN route runs only `read_token`, and its handler's statement checks the session, answering
`session_ended()` as authenticate does); the refresh cookie; and the session flows (sign in, rotate a refresh
token, sign out, sign out everywhere). Their 401/400 problems follow RFC 6750."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from ayni.auth import passwords, store, throttle, tokens
from ayni.auth.schemas import RefreshRequest, TokenPair
from ayni.auth.store import UserRow
from ayni.auth.throttle import Rules
from ayni.config import Settings
from ayni.problems import Problem
from ayni.resources import CurrentUser, Resources, TokenUser, resources
from ayni.routing import json_response

logger = logging.getLogger("ayni.auth")

PREFIX = "/api/v1/auth"
COOKIE_NAME = "ayni_refresh"
COOKIE_PATH = PREFIX
# RFC 6750 b64token
_B64TOKEN = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")


@dataclass(frozen=True)
class SignedInUser(CurrentUser):
    """What `authenticate` gives the routes of this package: the caller's user row too, fresh."""

    row: UserRow


def now() -> datetime:
    return datetime.now(UTC)


def unauthorized(slug: str, detail: str) -> Problem:
    return Problem(401, slug, detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def _bad_request(detail: str) -> Problem:
    return Problem(400, "invalid-request", detail, headers={"WWW-Authenticate": 'Bearer error="invalid_request"'})


def parse_bearer(authorization: Sequence[str], token_in_query: bool) -> str:
    """The one access token of a request, from its Authorization headers (RFC 6750 section 2.1), or the
    problem with them; `token_in_query` when the URL carries an access_token parameter."""
    if token_in_query:
        raise _bad_request("Send the access token in the Authorization header, never in the URL.")
    if not authorization:
        raise unauthorized("not-authenticated", "Sign in: send Authorization: Bearer <access token>.")
    if len(authorization) > 1:
        raise _bad_request("Send one Authorization header.")
    parts = authorization[0].split()
    if not parts or parts[0].lower() != "bearer":
        raise unauthorized("invalid-token", "Use the Bearer scheme: Authorization: Bearer <access token>.")
    if len(parts) > 2:
        raise _bad_request("Send one token in the Authorization header.")
    if len(parts) < 2 or not _B64TOKEN.fullmatch(parts[1]):
        raise unauthorized("invalid-token", "The Authorization header holds no valid token.")
    return parts[1]


def bearer_token(request: Request) -> str:
    """The one access token of the request (`parse_bearer`)."""
    return parse_bearer(request.headers.getlist("authorization"), "access_token" in request.query_params)


def session_ids(claims: tokens.Claims) -> tuple[UUID, UUID] | None:
    """The user and the session a token names, or None when its claims are not UUIDs."""
    try:
        return UUID(claims.sub), UUID(claims.sid)
    except ValueError:
        return None


def _verified(
    settings: Settings, token: str, kind: tokens.Kind, at: datetime, expired: str, invalid: str
) -> tuple[tokens.Claims, UUID, UUID]:
    """The claims of a token and the user and session it names, or a 401 saying `expired` or `invalid`."""
    try:
        claims = tokens.decode(token, tokens.Keys.from_settings(settings), kind, at)
    except tokens.TokenExpired:
        raise unauthorized("invalid-token", expired) from None
    except tokens.TokenError:
        raise unauthorized("invalid-token", invalid) from None
    ids = session_ids(claims)
    if ids is None:
        raise unauthorized("invalid-token", invalid)
    return claims, *ids


def read_token(request: Request) -> TokenUser:
    """The user and session the request's access token names, or a 401/400 problem; the session is not checked
    (no I/O): the first half of `authenticate`, all an Access.TOKEN route runs before its handler."""
    _, user_id, session_id = _verified(
        resources(request).settings,
        bearer_token(request),
        "access",
        now(),
        "The access token expired; refresh it.",
        "The access token is not valid.",
    )
    return TokenUser(user_id, session_id)


def session_ended() -> Problem:
    """The 401 of a token whose session was revoked or expired, or whose user was disabled."""
    return unauthorized("invalid-token", "This session has ended; sign in again.")


async def authenticate(request: Request) -> SignedInUser:
    """The signed-in user of the request, or a 401/400 problem. One indexed query: the session must be
    live and the user enabled, so logout, logout-all, password changes and disabling take effect at once."""
    caller = read_token(request)
    row = await store.session_user(resources(request).db, caller.session_id, caller.id)
    if row is None:
        raise session_ended()
    return SignedInUser(row.id, caller.session_id, row)


def client_address(request: Request) -> str:
    # The peer, or the client behind FORWARDED_TRUSTED_HOPS proxies (ayni.clients put it in the scope).
    return request.client.host if request.client else "unknown"


# The refresh cookie


def _set_cookie(response: Response, refresh_token: str, max_age: int) -> None:
    # SameSite=Strict: the cookie is only ever needed by the web app's own fetches to the API (same site),
    # never on a navigation from another site, so Strict costs nothing and refuses every cross-site use.
    response.set_cookie(
        COOKIE_NAME,
        refresh_token,
        max_age=max(0, max_age),
        path=COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def _signed_out() -> Response:
    """204, and the refresh cookie cleared."""
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, secure=True, httponly=True, samesite="strict")
    return response


def presented_refresh_token(request: Request, body: RefreshRequest | None) -> str | None:
    """The refresh token of the body, else of the cookie (browsers send the cookie and no body)."""
    if body is not None and body.refresh_token is not None:
        return body.refresh_token
    return request.cookies.get(COOKIE_NAME) or None


def _token_pair(settings: Settings, user_id: UUID, session_id: UUID, refresh: tokens.Claims, at: datetime) -> Response:
    """The answer that issues a token pair: the access token lives no longer than the refresh token."""
    keys = tokens.Keys.from_settings(settings)
    access_seconds = min(settings.access_token_expire_minutes * 60, max(1, refresh.exp - int(at.timestamp())))
    access = tokens.new_claims("access", str(user_id), str(session_id), at, access_seconds)
    pair = TokenPair(
        access_token=tokens.encode(access, keys.current),
        refresh_token=tokens.encode(refresh, keys.current),
        expires_in=access_seconds,
    )
    # RFC 6749 section 5.1: no cache may keep an answer holding tokens.
    response = json_response(pair, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
    _set_cookie(response, pair.refresh_token, refresh.exp - int(at.timestamp()))
    return response


# The session flows


async def sign_in(res: Resources, email: str, password: str, address: str, at: datetime) -> Response:
    """A new session for the account of `email`: a token pair, and the refresh token as the cookie."""
    user = await store.user_by_email(res.db, email)
    rules = Rules.from_settings(res.settings)
    stored_hash = user.password_hash if user is not None else None
    correct = await throttle.verify_counted(res.redis, rules, email, address, stored_hash, password)
    if user is None or not correct:
        raise unauthorized("invalid-credentials", "The email or the password is not correct.")
    if user.disabled:
        raise Problem(403, "account-disabled", "This account is disabled.")
    if res.settings.auth_require_verified_email and not user.email_verified:
        raise Problem(
            403,
            "email-not-verified",
            "Confirm your email address first: open the emailed link, or ask for a new one.",
        )
    if passwords.needs_rehash(user.password_hash):
        await store.set_password_hash(res.db, user.id, await passwords.hash_in_thread(password))
    expires = at + timedelta(days=res.settings.refresh_token_expire_days)
    jti = tokens.new_jti()
    session_id = await store.create_session(res.db, user.id, tokens.sha256(jti), expires)
    refresh = tokens.Claims(
        sub=str(user.id),
        sid=str(session_id),
        jti=jti,
        kind="refresh",
        iat=int(at.timestamp()),
        exp=int(expires.timestamp()),
    )
    return _token_pair(res.settings, user.id, session_id, refresh, at)


async def rotate(res: Resources, presented: str | None, at: datetime) -> Response:
    """A new token pair for a refresh token; that refresh token is dead afterwards. Presenting one that was
    already rotated ends its whole session (reuse detection): someone else holds a copy."""
    if presented is None:
        raise unauthorized("invalid-token", "Send refresh_token in the body, or the refresh cookie.")
    claims, user_id, session_id = _verified(
        res.settings,
        presented,
        "refresh",
        at,
        "The refresh token expired; sign in again.",
        "The refresh token is not valid; sign in again.",
    )
    iat = min(int(at.timestamp()), claims.exp)
    successor = tokens.Claims(
        sub=claims.sub, sid=claims.sid, jti=tokens.new_jti(), kind="refresh", iat=iat, exp=claims.exp
    )
    outcome = await store.rotate_session(
        res.db, session_id, user_id, tokens.sha256(claims.jti), tokens.sha256(successor.jti)
    )
    if outcome == "reused" and await store.revoke_session(res.db, session_id, user_id, "reuse"):
        logger.warning("refresh token reused: session %s of user %s revoked", session_id, user_id)
    if outcome != "rotated":
        raise session_ended()
    return _token_pair(res.settings, user_id, session_id, successor, at)


async def sign_out(res: Resources, presented: str | None, at: datetime) -> Response:
    """End the session of a refresh token and clear the cookie. 204 even when the session had already
    ended, or the token expired: only a forged or garbled token is refused."""
    if presented is None:
        return _signed_out()
    try:
        claims = tokens.decode(presented, tokens.Keys.from_settings(res.settings), "refresh", at)
    except tokens.TokenExpired:
        return _signed_out()
    except tokens.TokenError:
        raise unauthorized("invalid-token", "The refresh token is not valid.") from None
    ids = session_ids(claims)
    if ids is not None:
        user_id, session_id = ids
        await store.revoke_session(res.db, session_id, user_id, "logout")
    return _signed_out()


async def sign_out_everywhere(res: Resources, user_id: UUID) -> Response:
    """End every session of the user; their access tokens stop working too. The cookie is cleared."""
    await store.revoke_user_sessions(res.db, user_id, "logout_all")
    return _signed_out()
