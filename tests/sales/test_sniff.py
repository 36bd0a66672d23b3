"""Encoding, delimiter and header row guessed from a CSV file's bytes (ayni/sales/sniff.py)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from ayni.sales.reading import DELIMITERS
from ayni.sales.sniff import (
    SAMPLE_BYTES,
    UTF8_BOM,
    decode_sample,
    is_utf8,
    sniff_delimiter,
    sniff_dialect,
    sniff_encoding,
    sniff_header_row,
    split_rows,
)

# Spanish letters, whose Windows-1252 bytes (0xB0-0xFF) are never valid UTF-8 with ASCII after them: a lead byte
# without its continuation bytes, or a lone continuation byte. (Two of them in a row can be: "É°" is UTF-8 "ɰ".)
SPANISH = "ñÑáéíóúÁÉÍÓÚüÜ°º"
ASCII_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzñáéíóú", min_size=1, max_size=10)
TITLE_LINES = st.lists(st.one_of(st.just(""), st.lists(WORDS, min_size=1, max_size=5).map(" ".join)), max_size=4)


# --- encoding -------------------------------------------------------------------------------------------------


@given(st.text())
def test_utf8_text_is_utf8(text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    expected = "utf-8" if is_utf8(data) else "windows-1252"  # lone surrogates are not UTF-8
    assert sniff_encoding(data) == expected
    assert sniff_encoding(UTF8_BOM + data) == "utf-8-sig"


@given(ASCII_TEXT, st.lists(st.tuples(st.sampled_from(SPANISH), ASCII_TEXT.map(lambda text: "n" + text)), min_size=1))
def test_spanish_windows_1252_is_windows_1252(before: str, words: list[tuple[str, str]]) -> None:
    text = before + "".join(letter + rest for letter, rest in words)
    assert sniff_encoding(text.encode("windows-1252")) == "windows-1252"


def test_a_character_split_across_chunks_is_still_utf8() -> None:
    data = b"a" * (1024 * 1024 - 1) + "ñ".encode()
    assert is_utf8(data)
    assert not is_utf8(data[:-1])


def test_the_sample_drops_the_line_it_cuts() -> None:
    data = b"Fecha,Total\n" + b"01-10-2025,1\n" * (SAMPLE_BYTES // 13 + 10)
    text = decode_sample(data, "utf-8")
    assert text.endswith("01-10-2025,1")
    assert len(text) <= SAMPLE_BYTES


def test_the_sample_loses_the_bom_and_reads_windows_1252() -> None:
    assert decode_sample(UTF8_BOM + "Año;Total\n".encode(), "utf-8-sig") == "Año;Total\n"
    assert decode_sample("Año;Precio €\n".encode("windows-1252"), "windows-1252") == "Año;Precio €\n"


# --- delimiter ------------------------------------------------------------------------------------------------


@st.composite
def tables(draw: st.DrawFn, delimiter: str) -> list[list[str]]:
    """A table whose cells may hold the file's own delimiter, quotes and line breaks (the writer quotes them), but
    never another candidate delimiter: such a file would be ambiguous to a human too."""
    others = "".join(candidate for candidate in DELIMITERS if candidate != delimiter)
    alphabet = st.characters(blacklist_characters=others + "\r\x00", blacklist_categories=("Cs",))
    cell = st.text(alphabet=alphabet, max_size=12)
    columns = draw(st.integers(min_value=2, max_value=8))
    header = draw(st.lists(WORDS, min_size=columns, max_size=columns))
    rows = draw(st.lists(st.lists(cell, min_size=columns, max_size=columns), min_size=1, max_size=20))
    return [header, *rows]


def write_csv(rows: list[list[str]], delimiter: str, title: list[str] | None = None) -> str:
    out = io.StringIO()
    out.writelines(line + "\r\n" for line in title or [])
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@given(st.data(), st.sampled_from(DELIMITERS), TITLE_LINES)
def test_the_delimiter_that_makes_the_table_is_found(data: st.DataObject, delimiter: str, title: list[str]) -> None:
    rows = data.draw(tables(delimiter))
    assert sniff_delimiter(write_csv(rows, delimiter, title)) == delimiter


def test_a_semicolon_file_with_decimal_commas_is_semicolon() -> None:
    # Every data row holds two commas as well: the header, without commas, tells the two apart.
    text = "Fecha;Producto;Cantidad;Total\n" + "02/10/2025;Pan;1,5;3,75\n" * 5
    assert sniff_delimiter(text) == ";"


def test_quoted_thousands_do_not_split_cells() -> None:
    text = 'Fecha,Total,Producto\n01-10-2025,"4,454",Café\n01-10-2025,"12,990",Té\n'
    assert sniff_delimiter(text) == ","
    assert split_rows(text, ",")[1] == ["01-10-2025", "4,454", "Café"]


@given(st.lists(st.lists(WORDS, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=10))
def test_prose_is_no_table(lines: list[str]) -> None:
    assert sniff_delimiter(".\n".join(lines)) is None


def test_prose_whose_lines_hold_commas_by_chance_is_no_table() -> None:
    text = (
        "Estimado cliente:\n\nLe escribimos para informarle que el informe, que solicitó, estará\n"
        "disponible a partir del lunes. Si necesita el detalle por sucursal, por favor indíquelo\n"
        "respondiendo a este correo; nuestro equipo lo preparará en dos días.\n\nAtentamente,\nEl equipo\n"
    )
    assert sniff_delimiter(text) is None


# --- header row -----------------------------------------------------------------------------------------------

NUMBERS_AND_DATES = st.one_of(
    st.integers(-99_999, 99_999).map(str),
    st.decimals(-10_000, 10_000, places=2).map(str),
    st.dates().map(lambda day: day.strftime("%d-%m-%Y")),
    st.datetimes().map(lambda moment: moment.strftime("%m/%d/%Y %H:%M")),
    st.integers(1_000, 999_999).map(lambda amount: f"{amount:,}"),
)


@given(TITLE_LINES, st.lists(WORDS, min_size=2, max_size=10, unique=True), st.data())
def test_the_header_is_found_below_a_title_block(title: list[str], header: list[str], data: st.DataObject) -> None:
    cell = st.one_of(NUMBERS_AND_DATES, WORDS, st.just(""))
    rows = data.draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), min_size=1, max_size=20))
    parsed = split_rows(write_csv([header, *rows], ",", title), ",")
    assert sniff_header_row(parsed) == len(title) + 1


def test_a_padded_title_row_is_no_header() -> None:
    # A workbook pads every row to the sheet's width.
    rows = [["Ventas octubre 2025", "", ""], ["", "", ""], ["Fecha", "Local", "Total"], ["2025-10-01", "A", "19980"]]
    assert sniff_header_row(rows) == 3


def test_a_file_without_header_takes_its_first_row() -> None:
    rows = [["01-10-2025", "1", "4,454"], ["02-10-2025", "2", "8,908"]]
    assert sniff_header_row(rows) == 1


def test_a_header_row_with_a_blank_cell_is_still_the_header() -> None:
    rows = [["Fecha", "", "Total"], ["01-10-2025", "x", "10"], ["02-10-2025", "y", "20"]]
    assert sniff_header_row(rows) == 1


def test_no_row_of_two_cells_is_no_header() -> None:
    assert sniff_header_row([["Informe"], [""], ["Texto"]]) is None
    assert sniff_header_row([]) is None


# --- the dialect ----------------------------------------------------------------------------------------------


def test_the_dialect_of_a_pos_export() -> None:
    text = (
        "Informe de ventas detallado\nDesde 01-10-2025 hasta 31-10-2025\n\n"
        'Fecha venta,Nombre sucursal,Total neto\n01-10-2025 8:05,Sucursal Ñuñoa,"4,454"\n'
    )
    dialect = sniff_dialect(text.encode())
    assert dialect is not None
    assert (dialect.encoding, dialect.delimiter, dialect.header_row) == ("utf-8", ",", 4)
    tabbed = sniff_dialect(UTF8_BOM + text.replace(",", "\t").encode())
    assert tabbed is not None
    assert (tabbed.encoding, tabbed.delimiter) == ("utf-8-sig", "\t")


def test_no_dialect_for_prose() -> None:
    assert sniff_dialect(b"Hola. Esto no es una tabla.\nSolo texto.") is None
