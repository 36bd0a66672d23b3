"""The access matrix: every company-scoped route x {owner, manager, analyst, viewer, member of another company,
signed out} -> the status DESIGN.md's rights give. The routes are walked from the app: a company route missing
from RIGHTS fails the test, so a new route cannot skip its row."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from ayni.app import all_routes
from ayni.companies.rules import Right, Role, allows
from ayni.routing import ApiRoute
from tests.accounts import problem_type, sql
from tests.auth.test_route_access import walk
from tests.companies.conftest import C, PersonFactory, Team, add_member

CID = C + "/{company_id:uuid}"
IMPORT = CID + "/imports/{import_id:uuid}"
ANALYTICS = CID + "/analytics"
# A sales file: the body of an upload (any other body is JSON).
SALES_FILE = b"Fecha,Producto,Total\n08-10-2025 18:57,Pan,1290\n"
# (method, path) -> the right it needs, the body a permitted caller sends, and the status it then gets.
RIGHTS: dict[tuple[str, str], tuple[Right, dict[str, Any] | bytes | None, int]] = {
    ("GET", CID): (Right.READ_COMPANY, None, 200),
    ("PATCH", CID): (Right.UPDATE_COMPANY, {"name": "Nuevo nombre"}, 200),
    ("DELETE", CID): (Right.DELETE_COMPANY, {"confirm_name": "Farmacia Ñuñoa"}, 202),
    ("GET", CID + "/locations"): (Right.READ_COMPANY, None, 200),
    ("POST", CID + "/locations"): (Right.MANAGE_LOCATIONS, {"name": "Nueva", "code": "N1"}, 201),
    ("PATCH", CID + "/locations/{location_id:uuid}"): (Right.MANAGE_LOCATIONS, {"name": "Otra"}, 200),
    ("DELETE", CID + "/locations/{location_id:uuid}"): (Right.MANAGE_LOCATIONS, None, 204),
    ("GET", CID + "/members"): (Right.READ_MEMBERS, None, 200),
    ("PATCH", CID + "/members/{user_id:uuid}"): (Right.MANAGE_MEMBERS, {"role": "analyst"}, 200),
    ("DELETE", CID + "/members/{user_id:uuid}"): (Right.MANAGE_MEMBERS, None, 204),
    ("POST", CID + "/invitations"): (Right.INVITE, {"email": "new@example.cl", "role": "viewer"}, 201),
    ("GET", CID + "/invitations"): (Right.INVITE, None, 200),
    ("DELETE", CID + "/invitations/{invitation_id:uuid}"): (Right.INVITE, None, 204),
    ("POST", CID + "/imports"): (Right.RUN_IMPORTS, SALES_FILE, 201),
    ("GET", CID + "/imports"): (Right.RUN_IMPORTS, None, 200),
    ("GET", IMPORT): (Right.RUN_IMPORTS, None, 200),
    ("POST", IMPORT + "/start"): (Right.RUN_IMPORTS, {"mode": "append"}, 202),
    ("DELETE", IMPORT): (Right.RUN_IMPORTS, None, 202),
    ("GET", IMPORT + "/rejected.csv"): (Right.RUN_IMPORTS, None, 200),
    ("GET", ANALYTICS + "/overview"): (Right.READ_DASHBOARDS, None, 200),
    ("GET", ANALYTICS + "/timeseries"): (Right.READ_DASHBOARDS, None, 200),
    ("GET", ANALYTICS + "/breakdown"): (Right.READ_DASHBOARDS, None, 200),
    ("GET", ANALYTICS + "/heatmap"): (Right.READ_DASHBOARDS, None, 200),
    ("GET", ANALYTICS + "/calendar"): (Right.READ_DASHBOARDS, None, 200),
}
# The query of a route that needs one (CSV exports, which need Right.EXPORT: tests/analytics/test_api.py).
QUERIES = {ANALYTICS + "/breakdown": "?by=product"}
CALLERS = ("owner", "manager", "analyst", "viewer", "outsider", "signed-out")


def company_routes() -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, route in walk(all_routes())
        if isinstance(route, ApiRoute) and "{company_id" in path
        for method in (route.methods or set()) - {"HEAD"}
    }


def test_every_company_route_is_in_the_matrix() -> None:
    assert company_routes() == set(RIGHTS)


def expected(caller: str, right: Right, success: int) -> int:
    if caller == "signed-out":
        return 401
    if caller == "outsider":
        return 404
    return success if allows(Role(caller), right) else 403


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), sorted(RIGHTS))
def test_access(
    client: httpx.Client, team: Team, person: PersonFactory, database_url: str, method: str, path: str, caller: str
) -> None:
    right, body, success = RIGHTS[(method, path)]
    # The subjects of the routes: a location, a member who is none of the callers, an open invitation.
    target = person("target@example.cl")
    add_member(database_url, team.company, target.id, "viewer")
    [(location_id,)] = sql(
        database_url,
        "INSERT INTO locations (company_id, name, code) VALUES (%s, 'Centro', 'C1') RETURNING id",
        (team.company,),
    )
    [(invitation_id,)] = sql(
        database_url,
        """INSERT INTO invitations (company_id, email, role, token_hash, expires_at)
           VALUES (%s, 'someone@example.cl', 'viewer', %s, now() + interval '7 days') RETURNING id""",
        (team.company, uuid.uuid4().bytes * 2),
    )
    # An import waiting for its start, with a rejected row to download.
    [(import_id,)] = sql(
        database_url,
        """INSERT INTO imports (company_id, filename, media_type, bytes, sha256, status, start_mode, preview)
           VALUES (%s, 'ventas.csv', 'text/csv', 3, %s, 'ready', 'manual', '{}') RETURNING id""",
        (team.company, bytes(32)),
    )
    sql(
        database_url,
        "INSERT INTO import_files (company_id, import_id, kind, seq, data) VALUES (%s, %s, 'rejected', 0, %s)",
        (team.company, import_id, b"Fila,Motivo\n2,x\n"),
    )
    url = (
        path.replace("{company_id:uuid}", str(team.company))
        .replace("{import_id:uuid}", str(import_id))
        .replace("{location_id:uuid}", str(location_id))
        .replace("{user_id:uuid}", str(target.id))
        .replace("{invitation_id:uuid}", str(invitation_id))
    ) + QUERIES.get(path, "")
    headers = {} if caller == "signed-out" else team.people[caller].headers
    if isinstance(body, bytes):
        response = client.request(method, url, content=body, headers={**headers, "Content-Type": "text/csv"})
    else:
        response = client.request(method, url, json=body, headers=headers)
    want = expected(caller, right, success)
    assert response.status_code == want, response.text
    if want in (403, 404):
        assert problem_type(response) == {403: "forbidden", 404: "not-found"}[want]


def test_a_manager_invites_analysts_and_viewers_only(client: httpx.Client, team: Team, database_url: str) -> None:
    url = f"{C}/{team.company}/invitations"
    manager = team.people["manager"].headers
    for role in ("owner", "manager"):
        response = client.post(url, json={"email": "x@example.cl", "role": role}, headers=manager)
        assert (response.status_code, problem_type(response)) == (403, "forbidden")
    assert sql(database_url, "SELECT count(*) FROM invitations") == [(0,)]
    assert (
        client.post(
            url, json={"email": "x@example.cl", "role": "manager"}, headers=team.people["owner"].headers
        ).status_code
        == 201
    )


def test_any_member_may_leave(client: httpx.Client, team: Team) -> None:
    viewer = team.people["viewer"]
    response = client.delete(f"{C}/{team.company}/members/{viewer.id}", headers=viewer.headers)
    assert response.status_code == 204
    assert client.get(f"{C}/{team.company}", headers=viewer.headers).status_code == 404
