"""Access.TOKEN routes (the locations list and analytics, migrations/0012): the route checks the access token
only, and the handler's one statement checks the session with its own work. To a client nothing differs from an
Access.USER route: an ended session, a disabled user and every bad token get the very answer `/auth/me` gives;
a non-member gets 404 and a member the rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest

from ayni.app import all_routes
from ayni.auth import tokens
from ayni.config import Settings
from ayni.routing import Access, ApiRoute
from tests.accounts import bearer, login, problem_type, sql
from tests.auth.test_route_access import walk
from tests.companies.conftest import C, PersonFactory, Team, access_token

CID = C + "/{company_id:uuid}"
ANALYTICS = CID + "/analytics"
TOKEN_ROUTES = sorted(
    path
    for path, route in walk(all_routes())
    if isinstance(route, ApiRoute) and route.access is Access.TOKEN and route.methods == {"GET", "HEAD"}
)
QUERIES = {ANALYTICS + "/breakdown": "?by=product"}
ME = "/api/v1/auth/me"
ENDED = "This session has ended; sign in again."


def concrete(path: str, company: uuid.UUID) -> str:
    return path.replace("{company_id:uuid}", str(company)) + QUERIES.get(path, "")


def answer(response: httpx.Response) -> tuple[int, str | None, dict[str, Any]]:
    """What a client sees of a refusal: the status, WWW-Authenticate and the problem (its request id aside)."""
    body = {k: v for k, v in response.json().items() if k != "instance"}
    return response.status_code, response.headers.get("www-authenticate"), body


def test_the_hot_reads_are_the_token_routes() -> None:
    """Every Access.TOKEN route is a GET (the parametrized tests below walk them all) and they are these."""
    token_routes = {
        path for path, route in walk(all_routes()) if isinstance(route, ApiRoute) and route.access is Access.TOKEN
    }
    assert (
        set(TOKEN_ROUTES)
        == token_routes
        == {
            CID + "/locations",
            *(f"{ANALYTICS}/{name}" for name in ("overview", "timeseries", "breakdown", "heatmap", "calendar")),
        }
    )


def _end_by_logout(client: httpx.Client, database_url: str, pair: dict[str, Any], user: uuid.UUID) -> None:
    assert client.post("/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}).status_code == 204


def _end_by_logout_all(client: httpx.Client, database_url: str, pair: dict[str, Any], user: uuid.UUID) -> None:
    assert client.post("/api/v1/auth/logout-all", headers=bearer(pair["access_token"])).status_code == 204


def _end_by_expiry(client: httpx.Client, database_url: str, pair: dict[str, Any], user: uuid.UUID) -> None:
    # The access token itself is still valid (its 15 minutes); the session's 30 days are over.
    sql(database_url, "UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE user_id = %s", (user,))


def _end_by_disabling(client: httpx.Client, database_url: str, pair: dict[str, Any], user: uuid.UUID) -> None:
    sql(database_url, "UPDATE users SET disabled = true WHERE id = %s", (user,))


@pytest.mark.parametrize("end", [_end_by_logout, _end_by_logout_all, _end_by_expiry, _end_by_disabling])
@pytest.mark.parametrize("path", TOKEN_ROUTES)
def test_an_ended_session_is_refused_as_by_me(
    client: httpx.Client, team: Team, database_url: str, path: str, end: Any
) -> None:
    """A viewer (every TOKEN route is a viewer's) signed in for real; once the session ends, each route answers
    /me's 401, word for word."""
    pair = login(client, "viewer@example.cl")
    headers, url = bearer(pair["access_token"]), concrete(path, team.company)
    assert client.get(url, headers=headers).status_code == 200
    end(client, database_url, pair, team.people["viewer"].id)
    refused, me = client.get(url, headers=headers), client.get(ME, headers=headers)
    assert answer(refused) == answer(me)
    assert (refused.status_code, problem_type(refused), refused.json()["detail"]) == (401, "invalid-token", ENDED)
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def _token(
    settings: Settings,
    person: uuid.UUID,
    session: uuid.UUID,
    *,
    kind: tokens.Kind = "access",
    key: str | None = None,
    issued: datetime | None = None,
) -> dict[str, str]:
    claims = tokens.new_claims(kind, str(person), str(session), issued or datetime.now(UTC), 3600)
    return bearer(tokens.encode(claims, key or settings.jwt_secret))


TWO_HOURS_AGO = timedelta(hours=2)
BAD_TOKENS: dict[str, Callable[[Settings, uuid.UUID, uuid.UUID], dict[str, str]]] = {
    "none": lambda s, p, sid: {},
    "another scheme": lambda s, p, sid: {"Authorization": "Basic YW5hOnNlY3JldA=="},
    "not a token": lambda s, p, sid: {"Authorization": "Bearer not-a-jwt"},
    "expired": lambda s, p, sid: _token(s, p, sid, issued=datetime.now(UTC) - TWO_HOURS_AGO),
    "a refresh token": lambda s, p, sid: _token(s, p, sid, kind="refresh"),
    "another key": lambda s, p, sid: _token(s, p, sid, key="x" * 64),
    "a session never opened": lambda s, p, sid: _token(s, p, uuid.uuid4()),
    "another user's session": lambda s, p, sid: _token(s, uuid.uuid4(), sid),
}


@pytest.mark.parametrize("fault", sorted(BAD_TOKENS))
@pytest.mark.parametrize("path", TOKEN_ROUTES)
def test_a_bad_token_is_refused_as_by_me(
    client: httpx.Client, team: Team, app_settings: Settings, database_url: str, path: str, fault: str
) -> None:
    viewer = team.people["viewer"].id
    [(session,)] = sql(database_url, "SELECT id FROM auth_sessions WHERE user_id = %s", (viewer,))
    headers, url = BAD_TOKENS[fault](app_settings, viewer, session), concrete(path, team.company)
    refused, me = client.get(url, headers=headers), client.get(ME, headers=headers)
    assert refused.status_code == 401
    assert answer(refused) == answer(me)


@pytest.mark.parametrize("path", TOKEN_ROUTES)
def test_a_malformed_authorization_is_a_400_as_by_me(client: httpx.Client, team: Team, path: str) -> None:
    url, viewer = concrete(path, team.company), team.people["viewer"].headers
    two = [("Authorization", viewer["Authorization"])] * 2
    for headers, params in ((two, None), (viewer, {"access_token": "x"})):
        refused = client.get(url, headers=headers, params=params)
        me = client.get(ME, headers=headers, params=params)
        assert refused.status_code == 400
        assert answer(refused) == answer(me)


# The locations list


def test_the_locations_are_a_members_only(
    client: httpx.Client, team: Team, person: PersonFactory, database_url: str
) -> None:
    """Signed in with a live session but no member: 404 for a stranger, for a member of another company, for a
    company that does not exist and for one being deleted; a member of a company without locations: []."""
    url = f"{C}/{team.company}/locations"
    stranger = person("stranger@example.cl").headers
    for headers, company in (
        (stranger, team.company),
        (team.people["outsider"].headers, team.company),
        (team.people["owner"].headers, uuid.uuid4()),
    ):
        response = client.get(f"{C}/{company}/locations", headers=headers)
        assert (response.status_code, problem_type(response)) == (404, "not-found"), response.text
    assert client.get(url, headers=team.people["viewer"].headers).json() == {"items": []}
    sql(database_url, "UPDATE companies SET deleting_since = now() WHERE id = %s", (team.company,))
    gone = client.get(url, headers=team.people["owner"].headers)
    assert (gone.status_code, problem_type(gone)) == (404, "not-found")


def test_archived_locations_come_last_with_when(client: httpx.Client, team: Team, database_url: str) -> None:
    archived_at = datetime(2025, 6, 1, 12, tzinfo=UTC)
    for name, code, archived in (
        ("Zeta", "Z", None),
        ("Archivada", "A", archived_at),
        ("centro", "C2", None),
        ("Centro", "C1", None),
        ("Bodega", "B", archived_at),
    ):
        sql(
            database_url,
            "INSERT INTO locations (company_id, name, code, archived_at) VALUES (%s, %s, %s, %s)",
            (team.company, name, code, archived),
        )
    response = client.get(f"{C}/{team.company}/locations", headers=team.people["viewer"].headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(item["name"], item["code"]) for item in items] == [
        ("Centro", "C1"),
        ("centro", "C2"),
        ("Zeta", "Z"),
        ("Archivada", "A"),
        ("Bodega", "B"),
    ]
    assert [item["archived_at"] is not None for item in items] == [False, False, False, True, True]
    assert datetime.fromisoformat(items[-1]["archived_at"]) == archived_at


def test_one_session_ended_leaves_the_others(
    client: httpx.Client, team: Team, app_settings: Settings, database_url: str
) -> None:
    """The statement checks the token's own session, not any session of the user."""
    viewer = team.people["viewer"]
    other = bearer(access_token(database_url, app_settings, viewer.id))
    pair = login(client, viewer.email)
    assert client.post("/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}).status_code == 204
    url = f"{C}/{team.company}/locations"
    assert client.get(url, headers=bearer(pair["access_token"])).status_code == 401
    assert client.get(url, headers=other).status_code == 200


def test_the_release_before_still_finds_its_functions(team: Team, database_url: str) -> None:
    """Migrations run before the new release serves, so the one before keeps calling the two-argument forms of
    app_locations and app_company_state (as ayni_app) until it stops: 0012 adds forms, it replaces none."""
    owner = team.people["owner"].id
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET ROLE ayni_app")
        locations = conn.execute("SELECT role, id FROM app_locations(%s, %s)", (team.company, owner)).fetchall()
        state = conn.execute("SELECT role FROM app_company_state(%s, %s)", (team.company, owner)).fetchall()
    assert (locations, state) == ([("owner", None)], [("owner",)])
