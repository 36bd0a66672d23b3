"""Signed tokens (JWT, HS256): pure functions of the claims, the keys and a clock.

Access and refresh tokens are JWTs carrying `iss`, `aud`, `sub` (user id), `sid` (session id), `iat`, `exp`,
`jti` and `kind`. Verification and reset links use random one-time tokens kept (hashed) in the database
instead (`new_one_time_token`): they must work exactly once, which needs a row anyway, and a short random
string makes a shorter link than a JWT.

Decoding pins the algorithm list to HS256 (so `alg: none`, HS512 or RS256 headers are refused), requires
every claim, checks issuer, audience and kind, and allows `LEEWAY_SECONDS` of clock skew. The clock is an
argument: pyjwt's own time checks are switched off and done here against `now`, so tests drive time.

A client sends the same access token with every request for its whole lifetime, and pyjwt's checks of a
token cost about a tenth of an authenticated request (bench/README.md). So the verified claims of recent
tokens are kept per process, keyed by the exact token and the keys; what depends on the clock or the caller
(expiry, issue time, kind) is checked again on every use, and a token that fails is never kept.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import jwt

from ayni.config import Settings

Kind = Literal["access", "refresh"]
KINDS: tuple[Kind, ...] = ("access", "refresh")
ALGORITHM = "HS256"
ISSUER = "ayni"
AUDIENCE = "ayni-api"
LEEWAY_SECONDS = 5
REQUIRED_CLAIMS = ("iss", "aud", "sub", "sid", "iat", "exp", "jti", "kind")
# No token Ayni issues lives longer than the longest REFRESH_TOKEN_EXPIRE_DAYS (365): a longer-lived one,
# however well signed (a leaked key, a bug), is refused, and times stay far inside what datetime can hold.
MAX_LIFETIME_SECONDS = 366 * 24 * 3600
# A real token is ~350 characters; anything far longer is refused before any parsing.
MAX_TOKEN_LENGTH = 2048
# About 1 KiB each: the tokens of the last thousand or so clients that called this process.
VERIFIED_TOKENS_KEPT = 1024
_JWT_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


class TokenError(Exception):
    """The token is not one we accept: bad shape, signature, claims, kind, or expired."""


class TokenExpired(TokenError):
    """Well signed and of the right kind, but past its `exp` (plus leeway)."""


@dataclass(frozen=True)
class Keys:
    """The signing key, and the previous one still accepted for verification during a rotation."""

    current: str
    previous: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Keys:
        return cls(settings.jwt_secret, settings.jwt_secret_previous)


@dataclass(frozen=True)
class Claims:
    sub: str
    sid: str
    jti: str
    kind: Kind
    iat: int
    exp: int

    def as_payload(self) -> dict[str, Any]:
        return {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": self.sub,
            "sid": self.sid,
            "iat": self.iat,
            "exp": self.exp,
            "jti": self.jti,
            "kind": self.kind,
        }


def new_jti() -> str:
    return secrets.token_urlsafe(24)


def new_claims(kind: Kind, sub: str, sid: str, now: datetime, lifetime_seconds: int) -> Claims:
    iat = int(now.timestamp())
    return Claims(sub=sub, sid=sid, jti=new_jti(), kind=kind, iat=iat, exp=iat + lifetime_seconds)


def encode(claims: Claims, key: str) -> str:
    return jwt.encode(claims.as_payload(), key, algorithm=ALGORITHM, headers={"typ": "JWT"})


def _decode_with(token: str, key: str) -> dict[str, Any]:
    payload: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        audience=AUDIENCE,
        issuer=ISSUER,
        options={
            "require": list(REQUIRED_CLAIMS),
            # Time is checked below against the injected clock.
            "verify_exp": False,
            "verify_iat": False,
            "verify_nbf": False,
        },
    )
    return payload


def decode(token: str, keys: Keys, kind: Kind, now: datetime) -> Claims:
    """The claims of `token` if it is ours, of `kind`, and valid at `now`; else TokenError."""
    if len(token) > MAX_TOKEN_LENGTH or not _JWT_SHAPE.fullmatch(token):
        raise TokenError("not a token")
    claims = _verified_claims(token, keys)
    if claims.kind != kind:
        raise TokenError(f"a {claims.kind} token is not an {kind} token")
    moment = now.timestamp()
    if claims.iat > moment + LEEWAY_SECONDS or claims.exp < claims.iat:
        raise TokenError("issued in the future")
    if claims.exp - claims.iat > MAX_LIFETIME_SECONDS:
        raise TokenError("lives longer than any token Ayni issues")
    if moment > claims.exp + LEEWAY_SECONDS:
        raise TokenExpired("expired")
    return claims


@functools.lru_cache(maxsize=VERIFIED_TOKENS_KEPT)
def _verified_claims(token: str, keys: Keys) -> Claims:
    """Signature, algorithm, issuer, audience and claim types: what never changes for a token and keys."""
    for key in (keys.current, keys.previous):
        if key is None:
            continue
        try:
            return _claims(_decode_with(token, key))
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as exc:
            raise TokenError(str(exc)) from None
    raise TokenError("bad signature")


def _claims(payload: dict[str, Any]) -> Claims:
    strings = {name: payload.get(name) for name in ("sub", "sid", "jti", "kind")}
    numbers = {name: payload.get(name) for name in ("iat", "exp")}
    if not all(isinstance(v, str) and v for v in strings.values()):
        raise TokenError("malformed claims")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in numbers.values()):
        raise TokenError("malformed times")
    kind = strings["kind"]
    if kind not in KINDS:
        raise TokenError("unknown kind")
    return Claims(
        sub=str(strings["sub"]),
        sid=str(strings["sid"]),
        jti=str(strings["jti"]),
        kind=kind,
        iat=int(numbers["iat"]),  # type: ignore[arg-type]
        exp=int(numbers["exp"]),  # type: ignore[arg-type]
    )


def sha256(value: str) -> bytes:
    """What the database keeps of a refresh token id or a one-time token."""
    return hashlib.sha256(value.encode()).digest()


def new_one_time_token() -> str:
    """256 random bits, URL-safe: the secret in a verification or reset link."""
    return secrets.token_urlsafe(32)
