"""The ranges of days a replace's rollups are grouped in (ayni/sales/kept_lines.py), as a property."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ayni.sales.kept_lines import day_ranges

DAYS = st.dictionaries(
    st.integers(0, 400).map(lambda n: date(2024, 1, 1) + timedelta(days=n)), st.integers(1, 50), min_size=1
)


@given(lines_by_day=DAYS, range_lines=st.integers(1, 120))
def test_the_ranges_hold_every_day_once_in_order_and_end_where_their_lines_reach_the_size(
    lines_by_day: dict[date, int], range_lines: int
) -> None:
    ranges = day_ranges(lines_by_day, range_lines)
    days = sorted(lines_by_day)
    covered = [[day for day in days if first <= day <= last] for first, last in ranges]
    assert [day for part in covered for day in part] == days, "every day in exactly one range, in order"
    assert all(
        part and part[0] == first and part[-1] == last for part, (first, last) in zip(covered, ranges, strict=True)
    )
    for part in covered[:-1]:
        lines = [lines_by_day[day] for day in part]
        assert sum(lines) >= range_lines > sum(lines[:-1]), "a range ends on the day its lines reach the size"
    assert sum(lines_by_day[day] for day in covered[-1][:-1]) < range_lines


def test_one_day_is_one_range() -> None:
    assert day_ranges({date(2024, 3, 1): 5}, 1_000) == [(date(2024, 3, 1), date(2024, 3, 1))]
