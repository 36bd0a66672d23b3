"""The first wall: every company-scoped handler runs its SQL inside `company_access`, which opens the
company's transaction under row-level security (the second wall) and checks the caller's membership and role.

    async with company_access(res.db, user, company_id, Right.MANAGE_LOCATIONS) as member:
        ...  # every statement here sees only this company's rows

Not a member (or the company is being deleted): 404 `not-found`, the same answer as for a company that does
not exist, so nothing leaks. A member without the right: 403 `forbidden`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

import databases

from ayni.companies.rules import Right, Role, allows
from ayni.problems import Problem
from ayni.resources import CurrentUser
from ayni.tenancy import member_transaction

# What each right lets a member do, for the 403's words.
_DOING = {
    Right.READ_COMPANY: "see this company",
    Right.UPDATE_COMPANY: "change the company's settings",
    Right.DELETE_COMPANY: "delete the company",
    Right.MANAGE_LOCATIONS: "add, change or archive locations",
    Right.READ_MEMBERS: "see the members",
    Right.MANAGE_MEMBERS: "change members' roles or remove members",
    Right.INVITE: "invite people or see and revoke invitations",
    Right.RUN_IMPORTS: "import sales",
    Right.READ_DASHBOARDS: "see dashboards",
    Right.EXPORT: "export figures",
}


@dataclass(frozen=True)
class Caller:
    """The caller, as a member of the company of the transaction."""

    company_id: UUID
    user_id: UUID
    role: Role


def not_found(company_id: UUID) -> Problem:
    return Problem(404, "not-found", f"No company {company_id} among yours.")


@contextlib.asynccontextmanager
async def company_access(
    db: databases.Database, user: CurrentUser, company_id: UUID, right: Right
) -> AsyncIterator[Caller]:
    """The company's transaction, once the caller is known to be a member with `right`."""
    async with member_transaction(db, company_id, user.id) as role:
        yield checked_member(company_id, user.id, role, right)


def checked_member(company_id: UUID, user_id: UUID, role: str | None, right: Right) -> Caller:
    """The caller as a member with `right`, from the role read under the company's row-level security (None: not
    a member); else the 404 or 403 to answer."""
    if role is None:
        raise not_found(company_id)
    member = Caller(company_id, user_id, Role(role))
    if not allows(member.role, right):
        raise Problem(403, "forbidden", f"As {role}, you may not {_DOING[right]}.")
    return member
