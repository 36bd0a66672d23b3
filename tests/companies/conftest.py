"""Fixtures for the companies tests: signed-in users made straight in the database (no argon2, no login
throttle), a company with one member of each role, and a worker."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ayni.auth import tokens
from ayni.config import Settings
from tests.accounts import create_user, sql

C = "/api/v1/companies"
VALID_RUT = "76.086.428-5"
ROLES = ("owner", "manager", "analyst", "viewer")


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    email: str
    headers: dict[str, str]


def access_token(database_url: str, settings: Settings, user_id: uuid.UUID) -> str:
    """A live session and its access token, as login would give, without the password check."""
    [(session_id,)] = sql(
        database_url,
        "INSERT INTO auth_sessions (user_id, current_jti_hash, expires_at) VALUES (%s, %s, %s) RETURNING id",
        (user_id, tokens.sha256(tokens.new_jti()), datetime.now(UTC) + timedelta(days=1)),
    )
    claims = tokens.new_claims("access", str(user_id), str(session_id), datetime.now(UTC), 3600)
    return tokens.encode(claims, settings.jwt_secret)


PersonFactory = Callable[..., Person]


@pytest.fixture
def person(database_url: str, app_settings: Settings, clean_state: None) -> PersonFactory:
    def make(email: str, *, verified: bool = True) -> Person:
        user_id = create_user(database_url, email, verified=verified)
        return Person(user_id, email, {"Authorization": f"Bearer {access_token(database_url, app_settings, user_id)}"})

    return make


def company_body(**changes: object) -> dict[str, object]:
    return {"name": "Farmacia Ñuñoa", "rut": VALID_RUT, "industry": "pharmacy", **changes}


def create_company(client: httpx.Client, owner: Person, **changes: object) -> uuid.UUID:
    response = client.post(C, json=company_body(**changes), headers=owner.headers)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


def add_member(database_url: str, company_id: uuid.UUID, user_id: uuid.UUID, role: str) -> None:
    sql(
        database_url,
        "INSERT INTO memberships (company_id, user_id, role) VALUES (%s, %s, %s)",
        (company_id, user_id, role),
    )


@dataclass(frozen=True)
class Team:
    company: uuid.UUID
    other_company: uuid.UUID
    people: dict[str, Person]  # owner, manager, analyst, viewer, outsider (owner of the other company)


@pytest.fixture
def team(client: httpx.Client, person: PersonFactory, database_url: str) -> Team:
    people = {role: person(f"{role}@example.cl") for role in (*ROLES, "outsider")}
    company = create_company(client, people["owner"])
    for role in ROLES[1:]:
        add_member(database_url, company, people[role].id, role)
    other = create_company(client, people["outsider"], name="Otra", rut="11.111.111-1")
    return Team(company, other, people)
