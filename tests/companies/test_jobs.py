"""The companies' jobs through a real worker: invitation emails over real SMTP (the link works once; a used,
expired, revoked or replaced link is refused with a clear problem), and the deletion of a company, which
leaves no row of it in any table."""

from __future__ import annotations

import time
import uuid
from email.header import decode_header, make_header
from typing import Any

import httpx
import pytest

from tests.accounts import Mailbox, SmtpServer, link_token, problem_type, sql
from tests.companies.conftest import C, PersonFactory, Team
from tests.sales.sale_lines import AppConnection, line, lines_frame
from tests.workers import WorkerProcess

ACCEPT = "/api/v1/invitations/accept"


def invite(client: httpx.Client, team: Team, email: str, role: str = "analyst") -> dict[str, Any]:
    response = client.post(
        f"{C}/{team.company}/invitations", json={"email": email, "role": role}, headers=team.people["owner"].headers
    )
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.fixture
def mailbox(smtp_server: SmtpServer, mail_worker: WorkerProcess) -> Mailbox:
    """What a real worker sends through real SMTP."""
    return smtp_server.mailbox


def test_an_invitation_link_works_once(
    client: httpx.Client, team: Team, person: PersonFactory, mailbox: Mailbox, database_url: str
) -> None:
    invitation = invite(client, team, "  Nueva@Example.CL ")
    assert invitation["email"] == "nueva@example.cl"
    [message] = mailbox.wait_for("nueva@example.cl")
    assert "Farmacia Ñuñoa" in str(make_header(decode_header(message["Subject"])))
    text = message.get_payload(decode=True).decode()
    assert "http://localhost:5173/invitations/accept?token=" in text
    assert "Hola" in text and "Hello" in text
    token = link_token(message)
    listed = client.get(f"{C}/{team.company}/invitations", headers=team.people["manager"].headers).json()["items"]
    assert [i["id"] for i in listed] == [invitation["id"]]

    stranger = person("stranger@example.cl")
    wrong = client.post(ACCEPT, json={"token": token}, headers=stranger.headers)
    assert (wrong.status_code, problem_type(wrong)) == (403, "wrong-account")
    unverified = person("nueva@example.cl", verified=False)
    refused = client.post(ACCEPT, json={"token": token}, headers=unverified.headers)
    assert (refused.status_code, problem_type(refused)) == (403, "email-not-verified")
    sql(database_url, "UPDATE users SET email_verified_at = now() WHERE id = %s", (unverified.id,))
    accepted = client.post(ACCEPT, json={"token": token}, headers=unverified.headers)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["id"], accepted.json()["role"]) == (str(team.company), "analyst")
    assert client.get(f"{C}/{team.company}", headers=unverified.headers).status_code == 200
    used = client.post(ACCEPT, json={"token": token}, headers=unverified.headers)
    assert (used.status_code, problem_type(used)) == (400, "token-used")
    assert "already" in used.json()["detail"]
    again = client.post(
        f"{C}/{team.company}/invitations",
        json={"email": "nueva@example.cl", "role": "viewer"},
        headers=team.people["owner"].headers,
    )
    assert (again.status_code, problem_type(again)) == (409, "already-member")


def test_expired_replaced_and_revoked_links_are_refused(
    client: httpx.Client, team: Team, mailbox: Mailbox, database_url: str
) -> None:
    invitee = team.people["outsider"]  # the owner of another company
    first = invite(client, team, invitee.email)
    [first_message] = mailbox.wait_for(invitee.email)
    second = invite(client, team, invitee.email, "viewer")  # re-inviting replaces the first link
    messages = mailbox.wait_for(invitee.email, count=2)
    old_token, new_token = link_token(first_message), link_token(messages[1])
    replaced = client.post(ACCEPT, json={"token": old_token}, headers=invitee.headers)
    assert (replaced.status_code, problem_type(replaced)) == (400, "invalid-token")
    assert "replaced" in replaced.json()["detail"]
    assert sql(database_url, "SELECT revoked_at IS NOT NULL FROM invitations WHERE id = %s", (first["id"],)) == [
        (True,)
    ]

    sql(database_url, "UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = %s", (second["id"],))
    expired = client.post(ACCEPT, json={"token": new_token}, headers=invitee.headers)
    assert (expired.status_code, problem_type(expired)) == (400, "token-expired")
    assert "expired" in expired.json()["detail"]

    third = invite(client, team, invitee.email)
    third_token = link_token(mailbox.wait_for(invitee.email, count=3)[2])
    revoked = client.delete(f"{C}/{team.company}/invitations/{third['id']}", headers=team.people["manager"].headers)
    assert revoked.status_code == 204
    refused = client.post(ACCEPT, json={"token": third_token}, headers=invitee.headers)
    assert (refused.status_code, problem_type(refused)) == (400, "invalid-token")
    unknown = client.post(ACCEPT, json={"token": "not-a-token"}, headers=invitee.headers)
    assert (unknown.status_code, problem_type(unknown)) == (400, "invalid-token")
    joined = "SELECT count(*) FROM memberships WHERE company_id = %s AND user_id = %s"
    assert sql(database_url, joined, (team.company, invitee.id)) == [(0,)]


def wait_for_job(client: httpx.Client, job_id: str, headers: dict[str, str], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed", "dead"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def company_rows(database_url: str, company_id: uuid.UUID) -> dict[str, int]:
    """How many rows of the company each table holds (every table with a company_id column, and companies)."""
    tables = sql(
        database_url,
        """SELECT table_name FROM information_schema.columns
           WHERE table_schema = 'public' AND column_name = 'company_id' ORDER BY 1""",
    )
    counts = {
        table: sql(database_url, f"SELECT count(*) FROM {table} WHERE company_id = %s", (company_id,))[0][0]  # noqa: S608
        for (table,) in tables
    }
    counts["companies"] = sql(database_url, "SELECT count(*) FROM companies WHERE id = %s", (company_id,))[0][0]
    return counts


SALES_TABLES = (
    "imports",
    "import_files",
    "products",
    "sale_lines",
    "sales_daily",
    "sales_daily_products",
    "sales_hourly",
    "sales_daily_payments",
    "sales_daily_sellers",
)


def add_sales(database_url: str, company_id: uuid.UUID) -> None:
    """An import with its file and two loaded lines (a new location among them), as the import job leaves them."""
    [(import_id,)] = sql(
        database_url,
        "INSERT INTO imports (company_id, filename, media_type, status) VALUES (%s, 'ventas.csv', 'text/csv', "
        "'succeeded') RETURNING id",
        (company_id,),
    )
    sql(
        database_url,
        "INSERT INTO import_files (company_id, import_id, kind, seq, data) VALUES (%s, %s, 'upload', 0, 'x')",
        (company_id, import_id),
    )
    db = AppConnection(database_url)
    try:
        lines = lines_frame([line(2, location="Nueva"), line(3, location="Nueva", ticket="B|2", sku="B2")])
        db.load(company_id, lines, {"Nueva": "new"}, import_id=import_id)
    finally:
        db.close()


def test_deleting_a_company_leaves_nothing(
    client: httpx.Client, team: Team, worker: WorkerProcess, database_url: str
) -> None:
    owner = team.people["owner"].headers
    for code in ("A", "B"):
        assert client.post(f"{C}/{team.company}/locations", json={"name": code, "code": code}, headers=owner).is_success
    invite(client, team, "pending@example.cl")
    add_sales(database_url, team.company)
    add_sales(database_url, team.other_company)
    before = company_rows(database_url, team.company)
    assert before["locations"] == 3 and before["memberships"] == 4 and before["invitations"] == 1
    assert all(before[table] > 0 for table in SALES_TABLES), before
    other_before = company_rows(database_url, team.other_company)

    response = client.request("DELETE", f"{C}/{team.company}", json={"confirm_name": "Farmacia Ñuñoa"}, headers=owner)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/api/v1/jobs/{response.json()['id']}"
    # Gone at once for everyone, before the job has run.
    assert client.get(f"{C}/{team.company}", headers=owner).status_code == 404
    assert client.get(C, headers=owner).json()["items"] == []

    job = wait_for_job(client, response.json()["id"], owner)
    assert job["status"] == "succeeded", job
    assert set(company_rows(database_url, team.company).values()) == {0}
    assert company_rows(database_url, team.other_company) == other_before
