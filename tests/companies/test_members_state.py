"""Memberships as a state machine over the API (invite, accept, change role, remove, leave), against a model:
every answer is the one the model predicts, a company always keeps an owner, and a removed member gets 404
at once."""

from __future__ import annotations

import itertools
import uuid

import httpx
import redis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ayni.auth.tokens import new_one_time_token, sha256
from ayni.companies.rules import Right, Role, allows, may_invite
from tests.accounts import sql
from tests.companies.conftest import C, Person, PersonFactory

PEOPLE = 4
ROLE = st.sampled_from(list(Role))
WHO = st.integers(0, PEOPLE - 1)


def test_memberships(client: httpx.Client, person: PersonFactory, database_url: str, redis_url: str) -> None:
    limits = redis.Redis.from_url(redis_url)
    people = [person(f"p{i}@example.cl") for i in range(PEOPLE)]
    names = itertools.count()

    class Memberships(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            limits.flushdb()  # invitations count against the inviter's job limit; each example starts afresh
            body = {"name": f"Tienda {next(names)}", "industry": "other", "country": "PE", "currency": "PEN"}
            response = client.post(C, json=body, headers=people[0].headers)
            assert response.status_code == 201, response.text
            self.company = uuid.UUID(response.json()["id"])
            self.roles: dict[int, Role] = {0: Role.OWNER}

        def url(self, suffix: str = "") -> str:
            return f"{C}/{self.company}{suffix}"

        def expect_scoped(self, actor: int, right: Right) -> int | None:
            """The refusal the access check gives `actor`, or None when it lets them through."""
            if actor not in self.roles:
                return 404
            return None if allows(self.roles[actor], right) else 403

        @rule(actor=WHO, subject=WHO, role=ROLE)
        def invite_and_accept(self, actor: int, subject: int, role: Role) -> None:
            invitee: Person = people[subject]
            response = client.post(
                self.url("/invitations"), json={"email": invitee.email, "role": role}, headers=people[actor].headers
            )
            want = self.expect_scoped(actor, Right.INVITE)
            if want is None and not may_invite(self.roles[actor], role):
                want = 403
            if want is None and subject in self.roles:
                want = 409
            assert response.status_code == (want or 201), response.text
            if want is not None:
                return
            token = new_one_time_token()  # what the worker would mint and email
            sql(
                database_url,
                "UPDATE invitations SET token_hash = %s WHERE id = %s",
                (sha256(token), response.json()["id"]),
            )
            accepted = client.post("/api/v1/invitations/accept", json={"token": token}, headers=invitee.headers)
            assert accepted.status_code == 200, accepted.text
            assert accepted.json()["role"] == role
            self.roles[subject] = role
            again = client.post("/api/v1/invitations/accept", json={"token": token}, headers=invitee.headers)
            assert again.status_code == 400

        @rule(actor=WHO, subject=WHO, role=ROLE)
        def change_role(self, actor: int, subject: int, role: Role) -> None:
            response = client.patch(
                self.url(f"/members/{people[subject].id}"), json={"role": role}, headers=people[actor].headers
            )
            want = self.expect_scoped(actor, Right.MANAGE_MEMBERS)
            after = {**self.roles, subject: role}
            if want is None:
                want = 404 if subject not in self.roles else None if Role.OWNER in after.values() else 409
            assert response.status_code == (want or 200), response.text
            if want is None:
                self.roles = after

        @rule(actor=WHO, subject=WHO)
        def remove(self, actor: int, subject: int) -> None:
            response = client.delete(self.url(f"/members/{people[subject].id}"), headers=people[actor].headers)
            right = Right.READ_COMPANY if actor == subject else Right.MANAGE_MEMBERS
            want = self.expect_scoped(actor, right)
            after = {user: role for user, role in self.roles.items() if user != subject}
            if want is None:
                want = 404 if subject not in self.roles else None if Role.OWNER in after.values() else 409
            assert response.status_code == (want or 204), response.text
            if want is None:
                self.roles = after

        @invariant()
        def one_owner_at_least(self) -> None:
            owners = sql(
                database_url,
                "SELECT count(*) FROM memberships WHERE company_id = %s AND role = 'owner'",
                (self.company,),
            )
            assert owners[0][0] >= 1

        @invariant()
        def only_members_see_the_company(self) -> None:
            for i, someone in enumerate(people):
                status = client.get(self.url(), headers=someone.headers).status_code
                assert status == (200 if i in self.roles else 404), (i, self.roles)

    run_state_machine_as_test(
        Memberships,
        settings=settings(
            max_examples=15,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
