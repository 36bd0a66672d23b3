"""The SQL of accounts and sessions: one function per statement, every value a bound parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import databases

from ayni.db import fetch_row

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


def _user(row: Any) -> UserRow | None:
    if row is None:
        return None
    return UserRow(
        id=row["id"],
        email=row["email"],
        password_hash=row["password_hash"],
        full_name=row["full_name"],
        email_verified_at=row["email_verified_at"],
        disabled=row["disabled"],
        created_at=row["created_at"],
    )


# Users


async def create_user(db: databases.Database, email: str, password_hash: str, full_name: str) -> UserRow | None:
    """The new user, or None when the email is taken."""
    row = await db.fetch_one(
        """INSERT INTO users (email, password_hash, full_name) VALUES (:email, :password_hash, :full_name)
            ON CONFLICT (email) DO NOTHING
            RETURNING id, email, password_hash, full_name, email_verified_at, disabled, created_at""",
        {"email": email, "password_hash": password_hash, "full_name": full_name},
    )
    return _user(row)


async def user_by_email(db: databases.Database, email: str) -> UserRow | None:
    return _user(
        await db.fetch_one(
            """SELECT id, email, password_hash, full_name, email_verified_at, disabled, created_at
               FROM users WHERE email = :email""",
            {"email": email},
        )
    )


async def set_password_hash(db: databases.Database, user_id: UUID, password_hash: str) -> None:
    await db.execute(
        "UPDATE users SET password_hash = :password_hash WHERE id = :id",
        {"id": user_id, "password_hash": password_hash},
    )


async def set_full_name(db: databases.Database, user_id: UUID, full_name: str) -> UserRow | None:
    row = await db.fetch_one(
        """UPDATE users SET full_name = :full_name WHERE id = :id
           RETURNING id, email, password_hash, full_name, email_verified_at, disabled, created_at""",
        {"id": user_id, "full_name": full_name},
    )
    return _user(row)


async def mark_email_verified(db: databases.Database, user_id: UUID) -> UserRow | None:
    row = await db.fetch_one(
        """UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = :id
            RETURNING id, email, password_hash, full_name, email_verified_at, disabled, created_at""",
        {"id": user_id},
    )
    return _user(row)


# Sessions (refresh-token families)


async def create_session(db: databases.Database, user_id: UUID, jti_hash: bytes, expires_at: datetime) -> UUID:
    session_id: UUID = await db.fetch_val(
        """INSERT INTO auth_sessions (user_id, current_jti_hash, expires_at)
           VALUES (:user_id, :jti_hash, :expires_at) RETURNING id""",
        {"user_id": user_id, "jti_hash": jti_hash, "expires_at": expires_at},
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
    row = await db.fetch_one(
        """UPDATE auth_sessions AS s SET current_jti_hash = :new_hash, last_used_at = now()
           FROM users AS u
           WHERE s.id = :session_id AND s.user_id = :user_id AND u.id = s.user_id
             AND s.current_jti_hash = :old_hash AND s.revoked_at IS NULL AND s.expires_at > now()
             AND NOT u.disabled
           RETURNING s.id""",
        {"session_id": session_id, "user_id": user_id, "old_hash": old_jti_hash, "new_hash": new_jti_hash},
    )
    if row is not None:
        return "rotated"
    live = await db.fetch_one(
        """SELECT 1 FROM auth_sessions AS s JOIN users AS u ON u.id = s.user_id
           WHERE s.id = :session_id AND s.user_id = :user_id AND s.revoked_at IS NULL
             AND s.expires_at > now() AND NOT u.disabled""",
        {"session_id": session_id, "user_id": user_id},
    )
    return "reused" if live is not None else "ended"


async def revoke_session(db: databases.Database, session_id: UUID, user_id: UUID, reason: RevokeReason) -> bool:
    """True when a live session was revoked now."""
    row = await db.fetch_one(
        """UPDATE auth_sessions SET revoked_at = now(), revoked_reason = :reason
           WHERE id = :session_id AND user_id = :user_id AND revoked_at IS NULL RETURNING id""",
        {"session_id": session_id, "user_id": user_id, "reason": reason},
    )
    return row is not None


async def revoke_user_sessions(
    db: databases.Database, user_id: UUID, reason: RevokeReason, keep: UUID | None = None
) -> int:
    """Revoke every live session of a user but `keep`; returns how many."""
    rows = await db.fetch_all(
        """UPDATE auth_sessions SET revoked_at = now(), revoked_reason = :reason
           WHERE user_id = :user_id AND revoked_at IS NULL AND (CAST(:keep AS uuid) IS NULL OR id <> :keep)
           RETURNING id""",
        {"user_id": user_id, "reason": reason, "keep": keep},
    )
    return len(rows)


async def session_user(db: databases.Database, session_id: UUID, user_id: UUID) -> UserRow | None:
    """The user of a live session, if the user may still act: the one query behind every authenticated
    request (primary-key lookups on both tables)."""
    row = await fetch_row(
        db,
        """SELECT u.id, u.email, u.password_hash, u.full_name, u.email_verified_at, u.disabled, u.created_at
            FROM auth_sessions AS s JOIN users AS u ON u.id = s.user_id
            WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL
              AND s.expires_at > now() AND NOT u.disabled""",
        session_id,
        user_id,
    )
    return _user(row)


# One-time tokens (email verification, password reset)


async def one_time_token_status(db: databases.Database, purpose: Purpose, token_hash: bytes) -> TokenStatus:
    row = await db.fetch_one(
        """SELECT used_at IS NOT NULL AS used, expires_at <= now() AS expired FROM auth_one_time_tokens
           WHERE token_hash = :token_hash AND purpose = :purpose""",
        {"token_hash": token_hash, "purpose": purpose},
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
    row = await db.fetch_one(
        """SELECT u.id, u.email, u.password_hash, u.full_name, u.email_verified_at, u.disabled, u.created_at
            FROM auth_one_time_tokens AS t JOIN users AS u ON u.id = t.user_id
            WHERE t.token_hash = :token_hash AND t.purpose = :purpose AND t.used_at IS NULL
              AND t.expires_at > now()""",
        {"token_hash": token_hash, "purpose": purpose},
    )
    return _user(row)


async def use_one_time_token(db: databases.Database, purpose: Purpose, token_hash: bytes) -> UUID | None:
    """Mark a valid token used and return its user; None if it is unknown, used or expired. Also retires
    every other unused token of the same purpose of that user (an older link must not outlive a newer one's
    use). Conditional, so two concurrent uses cannot both succeed."""
    user_id: UUID | None = await db.fetch_val(
        """UPDATE auth_one_time_tokens SET used_at = now()
           WHERE token_hash = :token_hash AND purpose = :purpose AND used_at IS NULL AND expires_at > now()
           RETURNING user_id""",
        {"token_hash": token_hash, "purpose": purpose},
    )
    if user_id is not None:
        await db.execute(
            """UPDATE auth_one_time_tokens SET used_at = now()
               WHERE user_id = :user_id AND purpose = :purpose AND used_at IS NULL""",
            {"user_id": user_id, "purpose": purpose},
        )
    return user_id
