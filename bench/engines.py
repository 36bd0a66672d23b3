"""polars against pyarrow on the sales import's work, on the same million-line POS export: read every column as
strings, parse the `DD-MM-YYYY H:MM` dates, parse two `1,234`-style numeric columns exactly (decimals, never
floats), sum revenue by day. Each engine runs in a child process of its own (its peak RSS is its alone), five
times; the table shows the median and the peak.

    python bench/engines.py [--lines N] [--csv PATH]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

RUNS = 5
DATE_PATTERN = "%d-%m-%Y %H:%M"
HEADER = "Fecha venta,Nombre sucursal,Código,Cantidad,Total neto\n"
BRANCHES = ("Sucursal Centro", "Sucursal Providencia", "Local Viña del Mar", "Tienda Concepción")


def write_csv(path: Path, lines: int) -> None:
    """A Chilean POS export's shape: unpadded hours, `,` thousands, `.` decimal kilos; seeded, so every run reads
    the same file."""
    rng = random.Random(13)
    moment = datetime(2024, 1, 1, 9, 0)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for _ in range(lines):
            moment += timedelta(minutes=rng.randint(0, 1))
            if moment.hour >= 21:
                moment = moment.replace(hour=9) + timedelta(days=1)
            price = rng.choice((990, 1490, 4454, 12990, 45990))
            quantity = f"{rng.randint(100, 3000) / 1000}" if price < 1000 else str(rng.randint(1, 3))
            amount = round(float(quantity) * price)
            out.write(
                f"{moment:%d-%m-%Y} {moment.hour}:{moment:%M},{rng.choice(BRANCHES)},SKU{rng.randint(1, 1500)},"
                f'{quantity},"{amount:,}"\n'
            )


def polars_run(path: Path) -> str:
    import polars as pl

    money = pl.Decimal(18, 4)
    frame = pl.read_csv(path, infer_schema=False)
    typed = frame.select(
        pl.col("Fecha venta").str.strptime(pl.Datetime("us"), DATE_PATTERN, strict=False).dt.date().alias("day"),
        pl.col("Cantidad").str.replace_all(",", "", literal=True).cast(money, strict=False).alias("quantity"),
        pl.col("Total neto").str.replace_all(",", "", literal=True).cast(money, strict=False).alias("amount"),
    )
    by_day = typed.group_by("day").agg(pl.col("amount").sum(), pl.col("quantity").sum())
    return f"{len(by_day)} days, revenue {by_day['amount'].sum()}"


def pyarrow_run(path: Path) -> str:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    money = pa.decimal128(18, 4)
    columns = HEADER.strip().split(",")
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string())))

    def number(name: str) -> pa.Array:
        return pc.cast(pc.replace_substring(table[name], ",", ""), money)

    moment = pc.strptime(table["Fecha venta"], format=DATE_PATTERN, unit="us", error_is_null=True)
    typed = pa.table(
        {"day": pc.cast(moment, pa.date32()), "quantity": number("Cantidad"), "amount": number("Total neto")}
    )
    by_day = typed.group_by("day").aggregate([("amount", "sum"), ("quantity", "sum")])
    return f"{by_day.num_rows} days, revenue {pc.sum(by_day['amount_sum']).as_py()}"


ENGINES: dict[str, Callable[[Path], str]] = {"polars": polars_run, "pyarrow": pyarrow_run}


def measure(engine: str, path: Path) -> None:
    """In the child: the runs, then `median_seconds peak_rss_mb` and what the work found, on two lines."""
    seconds, found = [], ""
    for _ in range(RUNS):
        started = time.perf_counter()
        found = ENGINES[engine](path)
        seconds.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{statistics.median(seconds):.3f} {peak_mb:.0f}\n{found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--csv", type=Path, help="an existing file of this shape (default: written to a temp dir)")
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)  # the child's side
    args = parser.parse_args()
    if args.engine:
        measure(args.engine, args.csv)
        return
    with tempfile.TemporaryDirectory() as scratch:
        path = args.csv or Path(scratch) / "ventas.csv"
        if args.csv is None:
            write_csv(path, args.lines)
        print(f"{'engine':<8} {'median s':>9} {'peak RSS MB':>12}   ({RUNS} runs, {path.stat().st_size >> 20} MiB CSV)")
        found = {}
        for engine in ENGINES:
            child = [sys.executable, __file__, "--engine", engine, "--csv", str(path)]
            figures, found[engine] = subprocess.run(
                child, check=True, capture_output=True, text=True
            ).stdout.splitlines()
            median, peak = figures.split()
            print(f"{engine:<8} {median:>9} {peak:>12}   {found[engine]}")
        if len(set(found.values())) > 1:
            sys.exit("The engines disagree: the comparison is void.")


if __name__ == "__main__":
    main()
