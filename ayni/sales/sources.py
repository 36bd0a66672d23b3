"""An uploaded file's bytes -> a `RawTable` of strings: CSV (UTF-8 with or without BOM, or Windows-1252), the same
gzipped, or an XLSX workbook's first sheet (DESIGN.md "Sales imports"). Worker side: imports polars."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import mmap
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import polars as pl
import python_calamine

from ayni.sales.reading import XLSX, Dialect
from ayni.sales.sniff import FileBytes, decode_sample, is_blank, sniff_dialect, sniff_header_row, split_rows

ROW = "__row"
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (.xls)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TRANSCODE_CHUNK_BYTES = 4 * 1024 * 1024
_GZIP_CHUNK_BYTES = 1024 * 1024
# A batch of `read_batches`: some 13,000 lines of a POS export, whose cells polars holds in ~2 MB (and its parse in
# some 25 MB more at its peak). Three are in memory while a file loads (one parsed, one made into rows for the COPY,
# one on its way to PostgreSQL): halving the batch from 8 MiB took a job process's peak for the demo's million lines
# from 378 to 286 MiB, at the same speed, and halving it again from 4 MiB, once the load made its rows in a thread of
# their own, from ~440 to ~350 (bench/import_pipeline.py).
BATCH_BYTES = 2 * 1024 * 1024
NO_DATA_ROWS = "The file has a header but no data rows."
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
    # One String column per entry of `columns` (same names and order; only those asked for, when some were), then
    # "__row" (Int64).
    frame: pl.DataFrame
    rows_total: int  # data rows (len(frame))


def read_table(source: bytes | Path, filename: str, dialect: Dialect | None = None) -> RawTable:
    """The file's table (its bytes, or the path of a file holding them), its dialect sniffed unless given. Raises
    UnreadableFile, never anything else."""
    # Read in batches, kept as chunks of one frame: the reading's own buffers are a batch's, not the file's.
    batches = list(read_batches(source, filename, dialect))
    frame = pl.concat([batch.frame for batch in batches], rechunk=False)
    return RawTable(dialect=batches[0].dialect, columns=batches[0].columns, frame=frame, rows_total=frame.height)


def read_batches(
    source: bytes | Path,
    filename: str,
    dialect: Dialect | None = None,
    *,
    batch_bytes: int = BATCH_BYTES,
    only: Sequence[str] | None = None,
) -> Iterator[RawTable]:
    """`read_table`, a slice of rows at a time: each batch a RawTable of the rows of some `batch_bytes` of the
    file (`rows_total` its own rows), in order; together exactly `read_table`'s rows. A CSV file given by path is
    memory-mapped and each batch's bytes released once read: neither the file nor its table of cells is ever held
    whole. (A gzip or XLSX file is read whole.) `only` names the columns wanted (by default all): a CSV's other
    cells are not even made strings, which makes a pass over a large file several times cheaper; rows blank in
    those columns are dropped. Raises UnreadableFile, never anything else: a file that is no table on the first
    batch, a batch whose rows are unreadable when it comes."""
    cut = _Cut(batch_bytes, tuple(only) if only is not None else None)
    if isinstance(source, Path):
        return _read_path(source, filename, dialect, cut)
    return _read_bytes(source, filename, dialect, cut)


@dataclass(frozen=True)
class _Cut:
    """How `read_batches` slices the table: rows by about `batch_bytes` of the file, columns to `only` (or all)."""

    batch_bytes: int
    only: tuple[str, ...] | None


def _read_path(path: Path, filename: str, dialect: Dialect | None, cut: _Cut) -> Iterator[RawTable]:
    with path.open("rb") as file:
        head = file.read(len(_OLE_MAGIC))
        if head.startswith(GZIP_MAGIC):
            # Inflated into a temporary file, then read like any CSV file: never whole in memory.
            file.seek(0)
            with tempfile.TemporaryFile(dir=path.parent) as plain:
                gunzip_into(file, plain)
                with mmap.mmap(plain.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    yield from _read_csv(mapped, dialect, cut)
            return
        if not head or head.startswith((ZIP_MAGIC, _OLE_MAGIC)):
            yield from _read_bytes(head + file.read(), filename, dialect, cut)
            return
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield from _read_bytes(mapped, filename, dialect, cut)


def _read_bytes(data: FileBytes, filename: str, dialect: Dialect | None, cut: _Cut) -> Iterator[RawTable]:
    head = data[: len(_OLE_MAGIC)]
    if not head:
        raise UnreadableFile("The file is empty.")
    if head.startswith(GZIP_MAGIC):
        return _read_csv(gunzip(data), dialect, cut)
    if head.startswith(ZIP_MAGIC):
        return iter([_read_xlsx(data, dialect, cut.only)])
    if head.startswith(_OLE_MAGIC):
        raise UnreadableFile("The file is in the old Excel format (.xls); save it as .xlsx or CSV and upload that.")
    if filename.lower().endswith(".xlsx"):
        raise UnreadableFile("The file is named .xlsx but is not an Excel workbook; export it again from Excel.")
    return _read_csv(data, dialect, cut)


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


# Uncompressed, a gzipped CSV may hold this much (about seven million lines): a small upload that inflates
# without end (a "gzip bomb") stops here instead of filling the worker's memory.
MAX_UNCOMPRESSED_BYTES = 1 << 30


def gunzip(data: FileBytes, limit: int = MAX_UNCOMPRESSED_BYTES) -> bytes:
    """The CSV inside a gzip file (one member), at most `limit` bytes of it."""
    plain = io.BytesIO()
    gunzip_into(io.BytesIO(data), plain, limit)
    return plain.getvalue()


def gunzip_into(source: BinaryIO, target: BinaryIO, limit: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """The CSV inside the gzip file `source` (one member) written to `target`, a chunk at a time, at most `limit`
    bytes of it. Raises UnreadableFile: damaged, truncated, inflating past `limit`, empty, or holding no CSV."""
    stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    written, start = 0, b""
    try:
        while not stream.eof and (pending := source.read(_GZIP_CHUNK_BYTES)):
            while pending and not stream.eof:
                plain = stream.decompress(pending, _GZIP_CHUNK_BYTES)
                pending = stream.unconsumed_tail
                written += len(plain)
                if written > limit:
                    mib = limit // (1 << 20)
                    raise UnreadableFile(
                        f"Uncompressed, the file is larger than {mib} MiB; split the export into periods."
                    )
                start += plain[: len(_OLE_MAGIC) - len(start)]
                target.write(plain)
    except zlib.error:
        raise UnreadableFile("The gzip file is damaged; compress the CSV again and upload it.") from None
    if not stream.eof:
        raise UnreadableFile("The gzip file is truncated; compress the CSV again and upload the whole file.")
    if not written:
        raise UnreadableFile("The file is empty.")
    if start.startswith((GZIP_MAGIC, ZIP_MAGIC, _OLE_MAGIC)):
        raise UnreadableFile("The gzip file does not hold a CSV file; compress the CSV export itself.")
    target.flush()


def _read_csv(data: FileBytes, dialect: Dialect | None, cut: _Cut) -> Iterator[RawTable]:
    """The checks, the sniffing and the header run now; the rows are read as the batches are asked for."""
    if data[:2].startswith(_UTF16_BOMS):
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
    _release(data, len(data))  # sniffing read it all
    return _csv_batches(data, dialect, columns, cut)


def _csv_batches(data: FileBytes, dialect: Dialect, columns: list[str], cut: _Cut) -> Iterator[RawTable]:
    next_row, rows_total = dialect.header_row + 1, 0
    # polars skips the rows above the data as lines, in the first part, which must hold them all.
    header_end = 0
    for _ in range(dialect.header_row):
        header_end = _line_end(data, header_end)
    for start, part in record_parts(data, dialect.quote, cut.batch_bytes, first_end=header_end):
        end = start + len(part)
        source = _transcoded(part) if dialect.encoding == "windows-1252" else part
        cells = pl.scan_csv(
            source,
            has_header=False,
            skip_rows=dialect.header_row if start == 0 else 0,
            schema=dict.fromkeys(columns, pl.String),
            separator=dialect.delimiter,
            quote_char=dialect.quote,
            encoding="utf8-lossy",
            truncate_ragged_lines=True,
            missing_columns="insert",  # a blank first line would otherwise set the file's width to one column
            raise_if_empty=False,
            row_index_name=ROW,
            row_index_offset=next_row,
        )
        del part, source  # the lazy scan holds them until it is collected
        frame, records = _cells(columns, cells, cut.only)
        del cells
        _release(data, end)
        next_row, rows_total = next_row + records, rows_total + frame.height
        if frame.height:
            yield RawTable(dialect=dialect, columns=columns, frame=frame, rows_total=frame.height)
    if not rows_total:
        raise UnreadableFile(NO_DATA_ROWS)


def record_parts(data: FileBytes, quote: str, batch_bytes: int, *, first_end: int = 0) -> Iterator[tuple[int, bytes]]:
    """`data` cut into parts of about `batch_bytes` (the first one past `first_end`) at line ends outside quotes,
    each with its offset: each part holds whole CSV records. A line end is outside quotes when an even number of
    quote characters come before it (a quoted cell opens and closes with one, a quote inside it is doubled)."""
    mark, start = quote.encode(), 0
    while start < len(data):
        end = _line_end(data, max(start + batch_bytes, first_end))
        part = data[start:end]
        quotes = part.count(mark)
        while quotes % 2 and end < len(data):
            following = _line_end(data, end)
            more = data[end:following]
            part, quotes, end = part + more, quotes + more.count(mark), following
        yield start, part
        start = end


def _line_end(data: FileBytes, position: int) -> int:
    """The offset after the first line end at or after `position`; the end of `data` when there is none."""
    found = data.find(b"\n", min(position, len(data)))
    return len(data) if found < 0 else found + 1


def _release(data: FileBytes, end: int) -> None:
    """Drop the mapped pages before `end` from the process's memory: they were read (the kernel keeps them in its
    page cache while it has room)."""
    if isinstance(data, mmap.mmap) and end >= mmap.PAGESIZE:
        data.madvise(mmap.MADV_DONTNEED, 0, end - end % mmap.PAGESIZE)


def _transcoded(data: bytes) -> bytes:
    """Windows-1252 bytes as UTF-8, in chunks: the file is never held as one Python str. Its five undefined bytes
    become U+FFFD rather than failing the file."""
    decoder = codecs.getincrementaldecoder("windows-1252")(errors="replace")
    chunks = [
        decoder.decode(data[start : start + _TRANSCODE_CHUNK_BYTES]).encode()
        for start in range(0, len(data), _TRANSCODE_CHUNK_BYTES)
    ]
    return b"".join(chunks)


def _cells(columns: list[str], cells: pl.LazyFrame, only: Sequence[str] | None = None) -> tuple[pl.DataFrame, int]:
    """The cells stripped, empty ones null, `__row` as Int64 after the columns, fully blank rows dropped; and how
    many records were read (blank ones included: they have row numbers). One lazy query, so the cells are held
    once, not once as read and again as cleaned; the blank rows are filtered only when there are any. With `only`,
    just those columns, and every row."""
    if only is not None:
        columns = list(only)
    stripped = [pl.col(name).str.strip_chars() for name in columns]
    query = cells.select(
        *(pl.when(cell != "").then(cell).alias(name) for cell, name in zip(stripped, columns, strict=True)),
        pl.col(ROW).cast(pl.Int64),
    )
    try:
        frame = query.collect()
    except pl.exceptions.PolarsError:
        # With every column read as text, what polars refuses is the quoting.
        raise UnreadableFile(
            "The file is not a readable CSV table: a quoted cell is not closed properly. Export the file again."
        ) from None
    if only is not None:
        return frame, frame.height
    filled = frame.select(pl.any_horizontal(pl.col(columns).is_not_null())).to_series()
    return (frame if filled.all() else frame.filter(filled)), frame.height


# --- XLSX -----------------------------------------------------------------------------------------------------


def _read_xlsx(data: FileBytes, dialect: Dialect | None, only: Sequence[str] | None) -> RawTable:
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
    cleaned, _ = _cells(columns, frame.lazy(), only)
    if cleaned.is_empty():
        raise UnreadableFile(NO_DATA_ROWS)
    return RawTable(Dialect(encoding=XLSX, delimiter="", header_row=header_row), columns, cleaned, cleaned.height)


def _first_sheet(data: FileBytes) -> list[list[str]]:
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
