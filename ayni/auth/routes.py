"""`/api/v1/auth`: accounts, sign-in, sessions and password resets (DESIGN.md, section Auth), and
`authenticate`, which every Access.USER route runs."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from ayni import ratelimit
from ayni.auth import passwords, store, throttle, tokens
from ayni.auth.emails import EmailKind
from ayni.auth.schemas import (
    ChangePasswordRequest,
    EmailRequest,
    LoginRequest,
    PasswordResetConfirmRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UpdateMeRequest,
    User,
    VerifyEmailRequest,
)
from ayni.auth.store import Purpose, UserRow
from ayni.auth.throttle import Rules
from ayni.config import Settings
from ayni.jobs.queue import Outbox, enqueue, jobs_transaction
from ayni.problems import FieldError, Problem
from ayni.resources import CurrentUser, Resources, resources
from ayni.routing import Access, ApiRoute, json_response

logger = logging.getLogger("ayni.auth")

PREFIX = "/api/v1/auth"
COOKIE_NAME = "ayni_refresh"
COOKIE_PATH = PREFIX
# RFC 6750 b64token
_B64TOKEN = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")
T = TypeVar("T")


# Current user


@dataclass(frozen=True)
class SignedInUser(CurrentUser):
    """What `authenticate` gives the routes of this package: the caller's user row too, fresh."""

    row: UserRow


def now() -> datetime:
    return datetime.now(UTC)


def _unauthorized(slug: str, detail: str) -> Problem:
    return Problem(401, slug, detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def _bad_request(detail: str) -> Problem:
    return Problem(400, "invalid-request", detail, headers={"WWW-Authenticate": 'Bearer error="invalid_request"'})


def bearer_token(request: Request) -> str:
    """The one access token of the request, from the one Authorization header (RFC 6750 section 2.1)."""
    if "access_token" in request.query_params:
        raise _bad_request("Send the access token in the Authorization header, never in the URL.")
    values = request.headers.getlist("authorization")
    if not values:
        raise _unauthorized("not-authenticated", "Sign in: send Authorization: Bearer <access token>.")
    if len(values) > 1:
        raise _bad_request("Send one Authorization header.")
    parts = values[0].split()
    if not parts or parts[0].lower() != "bearer":
        raise _unauthorized("invalid-token", "Use the Bearer scheme: Authorization: Bearer <access token>.")
    if len(parts) > 2:
        raise _bad_request("Send one token in the Authorization header.")
    if len(parts) < 2 or not _B64TOKEN.fullmatch(parts[1]):
        raise _unauthorized("invalid-token", "The Authorization header holds no valid token.")
    return parts[1]


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


async def authenticate(request: Request) -> SignedInUser:
    """The signed-in user of the request, or a 401/400 problem. One indexed query: the session must be
    live and the user enabled, so logout, logout-all, password changes and disabling take effect at once."""
    token = bearer_token(request)
    res = resources(request)
    try:
        claims = tokens.decode(token, tokens.Keys.from_settings(res.settings), "access", now())
    except tokens.TokenExpired:
        raise _unauthorized("invalid-token", "The access token expired; refresh it.") from None
    except tokens.TokenError:
        raise _unauthorized("invalid-token", "The access token is not valid.") from None
    user_id, session_id = _uuid(claims.sub), _uuid(claims.sid)
    if user_id is None or session_id is None:
        raise _unauthorized("invalid-token", "The access token is not valid.")
    row = await store.session_user(res.db, session_id, user_id)
    if row is None:
        raise _unauthorized("invalid-token", "This session has ended; sign in again.")
    return SignedInUser(row.id, session_id, row)


# Helpers


@functools.cache
def _hashing_thread() -> ThreadPoolExecutor:
    # One thread per API process for argon2 (19 MiB and ~17 ms of a core each). glibc keeps the 19 MiB
    # on the heap of the thread that hashed, ready for the next hash: one thread bounds that memory to
    # one buffer, where a pool spread it over every thread it used (bench/: +38 MiB). Throughput is
    # about 60 hashes/s per process; WEB_CONCURRENCY adds processes.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="ayni-argon2")


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_hashing_thread(), fn, *args)


def _client_address(request: Request) -> str:
    # The peer, or the client behind FORWARDED_TRUSTED_HOPS proxies (ayni.clients put it in the scope).
    return request.client.host if request.client else "unknown"


def user_json(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        full_name=row.full_name,
        email_verified=row.email_verified,
        created_at=row.created_at,
    )


def _password_problem(field: str, password: str, email: str) -> None:
    problems = passwords.policy_problems(password, email, field)
    if problems:
        raise Problem(422, "validation-error", "The body has invalid fields.", errors=problems)


async def _email(outbox: Outbox, kind: EmailKind, user_id: UUID) -> None:
    """The worker mints the link's token and renders the email: no secret travels in the message."""
    await outbox.add("send_email", {"kind": kind, "user_id": str(user_id)})


async def _email_to_address(request: Request, body: EmailRequest, kind: EmailKind) -> Response:
    """Resend and reset: the same work whether or not an account has the address (the limits, then one
    job; the worker decides whether to send), so neither the answer nor its timing tells."""
    res = resources(request)
    email = body.email
    rules = Rules.from_settings(res.settings)
    await ratelimit.enforce(
        res.redis,
        [(rules.email_address, _client_address(request)), (rules.email_target, email)],
        "Too many email requests; try again in {seconds} seconds.",
    )
    await enqueue(res, "send_email", {"kind": kind, "email": email})
    return Response(status_code=202)


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


def _clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, secure=True, httponly=True, samesite="strict")


def _token_pair(settings: Settings, user_id: UUID, session_id: UUID, refresh: tokens.Claims, at: datetime) -> Response:
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


def _presented_refresh_token(request: Request, body: RefreshRequest | None) -> str | None:
    if body is not None and body.refresh_token is not None:
        return body.refresh_token
    return request.cookies.get(COOKIE_NAME) or None


# Endpoints


async def register(request: Request, body: RegisterRequest) -> Response:
    """Create an account; a verification link (valid 24 h) is emailed."""
    res = resources(request)
    rules = Rules.from_settings(res.settings)
    await ratelimit.enforce(
        res.redis,
        [(rules.register_address, _client_address(request))],
        "Too many registrations; try again in {seconds} seconds.",
    )
    _password_problem("password", body.password, body.email)
    password_hash = await _in_thread(passwords.hash_password, body.password)
    async with jobs_transaction(res) as outbox:
        user = await store.create_user(res.db, body.email, password_hash, body.full_name or "")
        if user is None:
            raise Problem(409, "email-taken", "An account with this email exists; sign in or reset its password.")
        await _email(outbox, "verify_email", user.id)
    return json_response(user_json(user), 201)


async def _one_time_token_problem(res: Resources, purpose: Purpose, token_hash: bytes) -> Problem:
    status = await store.one_time_token_status(res.db, purpose, token_hash)
    what = "verification" if purpose == "verify_email" else "reset"
    if status == "used":
        return Problem(400, "token-used", f"This {what} link was already used; ask for a new one.")
    if status == "expired":
        return Problem(400, "token-expired", f"This {what} link expired; ask for a new one.")
    return Problem(400, "invalid-token", f"This {what} link is not valid; ask for a new one.")


async def verify_email(request: Request, body: VerifyEmailRequest) -> Response:
    """Confirm the email address with the token of the verification link (single use)."""
    res = resources(request)
    token_hash = tokens.sha256(body.token)
    async with res.db.transaction():
        user_id = await store.use_one_time_token(res.db, "verify_email", token_hash)
        user = await store.mark_email_verified(res.db, user_id) if user_id is not None else None
    if user is None:
        raise await _one_time_token_problem(res, "verify_email", token_hash)
    return json_response(user_json(user))


async def resend_verification(request: Request, body: EmailRequest) -> Response:
    """Email a new verification link if the account exists and is unverified. Always 202."""
    return await _email_to_address(request, body, "verify_email")


def _invalid_credentials() -> Problem:
    return _unauthorized("invalid-credentials", "The email or the password is not correct.")


async def login(request: Request, body: LoginRequest) -> Response:
    """Sign in: a token pair, and the refresh token as an HttpOnly cookie for browsers."""
    res = resources(request)
    rules = Rules.from_settings(res.settings)
    account = (rules.login_account, body.email)
    address = (rules.login_address, _client_address(request))
    await throttle.login_attempt(res.redis, [account, address])
    user = await store.user_by_email(res.db, body.email)
    # An unknown email costs one argon2 verification too, and gets the same answer.
    stored_hash = user.password_hash if user is not None else passwords.dummy_hash()
    correct = await _in_thread(passwords.verify_password, stored_hash, body.password)
    if user is None or not correct:
        raise _invalid_credentials()
    await throttle.login_succeeded(res.redis, account, address)
    if user.disabled:
        raise Problem(403, "account-disabled", "This account is disabled.")
    if res.settings.auth_require_verified_email and not user.email_verified:
        raise Problem(
            403,
            "email-not-verified",
            "Confirm your email address first: open the emailed link, or ask for a new one.",
        )
    if passwords.needs_rehash(user.password_hash):
        await store.set_password_hash(res.db, user.id, await _in_thread(passwords.hash_password, body.password))
    at = now()
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


async def refresh(request: Request, body: RefreshRequest | None) -> Response:
    """A new token pair for a refresh token (body or cookie); that refresh token is dead afterwards.
    Presenting a refresh token that was already rotated ends its whole session (reuse detection)."""
    res = resources(request)
    presented = _presented_refresh_token(request, body)
    if presented is None:
        raise _unauthorized("invalid-token", "Send refresh_token in the body, or the refresh cookie.")
    at = now()
    try:
        claims = tokens.decode(presented, tokens.Keys.from_settings(res.settings), "refresh", at)
    except tokens.TokenExpired:
        raise _unauthorized("invalid-token", "The refresh token expired; sign in again.") from None
    except tokens.TokenError:
        raise _unauthorized("invalid-token", "The refresh token is not valid; sign in again.") from None
    user_id, session_id = _uuid(claims.sub), _uuid(claims.sid)
    if user_id is None or session_id is None:
        raise _unauthorized("invalid-token", "The refresh token is not valid; sign in again.")
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
        raise _unauthorized("invalid-token", "This session has ended; sign in again.")
    return _token_pair(res.settings, user_id, session_id, successor, at)


async def logout(request: Request, body: RefreshRequest | None) -> Response:
    """End the session of a refresh token (body or cookie) and clear the cookie. 204 even when the session
    had already ended."""
    res = resources(request)
    presented = _presented_refresh_token(request, body)
    response = Response(status_code=204)
    _clear_cookie(response)
    if presented is None:
        return response
    try:
        claims = tokens.decode(presented, tokens.Keys.from_settings(res.settings), "refresh", now())
    except tokens.TokenExpired:
        return response
    except tokens.TokenError:
        raise _unauthorized("invalid-token", "The refresh token is not valid.") from None
    user_id, session_id = _uuid(claims.sub), _uuid(claims.sid)
    if user_id is not None and session_id is not None:
        await store.revoke_session(res.db, session_id, user_id, "logout")
    return response


async def logout_all(request: Request, user: CurrentUser) -> Response:
    """End every session of the signed-in user, this one included; their access tokens stop working too."""
    res = resources(request)
    await store.revoke_user_sessions(res.db, user.id, "logout_all")
    response = Response(status_code=204)
    _clear_cookie(response)
    return response


async def me(request: Request, user: SignedInUser) -> Response:
    """The signed-in user."""
    return json_response(user_json(user.row))


async def update_me(request: Request, body: UpdateMeRequest, user: CurrentUser) -> Response:
    """Change the full name (the only field that changes here)."""
    res = resources(request)
    row = await store.set_full_name(res.db, user.id, body.full_name)
    if row is None:
        raise _unauthorized("invalid-token", "This account no longer exists.")
    return json_response(user_json(row))


async def change_password(request: Request, body: ChangePasswordRequest, user: SignedInUser) -> Response:
    """Change the password: every other session ends (this one stays) and a notice is emailed."""
    res = resources(request)
    rules = Rules.from_settings(res.settings)
    account = (rules.login_account, user.row.email)
    address = (rules.login_address, _client_address(request))
    await throttle.login_attempt(res.redis, [account, address])
    if not await _in_thread(passwords.verify_password, user.row.password_hash, body.current_password):
        raise Problem(
            422,
            "validation-error",
            "The body has invalid fields.",
            errors=[FieldError("current_password", "The current password is not correct.", "password-incorrect")],
        )
    await throttle.login_succeeded(res.redis, account, address)
    _password_problem("new_password", body.new_password, user.row.email)
    new_hash = await _in_thread(passwords.hash_password, body.new_password)
    async with jobs_transaction(res) as outbox:
        await store.set_password_hash(res.db, user.id, new_hash)
        await store.revoke_user_sessions(res.db, user.id, "password_change", keep=user.session_id)
        await _email(outbox, "password_changed", user.id)
    return Response(status_code=204)


async def request_password_reset(request: Request, body: EmailRequest) -> Response:
    """Email a reset link (valid 1 h) if the account exists. Always 202: the answer reveals nothing."""
    return await _email_to_address(request, body, "password_reset")


async def confirm_password_reset(request: Request, body: PasswordResetConfirmRequest) -> Response:
    """Set a new password with the token of the reset link (single use); every session ends."""
    res = resources(request)
    token_hash = tokens.sha256(body.token)
    user = await store.one_time_token_user(res.db, "password_reset", token_hash)
    if user is None:
        raise await _one_time_token_problem(res, "password_reset", token_hash)
    _password_problem("new_password", body.new_password, user.email)
    new_hash = await _in_thread(passwords.hash_password, body.new_password)
    async with jobs_transaction(res) as outbox:
        if await store.use_one_time_token(res.db, "password_reset", token_hash) != user.id:
            raise Problem(400, "token-used", "This reset link was already used; ask for a new one.")
        await store.set_password_hash(res.db, user.id, new_hash)
        # Whoever holds the reset link controls the mailbox: the address is verified too.
        await store.mark_email_verified(res.db, user.id)
        await store.revoke_user_sessions(res.db, user.id, "password_reset")
        await _email(outbox, "password_changed", user.id)
    try:
        await ratelimit.forget(res.redis, [(Rules.from_settings(res.settings).login_account, user.email)])
    except ratelimit.REDIS_ERRORS as exc:
        logger.warning("login throttle not reset after a password reset: %s", exc)
    return Response(status_code=204)


# Routes

_TAGS = ["auth"]

routes = [
    ApiRoute(
        f"{PREFIX}/register",
        register,
        methods=["POST"],
        access=Access.PUBLIC,
        summary="Create an account",
        response=User,
        status_code=201,
        errors=[409, 429, 503],
        tags=_TAGS,
    ),
    ApiRoute(
        f"{PREFIX}/verify-email",
        verify_email,
        methods=["POST"],
        access=Access.PUBLIC,
        summary="Confirm an email address",
        response=User,
        errors=[400],
        tags=_TAGS,
    ),
    ApiRoute(
        f"{PREFIX}/verify-email/resend",
        resend_verification,
        methods=["POST"],
        access=Access.PUBLIC,
        summary="Send the verification email again",
        status_code=202,
        errors=[429, 503],
        tags=_TAGS,
    ),
    ApiRoute(
        f"{PREFIX}/login",
        login,
        methods=["POST"],
        access=Access.PUBLIC,
        summary="Sign in",
        response=TokenPair,
        errors=[401, 403, 429],
        tags=_TAGS,
        response_headers=["Set-Cookie"],
    ),
    ApiRoute(
        f"{PREFIX}/refresh",
        refresh,
        methods=["POST"],
        access=Access.PUBLIC,
        summary="Rotate the refresh token for a new token pair",
        response=TokenPair,
        errors=[401],
        tags=_TAGS,
        response_headers=["Set-Cookie"],
    ),
    ApiRoute(
        f"{PREFIX}/logout",
        logout,
        methods=["POST"],
        access=Access.PUBLIC,
        summary="Sign out this session",
        status_code=204,
        errors=[401],
        tags=_TAGS,
        response_headers=["Set-Cookie"],
    ),
    ApiRoute(
        f"{PREFIX}/logout-all",
        logout_all,
        methods=["POST"],
        access=Access.USER,
        summary="Sign out every session",
        status_code=204,
        tags=_TAGS,
        response_headers=["Set-Cookie"],
    ),
    ApiRoute(
        f"{PREFIX}/me",
        me,
        methods=["GET", "HEAD"],
        access=Access.USER,
        summary="The signed-in user",
        response=User,
        tags=_TAGS,
    ),
    ApiRoute(
        f"{PREFIX}/me",
        update_me,
        methods=["PATCH"],
        access=Access.USER,
        summary="Change the full name",
        response=User,
        tags=_TAGS,
    ),
    ApiRoute(
        f"{PREFIX}/password",
        change_password,
        methods=["POST"],
        access=Access.USER,
        summary="Change the password",
        status_code=204,
        errors=[429],
        tags=_TAGS,
    ),
    ApiRoute(
        f"{PREFIX}/password-reset",
        request_password_reset,
        methods=["POST"],
        access=Access.PUBLIC,
        summary="Ask for a password reset link",
        status_code=202,
        errors=[429, 503],
        tags=_TAGS,
    ),
    ApiRoute(
        f"{PREFIX}/password-reset/confirm",
        confirm_password_reset,
        methods=["POST"],
        access=Access.PUBLIC,
        summary="Set a new password with a reset link",
        status_code=204,
        errors=[400],
        tags=_TAGS,
    ),
]
