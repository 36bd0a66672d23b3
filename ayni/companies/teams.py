"""Members and invitations: change a role, remove a member (or leave), invite, revoke, accept. Each flow runs
in one transaction, with the company's memberships locked while the "one owner at least" rule is checked."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from uuid import UUID

from ayni.auth.sessions import SignedInUser
from ayni.auth.tokens import sha256
from ayni.companies import store, team_store
from ayni.companies.access import Caller, company_access
from ayni.companies.rules import LastOwner, NotAMember, Right, Role, after_removal, after_role_change, may_invite
from ayni.companies.schemas import Invitation, Member, MyCompany
from ayni.jobs.queue import jobs_transaction
from ayni.problems import Problem
from ayni.resources import CurrentUser, Resources
from ayni.tenancy import tenant


def _last_owner(exc: LastOwner) -> Problem:
    return Problem(409, "last-owner", str(exc))


def _no_member(company_id: UUID, user_id: UUID) -> Problem:
    return Problem(404, "not-found", f"No member {user_id} in company {company_id}.")


async def _roles(res: Resources, member: Caller) -> dict[UUID, Role]:
    return {uid: Role(role) for uid, role in (await team_store.locked_roles(res.db, member.company_id)).items()}


async def change_role(res: Resources, user: CurrentUser, company_id: UUID, user_id: UUID, role: Role) -> Member:
    async with company_access(res.db, user, company_id, Right.MANAGE_MEMBERS) as member:
        try:
            after_role_change(await _roles(res, member), user_id, role)
        except NotAMember:
            raise _no_member(company_id, user_id) from None
        except LastOwner as exc:
            raise _last_owner(exc) from None
        await team_store.put_membership(res.db, company_id, user_id, role)
        [changed] = await team_store.members(res.db, company_id, user_id)
    return changed


async def remove(res: Resources, user: CurrentUser, company_id: UUID, user_id: UUID) -> None:
    """Remove a member (owners), or leave (anyone, `user_id` being the caller's own)."""
    right = Right.READ_COMPANY if user_id == user.id else Right.MANAGE_MEMBERS
    async with company_access(res.db, user, company_id, right) as member:
        try:
            after_removal(await _roles(res, member), user_id)
        except NotAMember:
            raise _no_member(company_id, user_id) from None
        except LastOwner as exc:
            raise _last_owner(exc) from None
        await team_store.delete_membership(res.db, company_id, user_id)


async def invite(res: Resources, user: CurrentUser, company_id: UUID, email: str, role: Role) -> Invitation:
    """A new invitation (an open one to the same address is revoked: its link dies); the worker emails it."""
    async with jobs_transaction(res) as outbox, company_access(res.db, user, company_id, Right.INVITE) as member:
        if not may_invite(member.role, role):
            raise Problem(403, "forbidden", f"As {member.role}, you may invite analysts and viewers only.")
        if await team_store.member_with_email(res.db, company_id, email):
            raise Problem(409, "already-member", f"{email} is a member of this company already.")
        await team_store.revoke_open_invitation(res.db, company_id, email)
        placeholder = secrets.token_bytes(32)  # no token hashes to it: the link works once the worker sent it
        invitation = await team_store.insert_invitation(res.db, company_id, email, role, user.id, placeholder)
        # The inviter's job (in their `GET /jobs`), so it counts against their limit: no one floods inboxes.
        job = {"company_id": str(company_id), "invitation_id": str(invitation.id)}
        await outbox.add("send_invitation", job, user_id=user.id)
    return invitation


async def revoke(res: Resources, user: CurrentUser, company_id: UUID, invitation_id: UUID) -> None:
    async with company_access(res.db, user, company_id, Right.INVITE):
        if not await team_store.close_invitation(res.db, company_id, invitation_id, "revoked"):
            raise Problem(404, "not-found", f"No open invitation {invitation_id} in this company.")


async def accept(res: Resources, user: SignedInUser, token: str) -> MyCompany:
    """Join the invitation's company with its role: the caller's verified email must be the invited one."""
    token_hash = sha256(token)
    async with tenant(res.db, user_id=user.id):
        found = await team_store.invitation_by_token(res.db, token_hash)
    if found is None:
        raise Problem(400, "invalid-token", "This invitation link is not valid; ask for a new invitation.")
    if found["accepted_at"] is not None:
        raise Problem(400, "token-used", "This invitation was already accepted; it works once.")
    if found["revoked_at"] is not None:
        raise Problem(400, "invalid-token", "This invitation was withdrawn or replaced by a newer one; ask again.")
    if found["expires_at"] <= datetime.now(UTC):
        raise Problem(400, "token-expired", "This invitation expired (links last 7 days); ask for a new one.")
    if user.row.email != found["email"]:
        raise Problem(403, "wrong-account", "This invitation is for another email address; sign in with that account.")
    if not user.row.email_verified:
        raise Problem(403, "email-not-verified", "Confirm your email address first, then open the link again.")
    company_id: UUID = found["company_id"]
    async with tenant(res.db, company_id=company_id, user_id=user.id):
        if user.id in await team_store.locked_roles(res.db, company_id):
            raise Problem(409, "already-member", "You are a member of this company already.")
        if not await team_store.close_invitation(res.db, company_id, found["id"], "accepted"):
            raise Problem(400, "token-used", "This invitation was already accepted; it works once.")
        await team_store.put_membership(res.db, company_id, user.id, found["role"])
        company = await store.company(res.db, company_id)
    return MyCompany(**company.model_dump(), role=Role(found["role"]))
