"""How a CSV file is written, guessed from its bytes: encoding, delimiter and header row (DESIGN.md "Sales
imports"). Pure."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mmap
import re
from collections import Counter
from collections.abc import Sequence

from ayni.sales.reading import DELIMITERS, Dialect

# A file's bytes in memory, or the memory map of a file (the worker maps a large upload rather than read it).
FileBytes = bytes | mmap.mmap
UTF8_BOM = codecs.BOM_UTF8
# The top of the file is enough to see how it is written: POS title blocks are a few lines.
SAMPLE_BYTES = 256 * 1024
_CHUNK_BYTES = 1024 * 1024
# A delimiter is the file's when, from the first row it splits that way, at least this share of the rows split
# into the same number of cells (a few ragged rows are rejected later, one by one, not the whole file).
_CONSISTENT_SHARE = 2 / 3
# Numbers, amounts, dates and times as POS exports write them: a header cell never looks like this.
_NUMBER_OR_DATE = re.compile(r"[-+($€]*\s*\d[\d\s.,:/\-]*(?:\s*[AaPp]\.?\s*[Mm]\.?)?\)?\s*%?")


def sniff_encoding(data: FileBytes) -> str:
    """`utf-8-sig` with a UTF-8 byte order mark, `utf-8` when every byte sequence is valid UTF-8, else
    `windows-1252` (what Excel on Windows writes for "CSV" in Spanish)."""
    if data[: len(UTF8_BOM)] == UTF8_BOM:
        return "utf-8-sig"
    return "utf-8" if is_utf8(data) else "windows-1252"


def is_utf8(data: FileBytes) -> bool:
    """Whether `data` is valid UTF-8, checked in chunks so a large file is never decoded whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _CHUNK_BYTES):
            decoder.decode(data[start : start + _CHUNK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode_sample(data: FileBytes, encoding: str) -> str:
    """The file's first `SAMPLE_BYTES` as text, without a BOM; a last line cut by the sample's end is dropped."""
    sample = data[:SAMPLE_BYTES]
    # A BOM goes even when the reading says plain UTF-8 (the CSV reader skips it too).
    text = sample.decode("utf-8-sig" if encoding.startswith("utf-8") else encoding, errors="replace")
    if len(data) > SAMPLE_BYTES:
        text = text[: max(text.rfind("\n"), 0)]
    return text


def split_rows(text: str, delimiter: str, quote: str = '"') -> list[list[str]]:
    """The rows of a CSV text, quotes respected; a blank line is an empty row, so positions stay row numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote, strict=False)
    rows: list[list[str]] = []
    # A malformed tail (an unclosed quote makes a field over the csv module's size limit) ends the sample; the
    # rows read before it stand.
    with contextlib.suppress(csv.Error):
        rows.extend(reader)
    return rows


def sniff_delimiter(text: str) -> str | None:
    """The delimiter (`,`, `;` or tab) that splits the sample's rows into a consistent number of cells (more than
    one), preferring the one that splits the most rows so, then the wider; None when none does (not a table)."""
    best: tuple[int, int, str] | None = None
    for delimiter in DELIMITERS:
        counts = [len(row) for row in split_rows(text, delimiter) if not is_blank(row)]
        width, rows_at_width = _consistent_width(counts)
        if width and (best is None or (rows_at_width, width) > best[:2]):
            best = (rows_at_width, width, delimiter)
    return None if best is None else best[2]


def _consistent_width(counts: Sequence[int]) -> tuple[int, int]:
    """The cell count (more than one) most rows have, the first seen on a tie, and how many rows have it; (0, 0)
    when the rows from its first occurrence on are not mostly of that width (prose, whose lines hold commas by
    chance). Rows of one cell before it are a title block, however many."""
    tallies = Counter(count for count in counts if count > 1)
    if not tallies:
        return 0, 0
    width, rows_at_width = tallies.most_common(1)[0]  # ties in first-seen order
    tail = counts[counts.index(width) :]
    if rows_at_width < _CONSISTENT_SHARE * len(tail):
        return 0, 0
    return width, rows_at_width


def sniff_header_row(rows: Sequence[Sequence[str]]) -> int | None:
    """The 1-based header row: the first row as wide as the data rows whose cells are mostly filled with text
    (not numbers or dates). Rows above it are a title block ("Informe de ventas", a date range, a blank line).
    Without such a row, the first row of the data's width; None when no row has more than one cell."""
    data_width, _ = _consistent_width([len(row) for row in rows if not is_blank(row)])
    if not data_width:
        return None
    # A workbook pads every row to the sheet's width: its title rows are as wide as the data, but mostly empty.
    candidates = [index for index, row in enumerate(rows) if len(row) == data_width]
    for index in candidates:
        if looks_like_header(rows[index], data_width):
            return index + 1
    return candidates[0] + 1


def looks_like_header(row: Sequence[str], data_width: int) -> bool:
    """At least half the cells filled, and most filled cells text rather than numbers or dates."""
    filled = [cell.strip() for cell in row if cell.strip()]
    texts = [cell for cell in filled if not _NUMBER_OR_DATE.fullmatch(cell)]
    return 2 * len(filled) >= data_width and 2 * len(texts) > len(filled)


def is_blank(row: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in row)


def sniff_dialect(data: FileBytes) -> Dialect | None:
    """Encoding, delimiter and header row of a CSV file; None when its lines do not form a table."""
    encoding = sniff_encoding(data)
    text = decode_sample(data, encoding)
    delimiter = sniff_delimiter(text)
    if delimiter is None:
        return None
    header_row = sniff_header_row(split_rows(text, delimiter))
    if header_row is None:
        return None
    return Dialect(encoding=encoding, delimiter=delimiter, header_row=header_row)
