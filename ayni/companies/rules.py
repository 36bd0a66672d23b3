"""The pure rules of companies (DESIGN.md "Companies, locations, members"): roles and their rights, and the
"at least one owner" invariant over a membership. No I/O: the store and the routes build on these."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from enum import StrEnum
from typing import TypeVar

# --- Roles and rights -----------------------------------------------------------------------------------------


class Role(StrEnum):
    """From most to least. Compare with `rank` or `at_least`, never with `<` (that would compare the words)."""

    OWNER = "owner"
    MANAGER = "manager"
    ANALYST = "analyst"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        """4 for the owner down to 1 for a viewer."""
        return _RANKS[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANKS = {Role.OWNER: 4, Role.MANAGER: 3, Role.ANALYST: 2, Role.VIEWER: 1}


class Right(StrEnum):
    READ_COMPANY = "read-company"  # the company and its locations
    UPDATE_COMPANY = "update-company"
    DELETE_COMPANY = "delete-company"
    MANAGE_LOCATIONS = "manage-locations"  # create, rename, archive
    READ_MEMBERS = "read-members"
    MANAGE_MEMBERS = "manage-members"  # change a role, remove a member
    INVITE = "invite"  # send, list and revoke invitations (which roles: `may_invite`)
    RUN_IMPORTS = "run-imports"  # upload, start and undo sales imports
    READ_DASHBOARDS = "read-dashboards"
    EXPORT = "export"  # CSV of dashboards


# DESIGN.md: owner everything; manager company settings, locations, imports, inviting analysts and viewers;
# analyst every dashboard and export; viewer dashboards; any member reads the company and its members.
_MEMBER = frozenset({Right.READ_COMPANY, Right.READ_MEMBERS, Right.READ_DASHBOARDS})
_ANALYST = _MEMBER | {Right.EXPORT}
_MANAGER = _ANALYST | {Right.UPDATE_COMPANY, Right.MANAGE_LOCATIONS, Right.INVITE, Right.RUN_IMPORTS}
RIGHTS: Mapping[Role, frozenset[Right]] = {
    Role.OWNER: frozenset(Right),
    Role.MANAGER: _MANAGER,
    Role.ANALYST: _ANALYST,
    Role.VIEWER: _MEMBER,
}


def allows(role: Role, right: Right) -> bool:
    return right in RIGHTS[role]


def may_invite(inviter: Role, invited: Role) -> bool:
    """An owner invites any role (another owner too); a manager analysts and viewers; no one else invites."""
    if inviter is Role.OWNER:
        return True
    return inviter is Role.MANAGER and invited in (Role.ANALYST, Role.VIEWER)


# --- Membership invariants ------------------------------------------------------------------------------------

User = TypeVar("User", bound=Hashable)


class LastOwner(Exception):
    """The change would leave the company without an owner (409 `last-owner`)."""


class NotAMember(LookupError):
    """The user is not a member of the company."""


class AlreadyMember(Exception):
    """The user is a member already (an invitation to an existing member)."""


def has_owner(members: Mapping[User, Role]) -> bool:
    return any(role is Role.OWNER for role in members.values())


def _checked(members: dict[User, Role]) -> dict[User, Role]:
    if not has_owner(members):
        raise LastOwner("A company must keep at least one owner: make another member owner first.")
    return members


def after_role_change(members: Mapping[User, Role], user: User, new_role: Role) -> dict[User, Role]:
    """The membership with `user`'s role changed (a new mapping; `members` is left as it was)."""
    if user not in members:
        raise NotAMember(user)
    return _checked({**members, user: new_role})


def after_removal(members: Mapping[User, Role], user: User) -> dict[User, Role]:
    """The membership without `user` (removed, or leaving)."""
    if user not in members:
        raise NotAMember(user)
    return _checked({other: role for other, role in members.items() if other != user})


def after_joining(members: Mapping[User, Role], user: User, role: Role) -> dict[User, Role]:
    """The membership with `user` added (an accepted invitation); the first member of a company is its owner."""
    if user in members:
        raise AlreadyMember(user)
    return _checked({**members, user: role})
