"""Request and response bodies of /api/v1/auth: strict (no coercion), unknown fields refused."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ayni.auth.passwords import MAX_LENGTH as PASSWORD_MAX
from ayni.auth.passwords import MIN_LENGTH as PASSWORD_MIN

EMAIL_MAX = 254  # RFC 5321 path limit
FULL_NAME_MAX = 200
TOKEN_MAX = 2048

# ASCII addresses only: a local part of printable characters without quotes, spaces or separators, and a
# domain of at least two DNS labels ending in a letter-only top-level label (punycode for IDNs).
_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_EMAIL = re.compile(rf"^{_LOCAL}@(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})$")


def normalize_email(raw: str) -> str:
    """Trim and lower-case the whole address (this product treats addresses case-insensitively)."""
    return raw.strip().lower()


def is_email(value: str) -> bool:
    local = value.split("@", 1)[0]
    return (
        len(value) <= EMAIL_MAX
        and _EMAIL.fullmatch(value) is not None
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
    )


def _email(raw: str) -> str:
    value = normalize_email(raw)
    if not is_email(value):
        raise PydanticCustomError("email", "Enter a valid email address (name@example.com).")
    return value


def _full_name(raw: str) -> str:
    value = unicodedata.normalize("NFC", raw.strip())
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise PydanticCustomError("full_name", "The name must not contain control characters.")
    return value


Email = Annotated[str, Field(max_length=EMAIL_MAX + 64), AfterValidator(_email)]
AnyPassword = Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]
NewPassword = Annotated[str, Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)]
FullName = Annotated[str, Field(max_length=FULL_NAME_MAX), AfterValidator(_full_name)]
OpaqueToken = Annotated[str, Field(min_length=1, max_length=TOKEN_MAX)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RegisterRequest(Body):
    email: Email
    password: NewPassword
    full_name: FullName | None = None


class VerifyEmailRequest(Body):
    token: OpaqueToken


class EmailRequest(Body):
    email: Email


class LoginRequest(Body):
    email: Email
    password: AnyPassword


class RefreshRequest(Body):
    """Browsers send no body: the refresh cookie is used instead."""

    refresh_token: OpaqueToken | None = None


class UpdateMeRequest(Body):
    full_name: FullName


class ChangePasswordRequest(Body):
    current_password: AnyPassword
    new_password: NewPassword


class PasswordResetConfirmRequest(Body):
    token: OpaqueToken
    new_password: NewPassword


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")


class User(BaseModel):
    id: UUID
    email: str
    full_name: str
    email_verified: bool
    created_at: datetime
