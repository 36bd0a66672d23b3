"""The SQL of members and invitations, in the one style of `ayni.sql`, under row-level security like
`ayni.companies.store`: every function runs inside the company's `tenant()` transaction (the worker's too)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal
from uuid import UUID

import asyncpg
import databases

from ayni.companies.schemas import Invitation, Member
from ayni.sql import execute, fetch_all, fetch_one, fetch_value

_INVITATION = "id, email, role, invited_by, created_at, expires_at"
INVITATION_LIFETIME = timedelta(days=7)


# Members


async def put_membership(db: databases.Database, company_id: UUID, user_id: UUID, role: str) -> None:
    """Add a member, or change a member's role (the callers have checked the owner rule under `locked_roles`)."""
    await execute(
        db,
        """INSERT INTO memberships (company_id, user_id, role) VALUES (:cid, :uid, :role)
           ON CONFLICT (company_id, user_id) DO UPDATE SET role = EXCLUDED.role""",
        cid=company_id,
        uid=user_id,
        role=role,
    )


async def locked_roles(db: databases.Database, company_id: UUID) -> dict[UUID, str]:
    """Every member's role, the rows locked until the transaction ends: two concurrent changes of one
    company's members run one after the other, so the "one owner at least" check sees the other's result."""
    rows = await fetch_all(
        db, "SELECT user_id, role FROM memberships WHERE company_id = :cid FOR UPDATE", cid=company_id
    )
    return {row["user_id"]: row["role"] for row in rows}


async def members(db: databases.Database, company_id: UUID, user_id: UUID | None = None) -> list[Member]:
    """The members with their account's email and name (one, with `user_id`), owners first."""
    rows = await fetch_all(
        db,
        """SELECT m.user_id, u.email, u.full_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
           WHERE m.company_id = :cid AND (CAST(:uid AS uuid) IS NULL OR m.user_id = :uid)
           ORDER BY array_position(ARRAY['owner', 'manager', 'analyst', 'viewer'], m.role), u.email""",
        cid=company_id,
        uid=user_id,
    )
    return [Member.model_validate(dict(row)) for row in rows]


async def delete_membership(db: databases.Database, company_id: UUID, user_id: UUID) -> None:
    await execute(db, "DELETE FROM memberships WHERE company_id = :cid AND user_id = :uid", cid=company_id, uid=user_id)


async def member_with_email(db: databases.Database, company_id: UUID, email: str) -> bool:
    found = await fetch_value(
        db,
        """SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
                          WHERE m.company_id = :cid AND u.email = :email)""",
        cid=company_id,
        email=email,
    )
    return bool(found)


# Invitations


async def revoke_open_invitation(db: databases.Database, company_id: UUID, email: str) -> None:
    await execute(
        db,
        """UPDATE invitations SET revoked_at = now()
           WHERE company_id = :cid AND email = :email AND accepted_at IS NULL AND revoked_at IS NULL""",
        cid=company_id,
        email=email,
    )


async def insert_invitation(
    db: databases.Database, company_id: UUID, email: str, role: str, invited_by: UUID, placeholder_hash: bytes
) -> Invitation:
    """An open invitation whose token hash is a random value no token has: the worker mints the real token
    when it sends the email, and stores its hash then."""
    row = await fetch_one(
        db,
        f"""INSERT INTO invitations (company_id, email, role, token_hash, invited_by, expires_at)
            VALUES (:cid, :email, :role, :hash, :by, now() + CAST(:lifetime AS interval)) RETURNING {_INVITATION}""",  # noqa: S608
        cid=company_id,
        email=email,
        role=role,
        hash=placeholder_hash,
        by=invited_by,
        lifetime=INVITATION_LIFETIME,
    )
    assert row is not None
    return Invitation.model_validate(dict(row))


async def open_invitations(db: databases.Database, company_id: UUID) -> list[Invitation]:
    rows = await fetch_all(
        db,
        f"""SELECT {_INVITATION} FROM invitations
            WHERE company_id = :cid AND accepted_at IS NULL AND revoked_at IS NULL
            ORDER BY created_at DESC, id""",  # noqa: S608
        cid=company_id,
    )
    return [Invitation.model_validate(dict(row)) for row in rows]


async def close_invitation(
    db: databases.Database, company_id: UUID, invitation_id: UUID, how: Literal["accepted", "revoked"]
) -> bool:
    """Accept or revoke an open invitation; False when it was not open (closed meanwhile, or unknown)."""
    column = {"accepted": "accepted_at", "revoked": "revoked_at"}[how]
    closed = await execute(
        db,
        f"""UPDATE invitations SET {column} = now()
            WHERE company_id = :cid AND id = :id AND accepted_at IS NULL AND revoked_at IS NULL""",  # noqa: S608
        cid=company_id,
        id=invitation_id,
    )
    return closed > 0


async def invitation_to_send(db: databases.Database, company_id: UUID, invitation_id: UUID) -> asyncpg.Record | None:
    """An open invitation with what its email says: the company's name and who invited (the worker's)."""
    return await fetch_one(
        db,
        """SELECT i.email, i.role, c.name AS company_name, coalesce(nullif(u.full_name, ''), u.email) AS inviter
           FROM invitations i JOIN companies c ON c.id = i.company_id LEFT JOIN users u ON u.id = i.invited_by
           WHERE i.company_id = :cid AND i.id = :id AND i.accepted_at IS NULL AND i.revoked_at IS NULL""",
        cid=company_id,
        id=invitation_id,
    )


async def set_invitation_token(
    db: databases.Database, company_id: UUID, invitation_id: UUID, token_hash: bytes
) -> bool:
    """The emailed token's hash, valid 7 days from now; False when the invitation closed meanwhile."""
    changed = await execute(
        db,
        """UPDATE invitations SET token_hash = :hash, expires_at = now() + CAST(:lifetime AS interval)
           WHERE company_id = :cid AND id = :id AND accepted_at IS NULL AND revoked_at IS NULL""",
        cid=company_id,
        id=invitation_id,
        hash=token_hash,
        lifetime=INVITATION_LIFETIME,
    )
    return changed > 0


async def invitation_by_token(db: databases.Database, token_hash: bytes) -> asyncpg.Record | None:
    """The invitation of a token, whatever its company (a SECURITY DEFINER function: migrations/0005)."""
    return await fetch_one(
        db,
        "SELECT company_id, id, email, role, expires_at, accepted_at, revoked_at FROM invitation_by_token(:hash)",
        hash=token_hash,
    )
