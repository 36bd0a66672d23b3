"""`/api/v1/auth`: accounts, sign-in, sessions and password resets (DESIGN.md, section Auth). Thin handlers
over the flows of `ayni.auth.sessions` and `ayni.auth.accounts`, and the route table."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ayni.auth import accounts, sessions
from ayni.auth.accounts import user_json
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
from ayni.auth.sessions import PREFIX, SignedInUser, client_address, presented_refresh_token
from ayni.resources import CurrentUser, resources
from ayni.routing import Access, RouteGroup, json_response

# Endpoints


async def register(request: Request, body: RegisterRequest) -> Response:
    """Create an account; a verification link (valid 24 h) is emailed."""
    res, address = resources(request), client_address(request)
    user = await accounts.register(res, body.email, body.password, body.full_name or "", address)
    return json_response(user_json(user), 201)


async def verify_email(request: Request, body: VerifyEmailRequest) -> Response:
    """Confirm the email address with the token of the verification link (single use)."""
    return json_response(user_json(await accounts.verify_email(resources(request), body.token)))


async def resend_verification(request: Request, body: EmailRequest) -> Response:
    """Email a new verification link if the account exists and is unverified. Always 202."""
    await accounts.email_to_address(resources(request), body.email, "verify_email", client_address(request))
    return Response(status_code=202)


async def login(request: Request, body: LoginRequest) -> Response:
    """Sign in: a token pair, and the refresh token as an HttpOnly cookie for browsers."""
    res, address = resources(request), client_address(request)
    return await sessions.sign_in(res, body.email, body.password, address, sessions.now())


async def refresh(request: Request, body: RefreshRequest | None) -> Response:
    """A new token pair for a refresh token (body or cookie); that refresh token is dead afterwards.
    Presenting a refresh token that was already rotated ends its whole session (reuse detection)."""
    return await sessions.rotate(resources(request), presented_refresh_token(request, body), sessions.now())


async def logout(request: Request, body: RefreshRequest | None) -> Response:
    """End the session of a refresh token (body or cookie) and clear the cookie. 204 even when the session
    had already ended."""
    return await sessions.sign_out(resources(request), presented_refresh_token(request, body), sessions.now())


async def logout_all(request: Request, user: CurrentUser) -> Response:
    """End every session of the signed-in user, this one included; their access tokens stop working too."""
    return await sessions.sign_out_everywhere(resources(request), user.id)


async def me(request: Request, user: SignedInUser) -> Response:
    """The signed-in user."""
    return json_response(user_json(user.row))


async def update_me(request: Request, body: UpdateMeRequest, user: CurrentUser) -> Response:
    """Change the full name (the only field that changes here)."""
    return json_response(user_json(await accounts.rename(resources(request), user.id, body.full_name)))


async def change_password(request: Request, body: ChangePasswordRequest, user: SignedInUser) -> Response:
    """Change the password: every other session ends (this one stays) and a notice is emailed."""
    res, address = resources(request), client_address(request)
    await accounts.change_password(res, user, body.current_password, body.new_password, address)
    return Response(status_code=204)


async def request_password_reset(request: Request, body: EmailRequest) -> Response:
    """Email a reset link (valid 1 h) if the account exists. Always 202: the answer reveals nothing."""
    await accounts.email_to_address(resources(request), body.email, "password_reset", client_address(request))
    return Response(status_code=202)


async def confirm_password_reset(request: Request, body: PasswordResetConfirmRequest) -> Response:
    """Set a new password with the token of the reset link (single use); every session ends."""
    await accounts.reset_password(resources(request), body.token, body.new_password)
    return Response(status_code=204)


# Routes

PUBLIC, USER = Access.PUBLIC, Access.USER
_AUTH = RouteGroup(PREFIX, tags=("auth",))
_COOKIE = ["Set-Cookie"]

routes = [
    _AUTH.post(
        "/register", register, PUBLIC, "Create an account", response=User, status_code=201, errors=[409, 429, 503]
    ),
    _AUTH.post("/verify-email", verify_email, PUBLIC, "Confirm an email address", response=User, errors=[400]),
    _AUTH.post(
        "/verify-email/resend",
        resend_verification,
        PUBLIC,
        "Send the verification email again",
        status_code=202,
        errors=[429, 503],
    ),
    _AUTH.post(
        "/login", login, PUBLIC, "Sign in", response=TokenPair, errors=[401, 403, 429], response_headers=_COOKIE
    ),
    _AUTH.post(
        "/refresh",
        refresh,
        PUBLIC,
        "Rotate the refresh token for a new token pair",
        response=TokenPair,
        errors=[401],
        response_headers=_COOKIE,
    ),
    _AUTH.post(
        "/logout", logout, PUBLIC, "Sign out this session", status_code=204, errors=[401], response_headers=_COOKIE
    ),
    _AUTH.post("/logout-all", logout_all, USER, "Sign out every session", status_code=204, response_headers=_COOKIE),
    _AUTH.get("/me", me, USER, "The signed-in user", response=User),
    _AUTH.patch("/me", update_me, USER, "Change the full name", response=User),
    _AUTH.post("/password", change_password, USER, "Change the password", status_code=204, errors=[429]),
    _AUTH.post(
        "/password-reset",
        request_password_reset,
        PUBLIC,
        "Ask for a password reset link",
        status_code=202,
        errors=[429, 503],
    ),
    _AUTH.post(
        "/password-reset/confirm",
        confirm_password_reset,
        PUBLIC,
        "Set a new password with a reset link",
        status_code=204,
        errors=[400],
    ),
]
