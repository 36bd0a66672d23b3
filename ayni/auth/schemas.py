"""Request and response bodies of /api/v1/auth: strict (no coercion), unknown fields refused, and every rule a
field has stated in its JSON schema, so the OpenAPI document is the whole contract."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from ayni.auth.passwords import MAX_LENGTH as PASSWORD_MAX
from ayni.auth.passwords import MIN_LENGTH as PASSWORD_MIN
from ayni.auth.passwords import length_problem

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
        raise PydanticCustomError("invalid-email", "Enter a valid email address (name@example.com).")
    return value


# What a name may not hold: control characters (C0, DEL, C1: line breaks, NUL, escapes), the line and
# paragraph separators, and the bidirectional embeddings, overrides and isolates that make text display in
# another order than it reads. Everything else is a letter of someone's name, or an emoji: ZWJ and ZWNJ are
# part of Persian and Indic spelling and of emoji sequences, so they stay.
NAME_FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_NAME_FORBIDDEN = re.compile(f"[{NAME_FORBIDDEN}]")


def _full_name(raw: str) -> str:
    if _NAME_FORBIDDEN.search(raw):
        raise PydanticCustomError("invalid-value", "The name must not contain control characters or line breaks.")
    value = unicodedata.normalize("NFC", raw.strip())
    if len(value) > FULL_NAME_MAX:  # NFC can lengthen a few characters of some scripts
        raise PydanticCustomError("too-long", "Use at most {limit} characters.", {"limit": FULL_NAME_MAX})
    return value


def _new_password(raw: str) -> str:
    problem = length_problem(raw)
    if problem is not None:
        raise PydanticCustomError(problem.code, problem.message, {"limit": problem.limit})
    return raw


Email = Annotated[
    str,
    Field(
        max_length=EMAIL_MAX + 64,
        description="An email address (ASCII: name@example.com), at most 254 characters once the spaces around "
        "it are trimmed; compared without regard to case.",
        json_schema_extra={"format": "email"},
    ),
    AfterValidator(_email),
]
AnyPassword = Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]
NewPassword = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "minLength": PASSWORD_MIN,
            "maxLength": PASSWORD_MAX,
            "description": f"{PASSWORD_MIN} to {PASSWORD_MAX} characters. Refused with a 422 besides: the email "
            "address or its name part, and passwords common enough to be guessed (codes `password-is-email`, "
            "`password-is-email-name`, `password-too-common`).",
        }
    ),
    AfterValidator(_new_password),
]
FullName = Annotated[
    str,
    Field(
        max_length=FULL_NAME_MAX,
        description="Any text without control characters, line breaks or bidirectional controls; spaces around "
        "it are trimmed.",
        json_schema_extra={"pattern": f"^[^{NAME_FORBIDDEN}]*$"},
    ),
    AfterValidator(_full_name),
]
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
