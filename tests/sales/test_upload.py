"""Uploading a sales file over HTTP, without a worker: what is stored (chunked, whole, hashed), and every refusal
leaving nothing behind (413, 415, 422, 409, 404, 403)."""

from __future__ import annotations

import gzip
import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from ayni.app import create_app
from ayni.config import Settings
from ayni.sales.storage import CHUNK_BYTES
from tests.accounts import problem_type, sql
from tests.companies.conftest import C, Team
from tests.servers import LiveServer

CSV = b"Fecha venta,Producto,Total neto\n08-10-2025 18:57,Pan amasado,1.290\n"


def imports_url(team: Team) -> str:
    return f"{C}/{team.company}/imports"


def upload(
    client: httpx.Client, team: Team, body: bytes, *, role: str = "manager", media_type: str = "text/csv", **query: str
) -> httpx.Response:
    headers = {**team.people[role].headers, "Content-Type": media_type}
    return client.post(imports_url(team), content=body, params=query, headers=headers)


def stored(database_url: str) -> tuple[int, int]:
    [(imports, files)] = sql(database_url, "SELECT (SELECT count(*) FROM imports), (SELECT count(*) FROM import_files)")
    return imports, files


def test_an_upload_is_stored_in_chunks_and_queued_for_analysis(
    client: httpx.Client, team: Team, database_url: str
) -> None:
    body = CSV + b"".join(b"08-10-2025 18:57,Pan amasado,1.290\n" for _ in range(40_000))  # > one chunk
    response = upload(client, team, body, filename="ventas octubre.csv")
    assert response.status_code == 201, response.text
    record = response.json()
    assert response.headers["Location"] == f"{imports_url(team)}/{record['id']}"
    assert record["status"] == "analyzing"
    assert (record["filename"], record["bytes"], record["sha256"]) == (
        "ventas octubre.csv",
        len(body),
        hashlib.sha256(body).hexdigest(),
    )
    assert record["created_by"] == str(team.people["manager"].id)
    rows = sql(
        database_url,
        "SELECT seq, length(data) FROM import_files WHERE import_id = %s AND kind = 'upload' ORDER BY seq",
        (uuid.UUID(record["id"]),),
    )
    assert [seq for seq, _ in rows] == list(range(len(rows))) and len(rows) == -(-len(body) // CHUNK_BYTES)
    assert all(size == CHUNK_BYTES for _, size in rows[:-1])
    [(whole,)] = sql(
        database_url, "SELECT string_agg(data, '' ORDER BY seq) FROM import_files WHERE import_id = %s",
        (uuid.UUID(record["id"]),),
    )  # fmt: skip
    assert bytes(whole) == body
    assert sql(database_url, "SELECT actor, user_id FROM jobs") == [("analyze_import", team.people["manager"].id)]
    listed = client.get(imports_url(team), headers=team.people["owner"].headers).json()
    assert [item["id"] for item in listed["items"]] == [record["id"]]


def test_gzip_and_xlsx_media_types_are_accepted(client: httpx.Client, team: Team) -> None:
    assert upload(client, team, gzip.compress(CSV), media_type="application/gzip").status_code == 201
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert upload(client, team, b"PK\x03\x04 not really", media_type=xlsx).status_code == 201


def test_other_media_types_get_415_and_store_nothing(client: httpx.Client, team: Team, database_url: str) -> None:
    for media_type in ("application/json", "image/png", "multipart/form-data; boundary=x"):
        response = upload(client, team, CSV, media_type=media_type)
        assert (response.status_code, problem_type(response)) == (415, "unsupported-media-type")
        assert "text/csv" in response.json()["detail"]
    assert stored(database_url) == (0, 0)


def test_an_empty_file_gets_422(client: httpx.Client, team: Team, database_url: str) -> None:
    response = upload(client, team, b"")
    assert (response.status_code, problem_type(response)) == (422, "empty-file")
    assert stored(database_url) == (0, 0)


def test_the_same_file_twice_gets_409_unless_allowed(client: httpx.Client, team: Team, database_url: str) -> None:
    first = upload(client, team, CSV)
    assert first.status_code == 201
    again = upload(client, team, CSV)
    assert (again.status_code, problem_type(again)) == (409, "duplicate-import")
    assert first.json()["id"] in again.json()["detail"]
    assert stored(database_url) == (1, 1)
    assert upload(client, team, CSV, allow_duplicate="true").status_code == 201
    # Another company may upload the same bytes.
    other = client.post(
        f"{C}/{team.other_company}/imports", content=CSV,
        headers={**team.people["outsider"].headers, "Content-Type": "text/csv"},
    )  # fmt: skip
    assert other.status_code == 201


def test_viewers_analysts_and_strangers_cannot_upload(client: httpx.Client, team: Team, database_url: str) -> None:
    for role, status in (("viewer", 403), ("analyst", 403), ("outsider", 404)):
        response = upload(client, team, CSV, role=role)
        assert response.status_code == status, response.text
    assert stored(database_url) == (0, 0)


@pytest.fixture
def small_limit_client(app_settings: Settings, clean_state: None) -> Iterator[httpx.Client]:
    app = create_app(replace(app_settings, import_max_bytes=4096))
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def test_a_file_over_the_limit_gets_413_and_stores_nothing(
    small_limit_client: httpx.Client, team: Team, database_url: str
) -> None:
    too_big = CSV * (4096 // len(CSV) + 1)
    declared = upload(small_limit_client, team, too_big)
    assert (declared.status_code, problem_type(declared)) == (413, "body-too-large")

    def streamed() -> Iterator[bytes]:  # no Content-Length: the limit holds while the body streams in
        yield from (too_big[i : i + 1000] for i in range(0, len(too_big), 1000))

    response = small_limit_client.post(
        imports_url(team), content=streamed(), headers={**team.people["manager"].headers, "Content-Type": "text/csv"}
    )
    assert (response.status_code, problem_type(response)) == (413, "body-too-large")
    assert stored(database_url) == (0, 0)
    assert upload(small_limit_client, team, CSV).status_code == 201  # under the limit


def test_json_bodies_keep_their_own_limit(client: httpx.Client, team: Team) -> None:
    """IMPORT_MAX_BYTES is for files at the upload path only: a large JSON body elsewhere still gets 413."""
    huge = {"name": "x" * 2_000_000}
    response = client.patch(f"{C}/{team.company}", json=huge, headers=team.people["owner"].headers)
    assert (response.status_code, problem_type(response)) == (413, "body-too-large")
