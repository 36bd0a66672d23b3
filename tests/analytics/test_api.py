"""The analytics API's promises besides its figures (those are tests/analytics/test_reference.py): ETags and 304
without reading the rollups, a 422 naming the parameter for each bad input, CSV for analysts and above, and
tenancy (the access matrix of tests/companies/test_access.py covers every route's roles)."""

from __future__ import annotations

import csv
import io
import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import psycopg
import pytest

from tests.accounts import problem_type
from tests.analytics.sales import Company, Sale, company_with_sales, frame
from tests.companies.conftest import ROLES, C, PersonFactory, Team, add_member
from tests.sales.sale_lines import AppConnection

ENDPOINTS = ("overview", "timeseries", "breakdown?by=product", "heatmap", "calendar")
ROLLUPS = "sales_daily, sales_daily_products, sales_hourly, sales_daily_payments, sales_daily_sellers"


def sale(day: str, location: str = "Centro", amount: str = "1000", **changes: object) -> Sale:
    fields: dict[str, object] = {
        "location": location, "at": datetime.fromisoformat(f"{day}T15:00:00+00:00").astimezone(UTC),
        "ticket": f"B|{uuid.uuid4().hex[:8]}", "sku": "A1", "quantity": Decimal(1), "amount": Decimal(amount),
        "cost": None, "discount": None, "payment_method": "efectivo", "seller": None, "customer": None,
    }  # fmt: skip
    return Sale(**{**fields, **changes})  # type: ignore[arg-type]


LINES = [
    sale("2025-03-03", amount="1200"),
    sale("2025-03-03", location="Norte", amount="800", customer=b"c1"),
    sale("2025-03-04", amount="500", cost=Decimal(300)),
    sale("2025-03-31", amount="700"),
]


@pytest.fixture
def shop(team: Team, database_url: str, app_db: AppConnection) -> Company:
    """The team's owner (and every role, added) on a company of its own with LINES loaded."""
    company = company_with_sales(database_url, app_db, team.people["owner"].id, LINES)
    for role in ROLES[1:]:
        add_member(database_url, company.id, team.people[role].id, role)
    return company


def url(company: Company | uuid.UUID, endpoint: str) -> str:
    company_id = company.id if isinstance(company, Company) else company
    return f"{C}/{company_id}/analytics/{endpoint}"


def test_an_answer_carries_an_etag_and_a_304_while_it_holds(client: httpx.Client, team: Team, shop: Company) -> None:
    owner = team.people["owner"].headers
    for endpoint in ENDPOINTS:
        first = client.get(url(shop, endpoint), headers=owner)
        assert first.status_code == 200, first.text
        tag = first.headers["etag"]
        assert tag.startswith('W/"') and first.headers["cache-control"] == "private, no-cache"
        again = client.get(url(shop, endpoint), headers={**owner, "If-None-Match": tag})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
        assert client.get(url(shop, endpoint), headers={**owner, "If-None-Match": '"other", ' + tag}).status_code == 304
        assert client.get(url(shop, endpoint), headers={**owner, "If-None-Match": '"other"'}).status_code == 200


def test_the_etag_is_the_request_and_the_data_version(
    client: httpx.Client, team: Team, shop: Company, app_db: AppConnection, database_url: str
) -> None:
    owner = team.people["owner"].headers
    [centro, norte] = [str(shop.locations[name]) for name in ("Centro", "Norte")]

    def tag(**params: object) -> str:
        response = client.get(url(shop, "overview"), params=params, headers=owner)  # type: ignore[arg-type]
        assert response.status_code == 200, response.text
        return response.headers["etag"]

    base = tag()
    assert tag(compare="previous_period") == base  # the same request, its default written out
    assert tag(location=[centro, norte]) == tag(location=[norte, centro])
    assert len({base, tag(compare="none"), tag(location=centro), tag(**{"from": "2025-03-01"})}) == 4
    assert client.get(url(shop, "heatmap"), headers=owner).headers["etag"] != base
    # Another import: every answer changes, so every ETag does.
    app_db.load(shop.id, frame([sale("2025-04-01")]), dict(shop.locations))
    changed = client.get(url(shop, "overview"), headers={**owner, "If-None-Match": base})
    assert changed.status_code == 200 and changed.headers["etag"] != base
    assert changed.json()["data_through"] == "2025-04-01"


def test_a_304_and_a_repeated_question_read_no_rollup(
    client: httpx.Client, team: Team, shop: Company, database_url: str
) -> None:
    """With every rollup locked by another transaction, a conditional request still answers at once, and so does
    a question asked before (its answer is kept under its ETag); a new question waits for the lock (which shows the
    lock would stop a request that read a rollup)."""
    owner = team.people["owner"].headers
    first = client.get(url(shop, "overview"), headers=owner)
    tag = first.headers["etag"]
    with psycopg.connect(database_url) as locker:
        locker.execute(f"LOCK TABLE {ROLLUPS} IN ACCESS EXCLUSIVE MODE")
        answer = client.get(url(shop, "overview"), headers={**owner, "If-None-Match": tag}, timeout=5)
        assert answer.status_code == 304
        again = client.get(url(shop, "overview"), headers=owner, timeout=5)
        assert (again.status_code, again.headers["etag"], again.json()) == (200, tag, first.json())
        new = _in_background(lambda: client.get(url(shop, "overview?compare=none"), headers=owner, timeout=30))
        assert not new.done.wait(1.5), "a new question was answered through the lock on the rollups"
        locker.rollback()
    assert new.done.wait(30) and new.response is not None and new.response.status_code == 200


def test_a_location_renamed_is_a_new_answer(client: httpx.Client, team: Team, shop: Company) -> None:
    """Answers name locations: a rename changes the ETag, and the answer kept under the old one is not sent."""
    owner = team.people["owner"].headers
    by_location = url(shop, "breakdown?by=location")
    before = client.get(by_location, headers=owner)
    assert {row["label"] for row in before.json()["rows"]} == {"Centro", "Norte"}
    renamed = client.patch(
        f"{C}/{shop.id}/locations/{shop.locations['Norte']}", json={"name": "Norte Grande"}, headers=owner
    )
    assert renamed.status_code == 200, renamed.text
    after = client.get(by_location, headers={**owner, "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert {row["label"] for row in after.json()["rows"]} == {"Centro", "Norte Grande"}


class _Call:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.response: httpx.Response | None = None


def _in_background(call: object) -> _Call:
    state = _Call()

    def run() -> None:
        state.response = call()  # type: ignore[operator]
        state.done.set()

    threading.Thread(target=run, daemon=True).start()
    return state


BAD_QUERIES = [
    ("overview", {"from": "2025-13-01"}, "from"),
    ("overview", {"from": "yesterday"}, "from"),
    ("overview", {"to": "1700000000"}, "to"),
    ("overview", {"from": "2025-03-02", "to": "2025-03-01"}, "from"),
    ("overview", {"from": "2019-01-01", "to": "2024-01-01"}, "to"),
    ("overview", {"from": "0001-01-01"}, "from"),
    ("overview", {"compare": "last_week"}, "compare"),
    ("overview", {"location": "not-a-uuid"}, "location"),
    ("overview", {"location": str(uuid.uuid4())}, "location"),
    ("timeseries", {"metric": "profit"}, "metric"),
    ("timeseries", {"grain": "hour"}, "grain"),
    ("timeseries", {"grain": "day", "from": "2022-01-01", "to": "2025-01-01"}, "grain"),
    ("timeseries", {"format": "xlsx"}, "format"),
    ("breakdown", {}, "by"),
    ("breakdown", {"by": "colour"}, "by"),
    ("breakdown", {"by": "product", "limit": "0"}, "limit"),
    ("breakdown", {"by": "product", "limit": "1001"}, "limit"),
    ("heatmap", {"metric": "margin"}, "metric"),
    ("heatmap", {"compare": "none"}, "compare"),
    ("calendar", {"year": "1800"}, "year"),
    ("calendar", {"year": "this"}, "year"),
]


@pytest.mark.parametrize(("endpoint", "params", "field"), BAD_QUERIES)
def test_bad_input_is_a_422_naming_the_parameter(
    client: httpx.Client, team: Team, shop: Company, endpoint: str, params: dict[str, str], field: str
) -> None:
    response = client.get(url(shop, endpoint), params=params, headers=team.people["viewer"].headers)
    assert response.status_code == 422, response.text
    assert problem_type(response) == "validation-error"
    [error] = response.json()["errors"]
    assert error["field"].split(".")[0] == field  # a repeated parameter's item adds its place: location.0


def test_the_limits_are_named(client: httpx.Client, team: Team, shop: Company) -> None:
    owner = team.people["owner"].headers
    params = {"grain": "day", "from": "2022-01-01", "to": "2025-01-01"}
    [error] = client.get(url(shop, "timeseries"), params=params, headers=owner).json()["errors"]
    assert (error["code"], error["limit"]) == ("too-large", 3) and "3 years" in error["message"]
    [error] = client.get(
        url(shop, "overview"), params={"from": "2019-01-01", "to": "2024-01-01"}, headers=owner
    ).json()["errors"]
    assert (error["code"], error["limit"]) == ("too-large", 5) and "5 years" in error["message"]
    # The longest ranges allowed.
    params = {"grain": "day", "from": "2022-01-01", "to": "2024-12-31"}
    assert client.get(url(shop, "timeseries"), params=params, headers=owner).status_code == 200
    params = {"from": "2020-01-01", "to": "2024-12-31"}
    assert client.get(url(shop, "overview"), params=params, headers=owner).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_csv_is_for_analysts_and_above(client: httpx.Client, team: Team, shop: Company, role: str) -> None:
    headers = team.people[role].headers
    for endpoint in ("timeseries?format=csv", "breakdown?by=location&format=csv"):
        response = client.get(url(shop, endpoint), headers=headers)
        if role == "viewer":
            assert (response.status_code, problem_type(response)) == (403, "forbidden")
        else:
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == "text/csv; charset=utf-8"
            assert response.headers["content-disposition"].startswith('attachment; filename="ayni-revenue-by-')
    assert client.get(url(shop, "timeseries"), headers=headers).status_code == 200  # JSON for everyone


def test_a_kept_answer_goes_only_to_who_may_have_it(
    client: httpx.Client, team: Team, shop: Company, person: PersonFactory
) -> None:
    """The API keeps answers by ETag, but the right is checked first: a CSV an analyst was just given is still a
    403 for a viewer, and an answer of this company a 404 for someone of another, with the same request."""
    csv_url, json_url = url(shop, "timeseries?format=csv"), url(shop, "overview")
    assert client.get(csv_url, headers=team.people["analyst"].headers).status_code == 200
    assert client.get(json_url, headers=team.people["analyst"].headers).status_code == 200
    viewer = client.get(csv_url, headers=team.people["viewer"].headers)
    assert (viewer.status_code, problem_type(viewer)) == (403, "forbidden")
    stranger = person("otra@example.cl").headers
    for kept in (csv_url, json_url):
        response = client.get(kept, headers=stranger)
        assert (response.status_code, problem_type(response)) == (404, "not-found"), kept


def test_csv_has_the_rows_of_the_json(client: httpx.Client, team: Team, shop: Company) -> None:
    analyst = team.people["analyst"].headers
    query = "?by=location&limit=1&from=2025-03-01&to=2025-03-31"
    answer = client.get(url(shop, "breakdown" + query), headers=analyst).json()
    table = list(
        csv.reader(io.StringIO(client.get(url(shop, "breakdown" + query + "&format=csv"), headers=analyst).text))
    )
    assert table[0] == ["key", "label", "value", "share_pct", "previous", "change_pct"]
    [row] = answer["rows"]
    assert table[1] == [row["key"], row["label"], str(row["value"]), str(row["share_pct"]), str(row["previous"]), ""]
    assert (row["label"], row["value"], answer["others"]["value"]) == ("Centro", 2400.0, 800.0)
    assert table[2][:3] == ["", "others", "800.0"]
    series = client.get(url(shop, "timeseries?grain=month&from=2025-03-01&to=2025-03-31&format=csv"), headers=analyst)
    assert series.text.splitlines() == ["period_start,value,previous", "2025-03-01,3200.0,0.0"]


def test_a_member_never_reads_another_company(
    client: httpx.Client, team: Team, shop: Company, person: PersonFactory, database_url: str, app_db: AppConnection
) -> None:
    """The outsider owns a company with sales of its own: asking for the shop answers 404, and naming the shop's
    location in its own company's query is a 422, with nothing of the shop's figures in any answer."""
    outsider = team.people["outsider"]
    theirs = company_with_sales(database_url, app_db, outsider.id, [sale("2025-03-03", amount="5")])
    for endpoint in ENDPOINTS:
        response = client.get(url(shop, endpoint), headers=outsider.headers)
        assert (response.status_code, problem_type(response)) == (404, "not-found")
        response = client.get(url(theirs, endpoint), headers=outsider.headers)
        assert response.status_code == 200
        assert "2400" not in response.text and "3200" not in response.text
    foreign = {"location": str(shop.locations["Centro"])}
    response = client.get(url(theirs, "overview"), params=foreign, headers=outsider.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "location"
    overview = client.get(url(theirs, "overview?from=2025-03-01&to=2025-03-31"), headers=outsider.headers).json()
    assert overview["metrics"]["revenue"]["value"] == 5
    stranger = person("stranger@example.cl")
    assert client.get(url(shop, "overview"), headers=stranger.headers).status_code == 404


def test_customers_are_exact_for_one_location_and_day_and_null_with_a_note_beyond(
    client: httpx.Client, team: Team, shop: Company
) -> None:
    owner = team.people["owner"].headers
    norte = str(shop.locations["Norte"])
    one = client.get(url(shop, f"overview?from=2025-03-03&to=2025-03-03&location={norte}"), headers=owner).json()
    assert one["metrics"]["customers"]["value"] == 1
    assert [n for n in one["meta"]["notes"] if n["metric"] == "customers" and n["reason"] != "no-data"] == []
    many = client.get(url(shop, "overview?from=2025-03-01&to=2025-03-31"), headers=owner).json()
    assert many["metrics"]["customers"]["value"] == 1  # one location and day names customers: still exact
    assert many["metrics"]["gross_margin"]["value"] == 200 and many["meta"]["margin_coverage_pct"] == 15.6


def test_a_company_without_sales_answers_zeros_for_the_30_days_up_to_today(
    client: httpx.Client, team: Team, database_url: str, app_db: AppConnection
) -> None:
    empty = company_with_sales(database_url, app_db, team.people["owner"].id, [])
    headers = team.people["owner"].headers
    answer = client.get(url(empty, "overview"), headers=headers).json()
    assert answer["data_through"] is None and answer["metrics"]["revenue"] == {
        "value": 0.0, "previous": 0.0, "change_pct": None,
    }  # fmt: skip
    points = client.get(url(empty, "timeseries"), headers=headers).json()["points"]
    assert len(points) == 30 and {p["value"] for p in points} == {0.0}
    calendar = client.get(url(empty, "calendar"), headers=headers).json()
    assert calendar["last_day"] is None and {m["revenue"] for m in calendar["months"]} == {None}
