"""The SQL of accounts, sessions and one-time tokens, in the one style of `ayni.sql`: one function per
statement, every value a bound parameter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID

import databases

from ayni.sql import execute, fetch_one, fetch_value

Purpose = Literal["verify_email", "password_reset"]
RevokeReason = Literal["logout", "logout_all", "password_change", "password_reset", "reuse"]
TokenStatus = Literal["valid", "unknown", "used", "expired"]


@dataclass(frozen=True)
class UserRow:
    id: UUID
    email: str
    password_hash: str
    full_name: str
    email_verified_at: datetime | None
    disabled: bool
    created_at: datetime

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


# The columns of a UserRow, bare and qualified by the alias `u`.
_USER = "id, email, password_hash, full_name, email_verified_at, disabled, created_at"
_USER_U = ", ".join(f"u.{column}" for column in _USER.split(", "))


def _user(row: Mapping[str, Any] | None) -> UserRow | None:
    return UserRow(**row) if row is not None else None


# Users


async def create_user(db: databases.Database, email: str, password_hash: str, full_name: str) -> UserRow | None:
    """The new user, or None when the email is taken."""
    row = await fetch_one(
        db,
        f"""INSERT INTO users (email, password_hash, full_name) VALUES (:email, :password_hash, :full_name)
            ON CONFLICT (email) DO NOTHING RETURNING {_USER}""",  # noqa: S608 - a fixed column list
        email=email,
        password_hash=password_hash,
        full_name=full_name,
    )
    return _user(row)


async def user_by_email(db: databases.Database, email: str) -> UserRow | None:
    return _user(await fetch_one(db, f"SELECT {_USER} FROM users WHERE email = :email", email=email))  # noqa: S608


async def set_password_hash(db: databases.Database, user_id: UUID, password_hash: str) -> None:
    await execute(
        db, "UPDATE users SET password_hash = :password_hash WHERE id = :id", id=user_id, password_hash=password_hash
    )


async def set_full_name(db: databases.Database, user_id: UUID, full_name: str) -> UserRow | None:
    row = await fetch_one(
        db,
        f"UPDATE users SET full_name = :full_name WHERE id = :id RETURNING {_USER}",  # noqa: S608
        id=user_id,
        full_name=full_name,
    )
    return _user(row)


async def mark_email_verified(db: databases.Database, user_id: UUID) -> UserRow | None:
    row = await fetch_one(
        db,
        f"""UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = :id
            RETURNING {_USER}""",  # noqa: S608 - a fixed column list
        id=user_id,
    )
    return _user(row)


@dataclass(frozen=True)
class Account:
    """What the email actor needs of an account."""

    id: UUID
    email: str
    verified: bool
    disabled: bool


_ACCOUNT = "SELECT id, email, email_verified_at IS NOT NULL AS verified, disabled FROM users"


async def account_by_id(db: databases.Database, user_id: UUID) -> Account | None:
    row = await fetch_one(db, f"{_ACCOUNT} WHERE id = :id", id=user_id)
    return Account(**row) if row is not None else None


async def account_by_email(db: databases.Database, email: str) -> Account | None:
    row = await fetch_one(db, f"{_ACCOUNT} WHERE email = :email", email=email)
    return Account(**row) if row is not None else None


# Sessions (refresh-token families)


async def create_session(db: databases.Database, user_id: UUID, jti_hash: bytes, expires_at: datetime) -> UUID:
    session_id: UUID = await fetch_value(
        db,
        """INSERT INTO auth_sessions (user_id, current_jti_hash, expires_at)
           VALUES (:user_id, :jti_hash, :expires_at) RETURNING id""",
        user_id=user_id,
        jti_hash=jti_hash,
        expires_at=expires_at,
    )
    return session_id


RotateOutcome = Literal["rotated", "reused", "ended"]


async def rotate_session(
    db: databases.Database, session_id: UUID, user_id: UUID, old_jti_hash: bytes, new_jti_hash: bytes
) -> RotateOutcome:
    """Swap the live refresh token id of a session, only if `old_jti_hash` is still the live one. Of two
    concurrent calls with the same old hash, PostgreSQL lets exactly one match (the other re-checks the row
    after the winner commits and finds the hash changed). When nothing matched: `reused` if the session is
    live and its user enabled (so an older token of it was presented: a stolen copy), `ended` otherwise (a
    revoked or expired session, a disabled or deleted user: nothing to detect)."""
    row = await fetch_one(
        db,
        """UPDATE auth_sessions AS s SET current_jti_hash = :new_hash, last_used_at = now()
           FROM users AS u
           WHERE s.id = :session_id AND s.user_id = :user_id AND u.id = s.user_id
             AND s.current_jti_hash = :old_hash AND s.revoked_at IS NULL AND s.expires_at > now()
             AND NOT u.disabled
           RETURNING s.id""",
        session_id=session_id,
        user_id=user_id,
        old_hash=old_jti_hash,
        new_hash=new_jti_hash,
    )
    if row is not None:
        return "rotated"
    return "reused" if await session_user(db, session_id, user_id) is not None else "ended"


async def revoke_session(db: databases.Database, session_id: UUID, user_id: UUID, reason: RevokeReason) -> bool:
    """True when a live session was revoked now."""
    revoked = await execute(
        db,
        """UPDATE auth_sessions SET revoked_at = now(), revoked_reason = :reason
           WHERE id = :session_id AND user_id = :user_id AND revoked_at IS NULL""",
        session_id=session_id,
        user_id=user_id,
        reason=reason,
    )
    return revoked > 0


async def revoke_user_sessions(
    db: databases.Database, user_id: UUID, reason: RevokeReason, keep: UUID | None = None
) -> int:
    """Revoke every live session of a user but `keep`; returns how many."""
    return await execute(
        db,
        """UPDATE auth_sessions SET revoked_at = now(), revoked_reason = :reason
           WHERE user_id = :user_id AND revoked_at IS NULL AND (CAST(:keep AS uuid) IS NULL OR id <> :keep)""",
        user_id=user_id,
        reason=reason,
        keep=keep,
    )


async def session_user(db: databases.Database, session_id: UUID, user_id: UUID) -> UserRow | None:
    """The user of a live session, if the user may still act: the one query behind every Access.USER request
    (primary-key lookups on both tables). Access.TOKEN routes check the same condition inside their own statement
    (`app_session_live`, migrations/0012): change both together."""
    row = await fetch_one(
        db,
        f"""SELECT {_USER_U} FROM auth_sessions AS s JOIN users AS u ON u.id = s.user_id
            WHERE s.id = :session_id AND s.user_id = :user_id AND s.revoked_at IS NULL
              AND s.expires_at > now() AND NOT u.disabled""",  # noqa: S608 - a fixed column list
        session_id=session_id,
        user_id=user_id,
    )
    return _user(row)


# One-time tokens (email verification, password reset)


async def add_one_time_token(
    db: databases.Database, user_id: UUID, purpose: Purpose, token_hash: bytes, lifetime: timedelta
) -> None:
    await execute(
        db,
        """INSERT INTO auth_one_time_tokens (user_id, purpose, token_hash, expires_at)
           VALUES (:user_id, :purpose, :token_hash, now() + CAST(:lifetime AS interval))""",
        user_id=user_id,
        purpose=purpose,
        token_hash=token_hash,
        lifetime=lifetime,
    )


async def one_time_token_status(db: databases.Database, purpose: Purpose, token_hash: bytes) -> TokenStatus:
    row = await fetch_one(
        db,
        """SELECT used_at IS NOT NULL AS used, expires_at <= now() AS expired FROM auth_one_time_tokens
           WHERE token_hash = :token_hash AND purpose = :purpose""",
        token_hash=token_hash,
        purpose=purpose,
    )
    if row is None:
        return "unknown"
    if row["used"]:
        return "used"
    if row["expired"]:
        return "expired"
    return "valid"


async def one_time_token_user(db: databases.Database, purpose: Purpose, token_hash: bytes) -> UserRow | None:
    """The user of a valid (unused, unexpired) token, without using it."""
    row = await fetch_one(
        db,
        f"""SELECT {_USER_U} FROM auth_one_time_tokens AS t JOIN users AS u ON u.id = t.user_id
            WHERE t.token_hash = :token_hash AND t.purpose = :purpose AND t.used_at IS NULL
              AND t.expires_at > now()""",  # noqa: S608 - a fixed column list
        token_hash=token_hash,
        purpose=purpose,
    )
    return _user(row)


async def use_one_time_token(db: databases.Database, purpose: Purpose, token_hash: bytes) -> UUID | None:
    """Mark a valid token used and return its user; None if it is unknown, used or expired. Also retires
    every other unused token of the same purpose of that user (an older link must not outlive a newer one's
    use). Conditional, so two concurrent uses cannot both succeed."""
    user_id: UUID | None = await fetch_value(
        db,
        """UPDATE auth_one_time_tokens SET used_at = now()
           WHERE token_hash = :token_hash AND purpose = :purpose AND used_at IS NULL AND expires_at > now()
           RETURNING user_id""",
        token_hash=token_hash,
        purpose=purpose,
    )
    if user_id is not None:
        await execute(
            db,
            """UPDATE auth_one_time_tokens SET used_at = now()
               WHERE user_id = :user_id AND purpose = :purpose AND used_at IS NULL""",
            user_id=user_id,
            purpose=purpose,
        )
    return user_id


# Clean-up (a periodic task)

# A revoked session is kept a while so that a reused refresh token is still recognised as reuse.
REVOKED_SESSION_GRACE = timedelta(days=7)


async def purge_expired_credentials(db: databases.Database) -> int:
    sessions = await execute(
        db,
        "DELETE FROM auth_sessions WHERE expires_at < now() OR revoked_at < now() - CAST(:grace AS interval)",
        grace=REVOKED_SESSION_GRACE,
    )
    tokens = await execute(db, "DELETE FROM auth_one_time_tokens WHERE expires_at < now() OR used_at IS NOT NULL")
    return sessions + tokens
