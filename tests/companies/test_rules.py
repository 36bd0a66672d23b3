"""The pure rules of companies: roles and rights, and the last-owner invariant (ayni/companies/rules.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ayni.companies.rules import (
    RIGHTS,
    AlreadyMember,
    LastOwner,
    NotAMember,
    Right,
    Role,
    after_joining,
    after_removal,
    after_role_change,
    allows,
    has_owner,
    may_invite,
)

# --- Roles and rights -----------------------------------------------------------------------------------------


def test_roles_rank_from_owner_to_viewer() -> None:
    assert [r.value for r in sorted(Role, key=lambda r: -r.rank)] == ["owner", "manager", "analyst", "viewer"]
    assert Role.OWNER.at_least(Role.MANAGER) and not Role.VIEWER.at_least(Role.ANALYST)
    assert all(role.at_least(role) for role in Role)


# The table of DESIGN.md, written out once more by hand.
EXPECTED = {
    Role.OWNER: set(Right),
    Role.MANAGER: {
        Right.READ_COMPANY,
        Right.UPDATE_COMPANY,
        Right.MANAGE_LOCATIONS,
        Right.READ_MEMBERS,
        Right.INVITE,
        Right.RUN_IMPORTS,
        Right.READ_DASHBOARDS,
        Right.EXPORT,
    },
    Role.ANALYST: {Right.READ_COMPANY, Right.READ_MEMBERS, Right.READ_DASHBOARDS, Right.EXPORT},
    Role.VIEWER: {Right.READ_COMPANY, Right.READ_MEMBERS, Right.READ_DASHBOARDS},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("right", list(Right))
def test_rights_table(role: Role, right: Right) -> None:
    assert allows(role, right) is (right in EXPECTED[role])


def test_a_higher_role_has_every_right_of_a_lower_one() -> None:
    for high in Role:
        for low in Role:
            if high.at_least(low):
                assert RIGHTS[low] <= RIGHTS[high]


def test_only_the_owner_manages_members_and_deletes() -> None:
    for right in (Right.MANAGE_MEMBERS, Right.DELETE_COMPANY):
        assert [role for role in Role if allows(role, right)] == [Role.OWNER]


@pytest.mark.parametrize("inviter", list(Role))
@pytest.mark.parametrize("invited", list(Role))
def test_who_may_invite_whom(inviter: Role, invited: Role) -> None:
    expected = inviter is Role.OWNER or (inviter is Role.MANAGER and invited in (Role.ANALYST, Role.VIEWER))
    assert may_invite(inviter, invited) is expected
    if may_invite(inviter, invited):
        assert allows(inviter, Right.INVITE)


# --- The last owner -------------------------------------------------------------------------------------------


def test_the_last_owner_cannot_be_demoted_or_removed() -> None:
    members = {"ana": Role.OWNER, "bo": Role.MANAGER}
    for role in (Role.MANAGER, Role.ANALYST, Role.VIEWER):
        with pytest.raises(LastOwner):
            after_role_change(members, "ana", role)
    with pytest.raises(LastOwner):
        after_removal(members, "ana")
    assert members == {"ana": Role.OWNER, "bo": Role.MANAGER}  # untouched


def test_with_a_second_owner_the_first_may_go() -> None:
    members = after_role_change({"ana": Role.OWNER, "bo": Role.MANAGER}, "bo", Role.OWNER)
    assert after_removal(members, "ana") == {"bo": Role.OWNER}
    assert after_role_change(members, "ana", Role.VIEWER) == {"ana": Role.VIEWER, "bo": Role.OWNER}


def test_unknown_and_existing_members() -> None:
    members = {"ana": Role.OWNER}
    with pytest.raises(NotAMember):
        after_role_change(members, "zoe", Role.VIEWER)
    with pytest.raises(NotAMember):
        after_removal(members, "zoe")
    with pytest.raises(AlreadyMember):
        after_joining(members, "ana", Role.VIEWER)
    assert after_joining(members, "zoe", Role.VIEWER) == {"ana": Role.OWNER, "zoe": Role.VIEWER}
    assert after_role_change(members, "ana", Role.OWNER) == members  # a no-op is allowed


users = st.sampled_from(["u0", "u1", "u2", "u3", "u4"])
roles = st.sampled_from(list(Role))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("join"), users, roles),
        st.tuples(st.just("change"), users, roles),
        st.tuples(st.just("remove"), users, roles),
    ),
    max_size=40,
)


@given(operations)
def test_any_sequence_of_changes_keeps_an_owner(ops: list[tuple[str, str, Role]]) -> None:
    members: dict[str, Role] = {"u0": Role.OWNER}
    for kind, user, role in ops:
        before = dict(members)
        try:
            if kind == "join":
                members = after_joining(members, user, role)
            elif kind == "change":
                members = after_role_change(members, user, role)
            else:
                members = after_removal(members, user)
        except (LastOwner, NotAMember, AlreadyMember):
            assert members == before
        assert has_owner(members)
        assert before == dict(before)  # the input mapping is never changed in place


class Membership(RuleBasedStateMachine):
    """The same, as a state machine: a refusal happens exactly when the change would leave no owner."""

    def __init__(self) -> None:
        super().__init__()
        self.members: dict[str, Role] = {"u0": Role.OWNER}

    def owners(self) -> int:
        return sum(role is Role.OWNER for role in self.members.values())

    @rule(user=users, role=roles)
    def join(self, user: str, role: Role) -> None:
        if user in self.members:
            with pytest.raises(AlreadyMember):
                after_joining(self.members, user, role)
        else:
            self.members = after_joining(self.members, user, role)

    @precondition(lambda self: bool(self.members))
    @rule(data=st.data(), role=roles)
    def change(self, data: st.DataObject, role: Role) -> None:
        user = data.draw(st.sampled_from(sorted(self.members)))
        if self.members[user] is Role.OWNER and role is not Role.OWNER and self.owners() == 1:
            with pytest.raises(LastOwner):
                after_role_change(self.members, user, role)
        else:
            self.members = after_role_change(self.members, user, role)
            assert self.members[user] is role

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        user = data.draw(st.sampled_from(sorted(self.members)))
        if self.members[user] is Role.OWNER and self.owners() == 1:
            with pytest.raises(LastOwner):
                after_removal(self.members, user)
        else:
            self.members = after_removal(self.members, user)
            assert user not in self.members

    @invariant()
    def an_owner_remains(self) -> None:
        assert self.owners() >= 1


TestMembership = Membership.TestCase
