"""A file parsed a batch of rows at a time (DESIGN.md "Sales imports"): the worker never holds a large file's cells
or its lines whole, only the batch being loaded and the next; the rejects, few, are gathered as the batches go."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import polars as pl

from ayni.sales.parse import REJECT_SCHEMA, parse_lines
from ayni.sales.preview import Survey
from ayni.sales.reading import Reading
from ayni.sales.rejected import rejected_csv, rejected_rows
from ayni.sales.sources import RawTable


class BatchedParse:
    """The lines of `tables` (read_batches' batches of one file) read with `reading`, batch after batch, each batch
    also added to `survey` (the preview of a file read once, by its load). The first batch is read at once, so
    `columns` is known and an unreadable file raises here."""

    def __init__(
        self,
        tables: Iterator[RawTable],
        reading: Reading,
        *,
        timezone: str,
        customer_key: bytes,
        survey: Survey | None = None,
    ) -> None:
        self._tables = tables
        self._survey = survey
        self._pending: RawTable | None = next(tables)
        self._reading, self._timezone, self._customer_key = reading, timezone, customer_key
        self.columns = self._pending.columns
        self._delimiter = self._pending.dialect.delimiter
        self.rows_total = 0
        self._rejects: list[pl.DataFrame] = []
        self._rejected_rows: list[pl.DataFrame] = []

    def next_lines(self) -> pl.DataFrame | None:
        """The next batch's lines (parse.py's LINE_SCHEMA); None after the last batch."""
        raw = self._pending if self._pending is not None else next(self._tables, None)
        self._pending = None
        if raw is None:
            return None
        parsed = parse_lines(raw, self._reading, timezone=self._timezone, customer_key=self._customer_key)
        if self._survey is not None:
            self._survey.add_parsed(raw.frame, parsed)
        self.rows_total += raw.rows_total
        if len(parsed.rejects):
            self._rejects.append(parsed.rejects)
            self._rejected_rows.append(rejected_rows(raw, parsed.rejects))
        return parsed.lines

    async def lines(self) -> AsyncIterator[pl.DataFrame]:
        """`next_lines` until the last batch, each parsed in a thread while the caller works on the one before
        (copies it to PostgreSQL): parsing and copying overlap, at the cost of a second batch in memory."""
        following = asyncio.create_task(asyncio.to_thread(self.next_lines))
        try:
            while (batch := await following) is not None:
                following = asyncio.create_task(asyncio.to_thread(self.next_lines))
                yield batch
        finally:
            following.cancel()  # the caller gave up: the batch being parsed is dropped

    @property
    def rejects(self) -> pl.DataFrame:
        """The rejects of the batches parsed so far (parse.py's REJECT_SCHEMA), in row order."""
        return pl.concat(self._rejects) if self._rejects else pl.DataFrame(schema=REJECT_SCHEMA)

    def rejected_csv(self) -> bytes:
        """rejected.py's CSV of the rows rejected so far; b"" when there is none."""
        return rejected_csv(pl.concat(self._rejected_rows) if self._rejected_rows else None, self._delimiter)
