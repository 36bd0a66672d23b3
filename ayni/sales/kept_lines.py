"""The lines of a replace, kept for their rollups (ayni/sales/rollups.py `rows_of`): written to files a chunk at a
time as they are copied, read back a range of days at a time. The job's memory holds one range, whatever the
file's size; kept in memory, a million lines took ~120 MB more of the worker's 400."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from ayni.sales import rollups

# About how many lines a range of days read back holds. The job's peak grows with it (a range of 200,000 lines took
# it to ~495 MiB, of 50,000 to ~325, of 25,000 a little lower), not its speed: two ranges are in memory at a time.
RANGE_LINES = 25_000


@dataclass(frozen=True)
class _Part:
    path: Path
    first: date
    last: date


class KeptLines:
    """Staged lines (ayni/sales/load.py `staged_frame`) in rollups.compact_lines' columns, in files under
    `directory`, which the caller removes."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._parts: list[_Part] = []

    def add(self, staged: pl.DataFrame) -> None:
        if staged.is_empty():
            return
        compact = rollups.compact_lines(staged)
        path = self._directory / f"{len(self._parts)}.arrow"
        compact.write_ipc(path)
        first, last = compact.select(pl.col("day").min().alias("first"), pl.col("day").max().alias("last")).row(0)
        self._parts.append(_Part(path, first, last))

    def read(self, days: tuple[date, date]) -> pl.DataFrame:
        """The kept lines of the days from days[0] to days[1], both included."""
        first, last = days
        in_range = pl.col("day").is_between(first, last)
        found = [
            pl.read_ipc(part.path).filter(in_range) for part in self._parts if part.first <= last and first <= part.last
        ]
        return pl.concat(found) if found else pl.DataFrame()


def day_ranges(lines_by_day: Mapping[date, int], range_lines: int) -> list[tuple[date, date]]:
    """The days, in order, cut into ranges (first, last) of whole days: each range ends on the day its lines reach
    `range_lines` (a day with more lines is a range of its own), the last one on the last day."""
    ranges: list[tuple[date, date]] = []
    start: date | None = None
    lines = 0
    for day in sorted(lines_by_day):
        start = start or day
        lines += lines_by_day[day]
        if lines >= range_lines:
            ranges.append((start, day))
            start, lines = None, 0
    if start is not None:
        ranges.append((start, max(lines_by_day)))
    return ranges
