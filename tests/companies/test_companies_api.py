"""Companies and locations over HTTP: each endpoint, its bad input, and that a refused request changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.accounts import problem_type, sql
from tests.companies.conftest import VALID_RUT, C, PersonFactory, Team, company_body, create_company


def rows(database_url: str, table: str) -> list[tuple[Any, ...]]:
    return sql(database_url, f"SELECT * FROM {table} ORDER BY 1, 2")  # noqa: S608 - a fixed table name


def field_errors(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_create_list_read_update(client: httpx.Client, person: PersonFactory) -> None:
    ana = person("ana@example.cl")
    created = client.post(C, json=company_body(rut="76086428-5"), headers=ana.headers)
    assert created.status_code == 201, created.text
    company = created.json()
    assert company["rut"] == "76086428-5"
    assert (company["role"], company["country"], company["timezone"], company["currency"]) == (
        "owner",
        "CL",
        "America/Santiago",
        "CLP",
    )
    assert company["benchmarking_opt_in"] is True
    listed = client.get(C, headers=ana.headers).json()["items"]
    assert [(c["id"], c["role"]) for c in listed] == [(company["id"], "owner")]
    read = client.get(f"{C}/{company['id']}", headers=ana.headers)
    assert read.status_code == 200
    assert "role" not in read.json()
    changed = client.patch(
        f"{C}/{company['id']}", json={"name": "  Farmacia Providencia ", "currency": "usd"}, headers=ana.headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["currency"]) == ("Farmacia Providencia", "USD")


def test_a_company_outside_chile_needs_no_rut(client: httpx.Client, person: PersonFactory) -> None:
    ana = person("ana@example.cl")
    body = {"name": "Tienda", "industry": "other", "country": "PE", "timezone": "America/Lima", "currency": "PEN"}
    response = client.post(C, json=body, headers=ana.headers)
    assert response.status_code == 201, response.text
    assert response.json()["rut"] is None


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"rut": "76.086.428-4"}, "rut", "12.345.678-5"),
        ({"rut": "hello"}, "rut", "12.345.678-5"),
        ({"rut": None}, "rut", "12.345.678-5"),
        ({"timezone": "Mars/Olympus"}, "timezone", "America/Santiago"),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"name": "   "}, "name", "empty"),
        ({"name": ""}, "name", "at least"),
        ({"industry": "spaceships"}, "industry", "allowed"),
        ({"country": "chile"}, "country", ""),
    ],
)
def test_bad_company_input(
    client: httpx.Client, person: PersonFactory, database_url: str, changes: dict[str, object], field: str, words: str
) -> None:
    ana = person("ana@example.cl")
    errors = field_errors(client.post(C, json=company_body(**changes), headers=ana.headers))
    assert field in errors
    assert words in errors[field]
    assert rows(database_url, "companies") == []
    assert rows(database_url, "memberships") == []


def test_a_rut_is_unique(client: httpx.Client, person: PersonFactory, database_url: str) -> None:
    ana, beto = person("ana@example.cl"), person("beto@example.cl")
    create_company(client, ana)
    response = client.post(C, json=company_body(rut="76086428-5", name="Otra"), headers=beto.headers)
    assert response.status_code == 409
    assert problem_type(response) == "rut-taken"
    assert len(rows(database_url, "companies")) == 1
    assert client.get(C, headers=beto.headers).json()["items"] == []


def test_creating_needs_a_verified_email(client: httpx.Client, person: PersonFactory, database_url: str) -> None:
    unverified = person("new@example.cl", verified=False)
    response = client.post(C, json=company_body(), headers=unverified.headers)
    assert response.status_code == 403
    assert problem_type(response) == "email-not-verified"
    assert rows(database_url, "companies") == []


def test_bad_updates_change_nothing(client: httpx.Client, team: Team, database_url: str) -> None:
    owner = team.people["owner"].headers
    before = rows(database_url, "companies")
    url = f"{C}/{team.company}"
    assert "rut" in field_errors(client.patch(url, json={"rut": None}, headers=owner))
    assert "name" in field_errors(client.patch(url, json={"name": None}, headers=owner))
    assert "timezone" in field_errors(client.patch(url, json={"name": "X", "timezone": "Nowhere"}, headers=owner))
    taken = client.patch(url, json={"rut": "11111111-1"}, headers=owner)
    assert (taken.status_code, problem_type(taken)) == (409, "rut-taken")
    assert rows(database_url, "companies") == before


def test_delete_needs_the_exact_name(client: httpx.Client, team: Team, database_url: str) -> None:
    owner = team.people["owner"].headers
    response = client.request("DELETE", f"{C}/{team.company}", json={"confirm_name": "Farmacia"}, headers=owner)
    assert "confirm_name" in field_errors(response)
    assert sql(database_url, "SELECT deleting_since FROM companies WHERE id = %s", (team.company,)) == [(None,)]
    assert sql(database_url, "SELECT count(*) FROM jobs") == [(0,)]


def test_locations(client: httpx.Client, team: Team, database_url: str) -> None:
    manager, viewer = team.people["manager"].headers, team.people["viewer"].headers
    url = f"{C}/{team.company}/locations"
    body = {"name": "Casa matriz", "code": "001", "address": "Av. Irarrázaval 100", "comuna": "Ñuñoa"}
    created = client.post(url, json={**body, "region": "metropolitana"}, headers=manager)
    assert created.status_code == 201, created.text
    location = created.json()
    assert location["region"] == "Región Metropolitana de Santiago"
    assert location["archived_at"] is None
    taken = client.post(url, json={**body, "name": "Otra"}, headers=manager)
    assert (taken.status_code, problem_type(taken)) == (409, "code-taken")
    assert "region" in field_errors(client.post(url, json={**body, "code": "2", "region": "Texas"}, headers=manager))
    assert "name" in field_errors(client.post(url, json={**body, "code": "2", "name": " "}, headers=manager))
    assert len(rows(database_url, "locations")) == 1
    renamed = client.patch(f"{url}/{location['id']}", json={"name": "Sucursal Ñuñoa"}, headers=manager)
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Sucursal Ñuñoa")
    listed = client.get(url, headers=viewer)
    assert [item["name"] for item in listed.json()["items"]] == ["Sucursal Ñuñoa"]
    deleted = client.delete(f"{url}/{location['id']}", headers=manager)
    assert deleted.status_code == 204
    assert client.get(url, headers=viewer).json()["items"] == []
    gone = client.delete(f"{url}/{location['id']}", headers=manager)
    assert gone.status_code == 404


def test_a_location_with_sales_is_archived(
    client: httpx.Client, team: Team, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ayni.companies import store

    async def has_sales(*args: object) -> bool:
        return True

    monkeypatch.setattr(store, "location_has_sales", has_sales)
    manager = team.people["manager"].headers
    url = f"{C}/{team.company}/locations"
    location = client.post(url, json={"name": "Centro", "code": "C1"}, headers=manager).json()
    archived = client.delete(f"{url}/{location['id']}", headers=manager)
    assert archived.status_code == 200, archived.text
    assert archived.json()["archived_at"] is not None
    [listed] = client.get(url, headers=manager).json()["items"]
    assert listed["archived_at"] == archived.json()["archived_at"]


def test_another_companys_location_is_not_found(client: httpx.Client, team: Team) -> None:
    outsider = team.people["outsider"].headers
    location = client.post(
        f"{C}/{team.other_company}/locations", json={"name": "X", "code": "X"}, headers=outsider
    ).json()
    manager = team.people["manager"].headers
    response = client.patch(f"{C}/{team.company}/locations/{location['id']}", json={"name": "Y"}, headers=manager)
    assert response.status_code == 404
    assert client.delete(f"{C}/{team.company}/locations/{location['id']}", headers=manager).status_code == 404


def test_rut_in_create_shows_the_expected_form(client: httpx.Client, person: PersonFactory) -> None:
    ana = person("ana@example.cl")
    errors = field_errors(client.post(C, json=company_body(rut="12.345.678-9"), headers=ana.headers))
    assert "12.345.678-5" in errors["rut"]
    assert VALID_RUT != "12.345.678-9"
