"""A file read and parsed a batch of rows at a time (ayni/sales/sources.py `read_batches`, ayni/sales/batches.py)
and loaded batch by batch (ayni/sales/load.py): the same table, lines, rejects and figures as the file taken
whole, wherever the batches are cut."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import itertools
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ayni.sales import preview as preview_module
from ayni.sales.batches import BatchedParse
from ayni.sales.formats import detect_formats, detection_columns, detection_table
from ayni.sales.headers import map_headers
from ayni.sales.parse import parse_lines
from ayni.sales.preview import build_preview
from ayni.sales.reading import DateFormat, Dialect, Field, NumberFormat, Reading
from ayni.sales.rejected import free_name, rejected_csv, rejected_rows
from ayni.sales.sources import RawTable, read_batches, read_table, record_parts
from tests.sales.sale_lines import AppConnection, add_company, lines_frame, owner_sql
from tests.sales.test_load import FIRST_FILE, MEASURES

FIXTURES = Path(__file__).parent / "fixtures"

# Cells as POS exports and hand-made files hold them: quoted delimiters, quoted line ends, doubled quotes,
# accents, blank cells and spaces to strip.
CELLS = st.one_of(
    st.sampled_from(["", " ", "Pan", "Ñuñoa", "1.234,5", "a;b", "a,b", 'dice "hola"', "línea\nnueva", "x\r\ny"]),
    st.text(alphabet="ab ;,\"\n'é0", max_size=6),
)


def csv_bytes(rows: list[list[str]], delimiter: str, line_end: str, encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def whole_and_batched(data: bytes, dialect: Dialect, batch_bytes: int) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    whole = read_table(data, "x.csv", dialect).frame
    return whole, [batch.frame for batch in read_batches(data, "x.csv", dialect, batch_bytes=batch_bytes)]


@settings(max_examples=150, deadline=None)
@given(
    width=st.integers(2, 4),
    body=st.lists(st.lists(CELLS, min_size=4, max_size=4), min_size=1, max_size=25),
    blank_lines=st.sets(st.integers(0, 25), max_size=3),
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "windows-1252"]),
    batch_bytes=st.integers(1, 200),
    title_rows=st.integers(0, 3),
)
def test_a_file_read_in_batches_is_the_file_read_whole(
    title_rows: int,
    width: int,
    body: list[list[str]],
    blank_lines: set[int],
    delimiter: str,
    line_end: str,
    encoding: str,
    batch_bytes: int,
) -> None:
    rows: list[list[str]] = [[f"Columna {n}" for n in range(width)], *(cells[:width] for cells in body)]
    for position in sorted(blank_lines, reverse=True):
        rows.insert(min(position + 1, len(rows)), [])
    if all(not "".join(cells).strip() for cells in rows[1:]):
        rows.append(["fin"] * width)  # a header without data rows is another test's file
    # A POS's title block above the header: a report name, a date range, a blank line.
    title = [["Informe de ventas"], ["01-03-2024 al 31-03-2024"], []][:title_rows]
    data = csv_bytes([*title, *rows], delimiter, line_end, encoding)
    dialect = Dialect(encoding=encoding, delimiter=delimiter, header_row=title_rows + 1)
    whole, batches = whole_and_batched(data, dialect, batch_bytes)
    assert pl.concat(batches).equals(whole)
    assert all(batch.height for batch in batches)


@given(text=st.text(alphabet='ab"\n', max_size=40), batch_bytes=st.integers(1, 12))
def test_parts_are_cut_only_at_line_ends_outside_quotes(text: str, batch_bytes: int) -> None:
    data = text.encode()
    parts = list(record_parts(data, '"', batch_bytes))
    assert b"".join(part for _, part in parts) == data
    for start, part in parts:
        assert data[start : start + len(part)] == part
        assert data[:start].count(b'"') % 2 == 0
        assert start == 0 or data[start - 1 : start] == b"\n"


@pytest.mark.parametrize("name", ["pos_chile.csv", "template_en.csv", "ventas_windows1252.csv"])
def test_a_fixture_read_from_its_path_in_batches_is_the_fixture_read_whole(name: str) -> None:
    path = FIXTURES / name
    whole = read_table(path.read_bytes(), name)
    batches = list(read_batches(path, name, batch_bytes=64))
    assert len(batches) > 1
    assert pl.concat([batch.frame for batch in batches]).equals(whole.frame)
    assert {batch.dialect for batch in batches} == {whole.dialect}
    assert sum(batch.rows_total for batch in batches) == whole.rows_total


def test_a_gzip_or_workbook_path_is_read_whole(tmp_path: Path) -> None:
    for name in ("ventas.xlsx", "truncated.csv.gz"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    [workbook] = read_batches(tmp_path / "ventas.xlsx", "ventas.xlsx", batch_bytes=64)
    assert workbook.frame.equals(read_table((FIXTURES / "ventas.xlsx").read_bytes(), "ventas.xlsx").frame)


# --- parsing in batches ------------------------------------------------------------------------------------------

# A Chilean export with one bad date (row 3) and one bad amount (row 6): what the whole file and its batches reject.
BAD_ROWS = (
    "Fecha;Documento;Sucursal;SKU;Cantidad;Total\r\n"
    "01-03-2024 10:15;B1;Centro;A1;2;2.000\r\n"
    "31-02-2024 10:20;B2;Centro;A1;1;1.000\r\n"
    "01-03-2024 11:00;B3;Norte;B2;1;990\r\n"
    '01-03-2024 11:05;B3;Norte;"B;2";1;990\r\n'
    "02-03-2024 09:30;B4;Centro;A1;1;mil\r\n"
    "02-03-2024 09:45;B5;Centro;A1;3;3.000\r\n"
)
READING = Reading(
    dialect=Dialect(encoding="utf-8", delimiter=";", header_row=1),
    mapping={
        Field.SOLD_AT: "Fecha",
        Field.TICKET: "Documento",
        Field.LOCATION: "Sucursal",
        Field.SKU: "SKU",
        Field.QUANTITY: "Cantidad",
        Field.AMOUNT: "Total",
    },
    date_format=DateFormat("DMY", "%d-%m-%Y %H:%M"),
    number_format=NumberFormat(decimal=",", thousands="."),
)


def parse_in_batches(data: bytes, batch_bytes: int) -> tuple[BatchedParse, pl.DataFrame]:
    batches = read_batches(data, "x.csv", READING.dialect, batch_bytes=batch_bytes)
    parse = BatchedParse(batches, READING, timezone="America/Santiago", customer_key=b"k" * 32)
    lines = []
    while (batch := parse.next_lines()) is not None:
        lines.append(batch)
    return parse, pl.concat(lines)


@given(batch_bytes=st.integers(1, 400))
def test_lines_and_rejects_parsed_in_batches_are_those_of_the_whole_file(batch_bytes: int) -> None:
    data = BAD_ROWS.encode()
    raw = read_table(data, "x.csv", READING.dialect)
    whole = parse_lines(raw, READING, timezone="America/Santiago", customer_key=b"k" * 32)
    parse, lines = parse_in_batches(data, batch_bytes)
    assert lines.equals(whole.lines)
    assert parse.rejects.equals(whole.rejects)
    assert parse.rows_total == raw.rows_total == 6
    assert parse.rejects.get_column("row").to_list() == [3, 6]
    assert parse.rejected_csv() == rejected_csv(rejected_rows(raw, whole.rejects), ";")


def test_lines_parsed_ahead_of_the_caller_come_in_file_order() -> None:
    batches = read_batches(BAD_ROWS.encode(), "x.csv", READING.dialect, batch_bytes=40)
    parse = BatchedParse(batches, READING, timezone="America/Santiago", customer_key=b"k" * 32)

    async def collect() -> list[pl.DataFrame]:
        return [batch async for batch in parse.lines()]

    lines = asyncio.run(collect())
    assert len(lines) > 1
    assert pl.concat(lines).get_column("row").to_list() == [2, 4, 5, 7]
    assert parse.rejects.get_column("row").to_list() == [3, 6]


def test_the_rejected_csv_holds_the_rows_as_written_with_their_reasons() -> None:
    parse, _ = parse_in_batches(BAD_ROWS.encode(), 40)
    text = codecs.decode(parse.rejected_csv(), "utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        ["Fila", "Fecha", "Documento", "Sucursal", "SKU", "Cantidad", "Total", "Motivo"],
        ["3", "31-02-2024 10:20", "B2", "Centro", "A1", "1", "1.000", "not a date in the form DD-MM-YYYY HH:MM"],
        ["6", "02-03-2024 09:30", "B4", "Centro", "A1", "1", "mil", "not a number in the form 1.234,56"],
    ]


def test_the_added_columns_never_take_the_name_of_one_of_the_file() -> None:
    """A POS export with a "Motivo" (a return's reason) of its own keeps it; the reason column steps aside."""
    raw = read_table(b"Fecha;Total;Motivo\nayer;1.000;cliente\n02-03-2024 09:30;1.000;\n", "devoluciones.csv")
    rejects = pl.DataFrame({"row": [2], "column": ["Fecha"], "value": ["ayer"], "message": ["not a date"]})
    text = codecs.decode(rejected_csv(rejected_rows(raw, rejects), ";"), "utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        ["Fila", "Fecha", "Total", "Motivo", "Motivo (2)"],
        ["2", "ayer", "1.000", "cliente", "not a date"],
    ]
    assert free_name("Fila", ["Fila", "Fila (2)"]) == "Fila (3)"


# --- loading in batches ------------------------------------------------------------------------------------------


def figures(url: str, company: uuid.UUID) -> list[list[tuple[Any, ...]]]:
    """The company's lines and its three rollups, with location names and product keys for ids (the ids differ
    from company to company), sorted."""
    names = "JOIN locations l ON l.company_id = t.company_id AND l.id = t.location_id"
    products = "JOIN products p ON p.company_id = t.company_id AND p.id = t.product_id"
    line_columns = "row, sold_at, ticket, quantity, amount, cost, discount, is_return, customer"
    queries = [
        f"SELECT l.name, p.key, {line_columns} FROM sale_lines t {names} {products}",  # noqa: S608 - fixed names
        f"SELECT l.name, day, {MEASURES} FROM sales_daily t {names}",  # noqa: S608 - fixed names
        f"SELECT l.name, day, p.key, {MEASURES} FROM sales_daily_products t {names} {products}",  # noqa: S608 - fixed names
        f"SELECT l.name, day, hour, {MEASURES} FROM sales_hourly t {names}",  # noqa: S608 - fixed names
    ]
    where = " WHERE t.company_id = %s"
    return [sorted(owner_sql(url, query + where, (company,)), key=repr) for query in queries]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.sets(st.integers(1, len(FIRST_FILE) - 1), max_size=3))
def test_lines_loaded_in_batches_are_the_lines_loaded_at_once(
    database_url: str, app_db: AppConnection, cuts: set[int]
) -> None:
    whole = lines_frame(FIRST_FILE)
    bounds = [0, *sorted(cuts), len(FIRST_FILE)]

    async def batches() -> AsyncIterator[pl.DataFrame]:
        for start, end in itertools.pairwise(bounds):
            yield whole.slice(start, end - start)

    loaded = []
    for lines in (whole, batches()):
        company, ids = add_company(database_url, f"Alfa {uuid.uuid4().hex[:6]}", "Centro")
        summary = app_db.load(company, lines, {"Centro": ids["Centro"], "Norte": "new"})
        loaded.append((figures(database_url, company), summary))
    (figures_at_once, at_once), (figures_batched, batched) = loaded
    assert figures_batched == figures_at_once
    assert len(figures_at_once[0]) == 6
    assert (batched.lines_loaded, batched.tickets, batched.revenue, batched.date_from, batched.date_to) == (
        at_once.lines_loaded,
        at_once.tickets,
        at_once.revenue,
        at_once.date_from,
        at_once.date_to,
    )
    assert (at_once.lines_loaded, at_once.tickets, at_once.revenue) == (6, 4, Decimal("6960"))


# --- analysing in batches ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pos_chile.csv", "template_en.csv", "ventas_windows1252.csv", "ventas.xlsx"])
@pytest.mark.parametrize("batch_bytes", [50, 300, 1 << 20])
def test_formats_and_preview_from_batches_are_those_of_the_whole_file(
    name: str, batch_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = FIXTURES / name
    whole = read_table(path, name)
    header_mapping = map_headers(whole)
    columns = {field: match.column for field, match in header_mapping.matches.items()}
    detection = detect_formats(whole, columns, country="CL")
    distinct = detection_table(read_batches(path, name, batch_bytes=batch_bytes), columns)
    assert detect_formats(distinct, columns, country="CL") == detection
    # The analysis reads only the columns detection looks at: the same distinct values, the same formats.
    looked_at = detection_columns(columns)
    assert set(looked_at) < set(whole.columns)
    projected = detection_table(read_batches(path, name, batch_bytes=batch_bytes, only=looked_at), columns)
    assert projected.frame.sort(pl.all()).equals(distinct.frame.sort(pl.all()))

    def preview(tables: RawTable | Iterator[RawTable]) -> dict[str, Any]:
        return build_preview(
            tables, header_mapping, detection, timezone="America/Santiago", locations=[], customer_key=b"k"
        )

    at_once = preview(whole)
    monkeypatch.setattr(preview_module, "TRIAL_ROWS", 3)  # slices within each batch too
    assert preview(read_batches(path, name, batch_bytes=batch_bytes)) == at_once
    assert at_once["rows_total"] == whole.rows_total
