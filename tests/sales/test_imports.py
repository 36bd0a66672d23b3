"""Sales imports end to end, over HTTP with a real worker: each fixture in a user's shape uploaded, analysed,
started (with corrections where the user would give them) and loaded; the figures in PostgreSQL equal the totals
computed by hand (fixtures/expected.json); rejected rows reported and downloadable; undo; and every bad file ends
as a clear failure that changed nothing."""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts import sql
from tests.companies.conftest import C, Team
from tests.workers import WorkerProcess

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
MEDIA = {".csv": "text/csv", ".gz": "application/gzip", ".png": "application/octet-stream",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip
# On a loaded 2-core machine the worker's first job also imports polars.
WAIT_S = 90


def upload(client: httpx.Client, team: Team, name: str, **query: str) -> dict[str, Any]:
    path = FIXTURES / name
    response = client.post(
        f"{C}/{team.company}/imports",
        content=path.read_bytes(),
        params={"filename": name, **query},
        headers={**team.people["manager"].headers, "Content-Type": MEDIA[path.suffix]},
    )
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


def wait_until(client: httpx.Client, team: Team, import_id: str, *statuses: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while True:
        record: dict[str, Any] = client.get(
            f"{C}/{team.company}/imports/{import_id}", headers=team.people["manager"].headers
        ).json()
        if record["status"] in statuses:
            return record
        assert time.monotonic() < deadline, f"import still {record['status']}: {record}"
        time.sleep(0.2)


def start(client: httpx.Client, team: Team, import_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(
        f"{C}/{team.company}/imports/{import_id}/start", json=body or {}, headers=team.people["manager"].headers
    )
    assert response.status_code == 202, response.text
    return wait_until(client, team, import_id, "succeeded", "failed")


def figures(database_url: str, company: uuid.UUID) -> dict[str, Any]:
    """What the rollups say, by location name."""
    rows = sql(
        database_url,
        """SELECT l.name, sum(d.revenue), sum(d.returns), sum(d.units), sum(d.tickets), min(d.day), max(d.day)
           FROM sales_daily d JOIN locations l ON (l.company_id, l.id) = (d.company_id, d.location_id)
           WHERE d.company_id = %s GROUP BY l.name""",
        (company,),
    )
    return {name: {"revenue": r, "returns": ret, "units": u, "tickets": t, "from": f, "to": to}
            for name, r, ret, u, t, f, to in rows}  # fmt: skip


def lines_count(database_url: str, company: uuid.UUID) -> int:
    [(count,)] = sql(database_url, "SELECT count(*) FROM sale_lines WHERE company_id = %s", (company,))
    return int(count)


@pytest.fixture
def shop(client: httpx.Client, team: Team) -> str:
    """The one location of a single-shop file."""
    response = client.post(
        f"{C}/{team.company}/locations", json={"name": "Tienda", "code": "T1"}, headers=team.people["owner"].headers
    )
    assert response.status_code == 201
    return str(response.json()["id"])


def test_a_chilean_pos_export_loads_to_its_hand_checked_totals(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, database_url: str
) -> None:
    expected = EXPECTED["pos_chile.csv"]
    record = wait_until(client, team, upload(client, team, "pos_chile.csv")["id"], "ready", "failed")
    preview = record["preview"]
    assert record["status"] == "ready", record
    assert {field: m["column"] for field, m in preview["mapping"].items()} == expected["mapping"]
    assert (preview["date_from"], preview["date_to"]) == (expected["date_from"], expected["date_to"])
    assert {entry["name"]: entry["match"] for entry in preview["locations"]} == dict.fromkeys(
        expected["revenue_by_location"]
    )  # new locations: the company has none yet
    done = start(client, team, record["id"])
    assert done["status"] == "succeeded", done
    summary = done["summary"]
    assert (summary["lines_loaded"], summary["lines_rejected"]) == (expected["lines_loaded"], 1)
    assert Decimal(str(summary["revenue"])) == Decimal(expected["revenue"])
    assert summary["tickets"] == expected["tickets"]
    [error] = done["errors"]
    assert (error["row"], error["column"], error["value"]) == (25, "Fecha venta", "31-02-2025 10:00")
    by_location = figures(database_url, team.company)
    assert {name: str(f["revenue"].normalize()) for name, f in by_location.items()} == expected["revenue_by_location"]
    assert sum(f["returns"] for f in by_location.values()) == Decimal(expected["returns"])
    assert sum(f["units"] for f in by_location.values()) == Decimal(expected["units"])

    rejected = client.get(
        f"{C}/{team.company}/imports/{record['id']}/rejected.csv", headers=team.people["manager"].headers
    )
    assert rejected.status_code == 200 and rejected.headers["content-type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(rejected.content.decode("utf-8-sig"))))
    assert (row["Fila"], row["Fecha venta"]) == ("25", "31-02-2025 10:00") and row["Motivo"]

    undone = client.delete(f"{C}/{team.company}/imports/{record['id']}", headers=team.people["manager"].headers)
    assert undone.status_code == 202
    assert wait_until(client, team, record["id"], "reverted")["status"] == "reverted"
    assert lines_count(database_url, team.company) == 0 and figures(database_url, team.company) == {}


def test_the_summary_counts_tickets_as_the_dashboards_do(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, database_url: str, shop: str
) -> None:
    """A ticket is a location's document of one day, as the rollups count them: pos_chile.csv's two branches reuse
    document numbers 1002-1005 on other days; loaded into one location, they stay different tickets in the
    import's summary too (it said 9 where the dashboard said 13)."""
    record = wait_until(client, team, upload(client, team, "pos_chile.csv")["id"], "ready", "failed")
    mapping = {field: m["column"] for field, m in record["preview"]["mapping"].items() if field != "location"}
    done = start(client, team, record["id"], {"mapping": mapping, "location_id": shop})
    assert done["status"] == "succeeded", done
    [shop_figures] = figures(database_url, team.company).values()
    assert done["summary"]["tickets"] == shop_figures["tickets"] == 13


@pytest.mark.parametrize("name", ["template_en.csv", "ventas.xlsx"])
def test_other_shapes_load_straight_through_with_start_auto(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, database_url: str, name: str
) -> None:
    expected = EXPECTED[name]
    record = wait_until(client, team, upload(client, team, name, start="auto")["id"], "succeeded", "failed")
    assert record["status"] == "succeeded", record
    assert record["summary"]["lines_loaded"] == expected["lines_loaded"]
    by_location = figures(database_url, team.company)
    assert {n: f["revenue"] for n, f in by_location.items()} == {
        n: Decimal(v) for n, v in expected["revenue_by_location"].items()
    }
    assert sum(f["tickets"] for f in by_location.values()) == expected["tickets"]


def test_a_single_shop_file_goes_to_the_location_the_user_picks(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, database_url: str, shop: str
) -> None:
    expected = EXPECTED["ventas_windows1252.csv"]
    record = wait_until(client, team, upload(client, team, "ventas_windows1252.csv")["id"], "ready", "failed")
    assert record["preview"]["encoding"] == "windows-1252"
    done = start(client, team, record["id"], {"location_id": shop})
    assert done["status"] == "succeeded", done
    [(name, f)] = figures(database_url, team.company).items()
    assert (name, f["revenue"], f["returns"]) == ("Tienda", Decimal(expected["revenue"]), Decimal(expected["returns"]))


def test_importing_the_same_days_again_replaces_them(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, database_url: str
) -> None:
    first = wait_until(client, team, upload(client, team, "template_en.csv", start="auto")["id"], "succeeded")
    again = upload(client, team, "template_en.csv", start="auto", allow_duplicate="true")
    second = wait_until(client, team, again["id"], "succeeded", "failed")
    assert second["status"] == "succeeded" and second["preview"]["replaces"] > 0
    assert lines_count(database_url, team.company) == EXPECTED["template_en.csv"]["lines_loaded"]
    total = sum(f["revenue"] for f in figures(database_url, team.company).values())
    assert total == Decimal(EXPECTED["template_en.csv"]["revenue"])
    # Undoing the first import removes nothing now: its days were replaced.
    undo = client.delete(f"{C}/{team.company}/imports/{first['id']}", headers=team.people["manager"].headers)
    assert undo.status_code == 202, undo.text
    wait_until(client, team, first["id"], "reverted")
    assert lines_count(database_url, team.company) == EXPECTED["template_en.csv"]["lines_loaded"]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("truncated.csv.gz", "gzip"),
        ("not_a_table.csv", "table"),
        ("picture.png", "table"),
        ("no_rows.xlsx", "no rows"),
        ("only_header.csv", "no data rows"),
    ],
)
def test_a_bad_file_fails_with_a_reason_and_changes_nothing(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, database_url: str, name: str, words: str
) -> None:
    record = wait_until(client, team, upload(client, team, name, start="auto")["id"], "failed", "ready")
    assert record["status"] == "failed", record
    [reason] = record["errors"]
    assert words in reason["message"].lower(), reason
    assert lines_count(database_url, team.company) == 0


def test_a_file_without_a_date_column_waits_for_a_mapping(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess
) -> None:
    record = wait_until(client, team, upload(client, team, "no_date.csv", start="auto")["id"], "ready", "failed")
    assert record["status"] == "ready" and not record["preview"]["ready"]
    assert any("date" in problem["message"].lower() for problem in record["preview"]["problems"])
    refused = client.post(
        f"{C}/{team.company}/imports/{record['id']}/start",
        json={"mapping": {"sold_at": "No such column"}},
        headers=team.people["manager"].headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "mapping.sold_at"


def test_more_than_a_tenth_of_rows_rejected_fails_the_whole_import(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, database_url: str
) -> None:
    """A wrong correction (the date order) must not load the half of the file it happens to read."""
    record = wait_until(client, team, upload(client, team, "pos_chile.csv")["id"], "ready")
    done = start(client, team, record["id"], {"formats": {"date": {"order": "MDY", "pattern": "%m-%d-%Y %H:%M"}}})
    assert done["status"] == "failed", done
    assert "nothing was imported" in done["errors"][0]["message"]
    assert len(done["errors"]) > 1  # the rows themselves follow the reason
    assert lines_count(database_url, team.company) == 0
    [(locations,)] = sql(database_url, "SELECT count(*) FROM locations WHERE company_id = %s", (team.company,))
    assert locations == 0  # the new locations it would have made are not there either


@pytest.mark.parametrize("name", ["template_en.csv", "ventas.xlsx"])
def test_a_file_started_at_upload_ends_with_the_preview_an_analysis_gives(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, name: str
) -> None:
    """With start=auto and nothing to decide, the load reads the file alone and surveys the preview as it goes;
    the preview it leaves is the one the analysis of a manual upload of the file shows (bar `replaces`, which for
    the loaded file counts the days it did replace)."""
    analysed = wait_until(client, team, upload(client, team, name)["id"], "ready", "failed")
    loaded = wait_until(
        client, team, upload(client, team, name, start="auto", allow_duplicate="true")["id"], "succeeded", "failed"
    )
    assert loaded["status"] == "succeeded", loaded
    preview = loaded["preview"]
    assert preview.pop("replaces") == 0 and analysed["preview"].pop("replaces") == 0
    assert preview == analysed["preview"]
    assert preview["rows_total"] == loaded["progress"]["rows_total"] > 0 and len(preview["rows"]) > 0


def test_a_file_started_at_upload_with_more_than_a_tenth_of_its_rows_rejected_fails_and_changes_nothing(
    client: httpx.Client, team: Team, shared_worker: WorkerProcess, database_url: str
) -> None:
    """Its header and formats left nothing to decide, so it went straight to its load, which rejects the rows
    (DESIGN.md: more than 10 % rejected fails the import as a whole); the rows are listed."""
    rows = ["Date,Branch,Ticket,SKU,Product,Quantity,Amount"]
    rows += [
        f"03/{13 + n % 9}/2024 10:{n % 60:02d},Centro,B-{n},SKU-{n % 5},Item {n % 5},1,{1000 + n}" for n in range(80)
    ]
    rows += [f"03/15/2024 11:{n:02d},Centro,B-x{n},SKU-1,Item 1,1,n/a" for n in range(20)]  # 20 % without an amount
    response = client.post(
        f"{C}/{team.company}/imports",
        content="\n".join(rows).encode(),
        params={"filename": "mostly_fine.csv", "start": "auto"},
        headers={**team.people["manager"].headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    record = wait_until(client, team, response.json()["id"], "succeeded", "failed", "ready")
    assert record["status"] == "failed", record
    assert "20 of 100 rows were rejected" in record["errors"][0]["message"]
    assert len(record["errors"]) == 21 and {error["value"] for error in record["errors"][1:]} == {"n/a"}
    assert lines_count(database_url, team.company) == 0
