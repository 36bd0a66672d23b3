"""An uploaded file's bytes -> a `RawTable` of strings: CSV (UTF-8 with or without BOM, or Windows-1252), the same
gzipped, or an XLSX workbook's first sheet (DESIGN.md "Sales imports"). Worker side: imports polars."""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
import python_calamine

from ayni.sales.reading import XLSX, Dialect
from ayni.sales.sniff import decode_sample, is_blank, sniff_dialect, sniff_header_row, split_rows

ROW = "__row"
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (.xls)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TRANSCODE_CHUNK_BYTES = 4 * 1024 * 1024
# Excel keeps 15 significant digits: a float's further digits are binary noise, never what the user typed.
_EXCEL_DIGITS = ".15g"


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why in a sentence the user can act on."""


@dataclass(frozen=True)
class RawTable:
    """A file's table as written: every cell a stripped string (empty -> null), plus `__row`, the row number a
    spreadsheet would show (the header is `dialect.header_row`, the first data row the one after it). Fully
    blank rows are dropped."""

    dialect: Dialect
    columns: list[str]  # header cells as written, stripped; blank -> "column_N"; duplicates get " (2)", " (3)"
    frame: pl.DataFrame  # one String column per entry of `columns` (same names and order), then "__row" (Int64)
    rows_total: int  # data rows (len(frame))


def read_table(data: bytes, filename: str, dialect: Dialect | None = None) -> RawTable:
    """The file's table, its dialect sniffed unless given. Raises UnreadableFile, never anything else."""
    if not data:
        raise UnreadableFile("The file is empty.")
    if data.startswith(GZIP_MAGIC):
        return _read_csv(_gunzip(data), dialect)
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, dialect)
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFile("The file is in the old Excel format (.xls); save it as .xlsx or CSV and upload that.")
    if filename.lower().endswith(".xlsx"):
        raise UnreadableFile("The file is named .xlsx but is not an Excel workbook; export it again from Excel.")
    return _read_csv(data, dialect)


def column_names(header: Sequence[str]) -> list[str]:
    """Unique column names from the header's cells: stripped, a blank one named by its position ("column_3"),
    a repeated one numbered ("Total (2)")."""
    names: list[str] = []
    taken = {ROW}
    for position, cell in enumerate(header, start=1):
        base = cell.strip() or f"column_{position}"
        name, copy = base, 1
        while name in taken:
            copy += 1
            name = f"{base} ({copy})"
        taken.add(name)
        names.append(name)
    return names


# --- CSV ------------------------------------------------------------------------------------------------------


def _gunzip(data: bytes) -> bytes:
    try:
        content = gzip.decompress(data)
    except EOFError:
        raise UnreadableFile("The gzip file is truncated; compress the CSV again and upload the whole file.") from None
    except (OSError, zlib.error):
        raise UnreadableFile("The gzip file is damaged; compress the CSV again and upload it.") from None
    if not content:
        raise UnreadableFile("The file is empty.")
    if content.startswith((GZIP_MAGIC, ZIP_MAGIC, _OLE_MAGIC)):
        raise UnreadableFile("The gzip file does not hold a CSV file; compress the CSV export itself.")
    return content


def _read_csv(data: bytes, dialect: Dialect | None) -> RawTable:
    if data.startswith(_UTF16_BOMS):
        raise UnreadableFile("The file is UTF-16 text; export it as CSV (UTF-8 or Windows-1252) and upload that.")
    if b"\x00" in data[:4096]:
        raise UnreadableFile("The file is not a table: it holds binary data, not text. Upload a CSV or XLSX file.")
    if dialect is None:
        dialect = sniff_dialect(data)
        if dialect is None:
            raise UnreadableFile(
                "The file is not a table: no comma, semicolon or tab splits its lines into the same columns."
            )
    elif dialect.encoding == XLSX:
        raise UnreadableFile("The file is CSV text, not an Excel workbook; read it with a CSV encoding.")
    rows = split_rows(decode_sample(data, dialect.encoding), dialect.delimiter, dialect.quote)
    if dialect.header_row > len(rows):
        raise UnreadableFile(f"The file has no row {dialect.header_row} to read the header from.")
    columns = column_names(rows[dialect.header_row - 1])
    source = _transcoded(data) if dialect.encoding == "windows-1252" else data
    cells = pl.scan_csv(
        source,
        has_header=False,
        skip_rows=dialect.header_row,
        schema=dict.fromkeys(columns, pl.String),
        separator=dialect.delimiter,
        quote_char=dialect.quote,
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
        missing_columns="insert",  # a blank first line would otherwise set the file's width to one column
        raise_if_empty=False,
        row_index_name=ROW,
        row_index_offset=dialect.header_row + 1,
    )
    return _table(dialect, columns, cells)


def _transcoded(data: bytes) -> bytes:
    """Windows-1252 bytes as UTF-8, in chunks: the file is never held as one Python str. Its five undefined bytes
    become U+FFFD rather than failing the file."""
    decoder = codecs.getincrementaldecoder("windows-1252")(errors="replace")
    chunks = [
        decoder.decode(data[start : start + _TRANSCODE_CHUNK_BYTES]).encode()
        for start in range(0, len(data), _TRANSCODE_CHUNK_BYTES)
    ]
    return b"".join(chunks)


def _table(dialect: Dialect, columns: list[str], cells: pl.LazyFrame) -> RawTable:
    """Cells stripped, empty ones null, fully blank rows dropped, `__row` as Int64 after the columns. One lazy
    query, so the file's cells are held once, not once as read and again as cleaned."""
    stripped = [pl.col(name).str.strip_chars() for name in columns]
    query = cells.select(
        *(pl.when(cell != "").then(cell).alias(name) for cell, name in zip(stripped, columns, strict=True)),
        pl.col(ROW).cast(pl.Int64),
    ).filter(pl.any_horizontal(pl.col(columns).is_not_null()))
    try:
        frame = query.collect()
    except pl.exceptions.PolarsError:
        # With every column read as text, what polars refuses is the quoting.
        raise UnreadableFile(
            "The file is not a readable CSV table: a quoted cell is not closed properly. Export the file again."
        ) from None
    if frame.is_empty():
        raise UnreadableFile("The file has a header but no data rows.")
    return RawTable(dialect=dialect, columns=columns, frame=frame, rows_total=frame.height)


# --- XLSX -----------------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, dialect: Dialect | None) -> RawTable:
    rows = _first_sheet(data)
    if not any(not is_blank(row) for row in rows):
        raise UnreadableFile("The workbook's first sheet has no rows.")
    header_row = dialect.header_row if dialect is not None else sniff_header_row(rows)
    if header_row is None:
        raise UnreadableFile("The workbook's first sheet is not a table: no row has more than one filled cell.")
    if header_row > len(rows):
        raise UnreadableFile(f"The workbook's first sheet has no row {header_row} to read the header from.")
    columns = column_names(rows[header_row - 1])
    body = rows[header_row:]
    cells = {name: [row[index] for row in body] for index, name in enumerate(columns)}
    numbers = list(range(header_row + 1, header_row + 1 + len(body)))
    frame = pl.DataFrame(cells | {ROW: numbers}, schema=dict.fromkeys(columns, pl.String) | {ROW: pl.Int64})
    return _table(Dialect(encoding=XLSX, delimiter="", header_row=header_row), columns, frame.lazy())


def _first_sheet(data: bytes) -> list[list[str]]:
    """The first sheet's cells as the text a user would type, every row as wide as the sheet."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:
        # calamine raises its own errors, zip errors and XML errors from several layers, not one family; any of
        # them means the same to the user.
        raise UnreadableFile("The file is not an Excel workbook Ayni can read; save it again as .xlsx.") from None
    return [[cell_text(value) for value in row] for row in values]


def cell_text(value: object) -> str:
    """A workbook cell as the user would type it: dates `2025-10-31` and `2025-10-31 08:05:00`, whole numbers
    without `.0`, other numbers with Excel's 15 significant digits (`4454.5`, never `0.30000000000000004`)."""
    match value:
        case bool():
            return "TRUE" if value else "FALSE"
        case dt.datetime():
            return value.strftime("%Y-%m-%d %H:%M:%S")
        case dt.date():
            return value.isoformat()
        case dt.time():
            return value.strftime("%H:%M:%S")
        case dt.timedelta():
            minutes, seconds = divmod(round(value.total_seconds()), 60)
            return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"
        case float():
            return format(Decimal(format(value, _EXCEL_DIGITS)), "f")
        case None:
            return ""
        case _:
            return str(value)
