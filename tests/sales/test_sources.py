"""An uploaded file's bytes -> a RawTable: CSV in its encodings and delimiters, gzip, XLSX, and every way a file
can fail to be a table (ayni/sales/sources.py). The fixtures are in tests/sales/fixtures, their facts in
expected.json."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from ayni.sales.reading import DELIMITERS, Dialect
from ayni.sales.sources import (
    ROW,
    RawTable,
    UnreadableFile,
    cell_text,
    column_names,
    gunzip,
    gunzip_into,
    read_batches,
    read_table,
)

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text())
TABLES = sorted(name for name, facts in EXPECTED.items() if "dialect" in facts)
UNREADABLE = sorted(name for name, facts in EXPECTED.items() if "unreadable" in facts)


def read_fixture(name: str) -> RawTable:
    return read_table((FIXTURES / name).read_bytes(), name)


# --- the fixtures ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TABLES)
def test_each_fixture_reads(name: str) -> None:
    facts = EXPECTED[name]
    table = read_fixture(name)
    dialect = table.dialect
    assert {"encoding": dialect.encoding, "delimiter": dialect.delimiter, "header_row": dialect.header_row} == (
        facts["dialect"]
    )
    assert table.rows_total == table.frame.height == facts["rows_total"]
    if "columns" in facts:
        assert table.columns == facts["columns"]
        rows = table.frame.get_column(ROW)
        assert (rows.min(), rows.max()) == (facts["first_row"], facts["last_row"])
    assert table.frame.columns == [*table.columns, ROW]
    assert table.frame.schema == pl.Schema({**dict.fromkeys(table.columns, pl.String()), ROW: pl.Int64()})


def row(table: RawTable, number: int) -> dict[str, Any]:
    return table.frame.filter(pl.col(ROW) == number).to_dicts()[0]


def test_the_pos_export_reads_as_written() -> None:
    table = read_fixture("pos_chile.csv")
    bad = row(table, 25)
    assert bad["Fecha venta"] == "31-02-2025 10:00"
    assert bad["RUT cliente"] is None  # an empty cell is null
    quoted = row(table, 8)
    assert quoted["Producto"] == "Aceite de oliva, extra virgen 1L"
    assert (quoted["Descuento"], quoted["Total neto"], quoted["RUT cliente"]) == ("1,299", "11,691", "12.345.678-5")
    assert row(table, 7)["Cantidad"] == "1.088"
    assert row(table, 19)["Total neto"] == "-12,990"


def test_windows_1252_is_read_as_text() -> None:
    table = read_fixture("ventas_windows1252.csv")
    first = row(table, 2)
    assert (first["Descripción"], first["Cajero"], first["Precio unitario"]) == ("Muñeca de trapo", "Lucía", "18,50")
    assert row(table, 10)["Tipo"] == "Devolución"


def test_the_workbook_cells_read_as_a_user_would_type_them() -> None:
    table = read_fixture("ventas.xlsx")
    first = row(table, 4)
    assert first == {
        "Fecha": "2025-10-01",
        "Hora": "10:12:00",
        "Local": "Local Centro",
        "Boleta": "7001",
        "SKU": "1001",
        "Producto": "Polera algodón",
        "Familia": "Vestuario",
        "Cant.": "2",
        "Precio": "9990",
        "Dcto.": "0",
        "Total": "19980",
        "Costo unitario": "4200.5",
        "Medio de pago": "Débito",
        "Cliente": "Ana Díaz",
        ROW: 4,
    }
    returned = row(table, 14)
    assert (returned["Cant."], returned["Total"], returned["Cliente"]) == ("-1", "-9990", "Ana Díaz")
    assert row(table, 7)["Cliente"] is None
    assert "Resumen" not in table.columns


@pytest.mark.parametrize("name", UNREADABLE)
def test_each_bad_fixture_says_why(name: str) -> None:
    with pytest.raises(UnreadableFile, match=EXPECTED[name]["unreadable"]):
        read_fixture(name)


def test_a_gzipped_csv_reads_like_the_csv(tmp_path: Path) -> None:
    data = (FIXTURES / "pos_chile.csv").read_bytes()
    table = read_table(gzip.compress(data), "ventas.csv.gz")
    assert table.frame.equals(read_fixture("pos_chile.csv").frame)
    # From a file, inflated into a temporary file and read in batches like a CSV file.
    (tmp_path / "ventas.csv.gz").write_bytes(gzip.compress(data))
    batches = list(read_batches(tmp_path / "ventas.csv.gz", "ventas.csv.gz", batch_bytes=200))
    assert len(batches) > 1
    assert pl.concat([batch.frame for batch in batches]).equals(table.frame)


# --- bad input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "The file is empty."),
        # mtime=0: the same bytes, so the same test ids, in every collection (pytest-xdist's processes compare them)
        (gzip.compress(b"", mtime=0), "x.csv.gz", "The file is empty."),
        (b"\x1f\x8b\x08\x00garbage-garbage-garbage", "x.csv.gz", "The gzip file is damaged"),
        (gzip.compress((FIXTURES / "picture.png").read_bytes(), mtime=0), "x.csv.gz", "not a table"),
        (gzip.compress((FIXTURES / "ventas.xlsx").read_bytes(), mtime=0), "x.csv.gz", "does not hold a CSV file"),
        (b"PK\x03\x04not a zip at all", "x.xlsx", "not an Excel workbook Ayni can read"),
        (b"Fecha,Total\n01-10-2025,1\n", "ventas.xlsx", "named .xlsx but is not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "ventas.xls", "old Excel format"),
        ("Fecha;Total\r\n".encode("utf-16"), "x.csv", "UTF-16"),
        (b"Fecha,Total\n\n,\n  ,  \n", "x.csv", "no data rows"),
        (b"Solo una columna\n1\n2\n", "x.csv", "not a table"),
    ],
)
def test_bad_input_is_unreadable_with_a_reason(data: bytes, filename: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_table(data, filename)
    # The worker reads the upload from a file (a gzip one inflated into a temporary file): the same reasons.
    (tmp_path / filename).write_bytes(data)
    with pytest.raises(UnreadableFile, match=message):
        read_table(tmp_path / filename, filename)


def test_a_workbook_whose_sheet_holds_only_a_title_is_no_table() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Ventas octubre"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(UnreadableFile, match="not a table"):
        read_table(out.getvalue(), "ventas.xlsx")


def read_or_reason(data: bytes, filename: str) -> RawTable | str:
    try:
        return read_table(data, filename)
    except UnreadableFile as error:
        return str(error)


@given(st.binary(max_size=2000), st.sampled_from(["x.csv", "x.csv.gz", "x.xlsx", "x"]))
def test_any_bytes_are_a_table_or_unreadable(data: bytes, filename: str) -> None:
    for prefix in (b"", b"\x1f\x8b", b"PK\x03\x04", b"Fecha,Total\n"):
        result = read_or_reason(prefix + data, filename)
        if isinstance(result, str):
            assert result.endswith(".")
        else:
            assert result.rows_total == result.frame.height > 0


@given(st.binary(max_size=500))
def test_any_gzipped_bytes_are_a_table_or_unreadable(data: bytes) -> None:
    read_or_reason(gzip.compress(data), "x.csv.gz")


# --- round trip: any table written in any supported dialect reads back -------------------------------------

CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"), max_size=10
)


@st.composite
def written_tables(draw: st.DrawFn) -> tuple[bytes, list[str], list[list[str]], int, str, str]:
    """A table (header of words, rows of any text, blank rows between), written as a POS would: a title block,
    the delimiter quoted where needed, CRLF or LF. Returns the bytes, header, rows, header row, delimiter,
    encoding."""
    delimiter = draw(st.sampled_from(DELIMITERS))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "windows-1252"]))
    width = draw(st.integers(min_value=2, max_value=6))
    word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzñáéíóú ", min_size=1, max_size=12).filter(str.strip)
    header = draw(st.lists(word, min_size=width, max_size=width, unique_by=str.strip))
    others = "".join(candidate for candidate in DELIMITERS if candidate != delimiter)
    cell = CELL.filter(lambda text: not any(mark in text for mark in others))
    if encoding == "windows-1252":
        cell = cell.filter(lambda text: _encodable(text, "windows-1252"))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=15))
    title = draw(st.lists(st.sampled_from(["Informe de ventas", "Desde 01-10-2025 hasta 31-10-2025", ""]), max_size=3))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    out = io.StringIO()
    out.writelines(line + newline for line in title)
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows([header, *rows])
    return out.getvalue().encode(encoding), header, rows, len(title) + 1, delimiter, encoding


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@given(written_tables())
def test_a_written_table_reads_back(written: tuple[bytes, list[str], list[list[str]], int, str, str]) -> None:
    data, header, rows, header_row, delimiter, encoding = written
    dialect = Dialect(encoding=encoding, delimiter=delimiter, header_row=header_row)
    expected = [
        [cell.strip() or None for cell in cells] + [header_row + 1 + index]
        for index, cells in enumerate(rows)
        if any(cell.strip() for cell in cells)
    ]
    if not expected:
        with pytest.raises(UnreadableFile, match="no data rows"):
            read_table(data, "x.csv", dialect)
        return
    table = read_table(data, "x.csv", dialect)
    assert table.columns == [name.strip() for name in header]
    assert [list(values) for values in table.frame.iter_rows()] == expected


def test_rows_of_another_width_are_read() -> None:
    data = (
        b"Fecha,Producto,Total\n01-10-2025,Pan,990\n01-10-2025,Pan\n02-10-2025,Leche,990,extra\n"
        b"03-10-2025,Sal,5\n04-10-2025,Sal,7\n"
    )
    table = read_table(data, "x.csv")
    assert table.frame.rows() == [
        ("01-10-2025", "Pan", "990", 2),
        ("01-10-2025", "Pan", None, 3),
        ("02-10-2025", "Leche", "990", 4),
        ("03-10-2025", "Sal", "5", 5),
        ("04-10-2025", "Sal", "7", 6),
    ]


def test_blank_rows_go_but_keep_their_numbers() -> None:
    table = read_table(b"Fecha,Total\n\n01-10-2025 , 10 \n,\n\n02-10-2025,\n", "x.csv")
    assert table.frame.rows() == [("01-10-2025", "10", 3), ("02-10-2025", None, 6)]


def test_a_read_of_some_columns_keeps_every_row_as_numbered() -> None:
    data = b"Fecha,Producto,Total\n01-10-2025,Pan, 10 \n,,\n,Sal,\n"
    [batch] = read_batches(data, "x.csv", only=["Total"])
    assert batch.columns == ["Fecha", "Producto", "Total"]  # the file's header, whatever was read
    assert batch.frame.rows() == [("10", 2), (None, 3), (None, 4)]


def test_windows_1252_only_characters_are_transcoded() -> None:
    data = "Producto;Precio\r\nCafé “Premium” – 250g;€ 4,50\r\n".encode("windows-1252")
    table = read_table(data, "x.csv")
    assert table.dialect.encoding == "windows-1252"
    assert table.frame.rows() == [("Café “Premium” – 250g", "€ 4,50", 2)]


def test_a_given_dialect_is_used_as_given() -> None:
    data = b"Informe\nFecha;Total\n01-10-2025;1\n"
    table = read_table(data, "x.csv", Dialect(encoding="utf-8", delimiter=";", header_row=2))
    assert table.frame.rows() == [("01-10-2025", "1", 3)]
    with pytest.raises(UnreadableFile, match="no row 9"):
        read_table(data, "x.csv", Dialect(encoding="utf-8", delimiter=";", header_row=9))
    with pytest.raises(UnreadableFile, match="not an Excel workbook"):
        read_table(data, "x.csv", Dialect(encoding="xlsx", delimiter="", header_row=1))


def test_a_bom_never_sticks_to_the_first_column() -> None:
    data = codecs.BOM_UTF8 + b"Fecha,Total\n01-10-2025,1\n"
    table = read_table(data, "x.csv", Dialect(encoding="utf-8", delimiter=",", header_row=1))
    assert table.columns == ["Fecha", "Total"]
    assert table.frame.rows() == [("01-10-2025", "1", 2)]


def test_the_header_row_of_a_workbook_may_be_given() -> None:
    table = read_table((FIXTURES / "ventas.xlsx").read_bytes(), "v.xlsx", Dialect("xlsx", "", header_row=4))
    assert table.columns[:2] == ["2025-10-01", "10:12:00"]
    assert table.rows_total == 24


def test_column_names_are_unique_and_never_blank() -> None:
    assert column_names([" Total ", "", "Total", "Total", "__row", " "]) == [
        "Total",
        "column_2",
        "Total (2)",
        "Total (3)",
        "__row (2)",
        "column_6",
    ]


# --- workbook cells -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.0, "1234"),
        (4454.5, "4454.5"),
        (0.1 + 0.2, "0.3"),
        (-9990.0, "-9990"),
        (1e-05, "0.00001"),
        (1e20, "100000000000000000000"),
        (7001, "7001"),
        (True, "TRUE"),
        (dt.datetime(2025, 10, 1, 8, 5), "2025-10-01 08:05:00"),
        (dt.datetime(2025, 10, 1), "2025-10-01 00:00:00"),
        (dt.date(2025, 10, 31), "2025-10-31"),
        (dt.time(20, 30), "20:30:00"),
        (dt.timedelta(hours=27, minutes=5), "27:05:00"),
        ("  Ñuñoa ", "  Ñuñoa "),
        (None, ""),
    ],
)
def test_a_cell_reads_as_typed(value: object, text: str) -> None:
    assert cell_text(value) == text


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_a_typed_number_comes_back_as_typed(number: Decimal) -> None:
    typed = format(number.normalize(), "f")
    assert Decimal(cell_text(float(typed))) == Decimal(typed)
    assert not cell_text(float(typed)).endswith(".0")


def test_windows_1252_has_five_undefined_bytes_that_do_not_fail_the_file() -> None:
    data = b"Fecha;Nombre\r\n01-10-2025;Caf\xe9 \x81\r\n"
    assert codecs.decode(b"\x81", "windows-1252", errors="replace") == "\ufffd"
    assert read_table(data, "x.csv").frame.rows() == [("01-10-2025", "Café \ufffd", 2)]


def test_a_gzip_that_inflates_past_the_limit_is_refused_not_read() -> None:
    """A gzip bomb: a few KiB of upload that inflate without end stop at the limit."""
    bomb = gzip.compress(b"0" * 200_000)
    assert len(bomb) < 1_000
    with pytest.raises(UnreadableFile, match="larger than"):
        gunzip(bomb, limit=100_000)
    assert gunzip(bomb, limit=200_000) == b"0" * 200_000


def test_a_gzip_cut_short_or_damaged_says_which() -> None:
    whole = gzip.compress(b"Fecha,Total\n01-10-2025 10:00,1290\n" * 50)
    with pytest.raises(UnreadableFile, match="truncated"):
        gunzip(whole[: len(whole) // 2])
    with pytest.raises(UnreadableFile, match="damaged"):
        gunzip(whole[:10] + bytes(20) + whole[30:])


def test_a_gzip_inflates_chunk_by_chunk_with_the_limit_counted_across_chunks() -> None:
    """Longer than the inflating chunk, with a limit a few bytes short of it or at it."""
    content = b"Fecha,Total\n" + b"01-10-2025 10:00,1290\n" * 120_000  # ~2.6 MB: three 1 MiB chunks
    packed = gzip.compress(content)
    inflated = io.BytesIO()
    gunzip_into(io.BytesIO(packed), inflated, limit=len(content))
    assert inflated.getvalue() == content
    with pytest.raises(UnreadableFile, match="larger than"):
        gunzip_into(io.BytesIO(packed), io.BytesIO(), limit=len(content) - 1)
