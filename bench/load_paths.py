"""How fast `ayni.sales.load` puts a million parsed lines into PostgreSQL, phase by phase, against plain COPY of
the same clean rows (the baseline of `import_vs_copy`), and what the choices of migrations/0007 and load.py
cost: foreign keys on sale_lines, work_mem, synchronous_commit. Not run by the tests.

    .venv/bin/python bench/load_paths.py [--lines 1000000] [--reps 2]

Starts its own durable embedded PostgreSQL (fsync on, as in production) in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Literal

import asyncpg
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from ayni import migrations  # noqa: E402
from ayni.embedded import EmbeddedPostgres  # noqa: E402
from ayni.sales import load  # noqa: E402

LOCATIONS = ("Providencia", "Ñuñoa", "Viña del Mar", "Concepción")
DAYS = 730
PRODUCTS = 1_500
LINES_PER_TICKET = 8
MONEY = pl.Decimal(18, 4)


def _random(index: pl.Expr, salt: int, modulo: int) -> pl.Expr:
    """A pseudo-random integer in [0, modulo) per index, the same on every run."""
    return (index.hash(salt) % modulo).cast(pl.Int64)


def sales_frame(lines: int) -> pl.DataFrame:
    """`lines` parsed lines in the plan's shape: 4 locations, 730 days, 1,500 products in 12 categories,
    8 lines per ticket, 1 % of tickets returns, a cost on 90 % of the products, a customer on 30 % of tickets."""
    tickets = -(-lines // LINES_PER_TICKET)
    i = pl.int_range(lines, dtype=pl.Int64)
    ticket = i // LINES_PER_TICKET
    product = _random(i, 1, PRODUCTS)
    is_return = _random(ticket, 2, 100) == 0
    sign = pl.when(is_return).then(-1).otherwise(1)
    quantity = (1 + _random(i, 3, 3)) * sign
    amount = quantity * (990 + (product * 37) % 20_000)
    local = pl.datetime(2024, 1, 1) + pl.duration(
        days=(ticket * DAYS) // tickets, hours=9 + _random(ticket, 4, 12), minutes=_random(ticket, 5, 60)
    )
    frame = pl.select(
        row=i + 2,
        location=pl.lit(pl.Series(LOCATIONS)).gather(ticket % len(LOCATIONS)),
        # Hours 9 to 20 are never in Chile's DST gaps (at midnight).
        sold_at=local.dt.replace_time_zone("America/Santiago", ambiguous="earliest").dt.convert_time_zone("UTC"),
        day=local.dt.date(),
        hour=local.dt.hour().cast(pl.Int8),
        ticket=pl.format("{}|{}", pl.when(is_return).then(pl.lit("NC")).otherwise(pl.lit("BOLETA")), ticket),
        document_type=pl.when(is_return).then(pl.lit("NC")).otherwise(pl.lit("BOLETA")),
        product_key=pl.format("sku:SKU-{}", product),
        sku=pl.format("SKU-{}", product),
        product=pl.format("Producto {}", product),
        category=pl.format("Categoría {}", product % 12),
        quantity=quantity.cast(MONEY),
        amount=amount.cast(MONEY),
        cost=pl.when(product % 10 != 0).then((amount * 6 // 10).cast(MONEY)),
        discount=pl.when(_random(i, 6, 20) == 0).then((100 * sign).cast(MONEY)),
        is_return=is_return,
        payment_method=pl.lit(pl.Series(["efectivo", "débito", "crédito"])).gather(_random(ticket, 7, 3)),
        seller=pl.format("Vendedor {}", _random(ticket, 8, 25)),
        customer=pl.when(_random(ticket, 9, 10) < 3).then(pl.format("cliente {}", _random(ticket, 10, 40_000))),
    )
    return frame.with_columns(pl.col("customer").cast(pl.Binary))


@contextlib.asynccontextmanager
async def company_transaction(url: str, company_id: uuid.UUID, *settings: str) -> AsyncIterator[asyncpg.Connection]:
    """A transaction as the worker runs one: ayni_app, the tenant set, plus `SET LOCAL` settings; committed."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SET ROLE ayni_app")
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.company_id', $1, true)", str(company_id))
            for setting in settings:
                await conn.execute(f"SET LOCAL {setting}")
            yield conn
    finally:
        await conn.close()


class PeakRss:
    """The process's resident memory, sampled in a thread (polars and the COPY keep the event loop busy)."""

    def __init__(self) -> None:
        self.peak = self.before = self.since_mark = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def now() -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            now = self.now()
            self.peak, self.since_mark = max(self.peak, now), max(self.since_mark, now)

    def mark(self) -> int:
        """The peak since the last mark (or the start)."""
        peak, self.since_mark = self.since_mark, self.now()
        return peak

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Clock:
    """The progress callback: when each phase began (and, given `rss`, each phase's peak memory in MiB)."""

    def __init__(self, rss: PeakRss | None = None) -> None:
        self.marks: list[tuple[str, float]] = [("start", time.perf_counter())]
        self._rss = rss
        self.peaks: dict[str, int] = {}

    async def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.marks[-1][0]:
            if self._rss is not None:
                self.peaks[self.marks[-1][0]] = self._rss.mark()
            self.marks.append((phase, time.perf_counter()))

    def phases(self, end: float) -> dict[str, float]:
        ends = [t for _, t in self.marks[1:]] + [end]
        return {name: round(stop - start, 2) for (name, start), stop in zip(self.marks, ends, strict=True)}


async def timed_load(
    url: str, company_id: uuid.UUID, lines: pl.DataFrame, mode: Literal["replace", "append"], *settings: str
) -> dict[str, float]:
    clock = Clock()
    with PeakRss() as rss:
        summary = await _load(url, company_id, lines, mode, clock, settings)
    done = time.perf_counter()
    return clock.phases(done) | {
        "total": round(done - clock.marks[0][1], 2),
        "loaded": summary.lines_loaded,
        "rss_mb_before": rss.before,
        "rss_mb_added": rss.peak - rss.before,
    }


async def _load(
    url: str,
    company_id: uuid.UUID,
    lines: pl.DataFrame,
    mode: Literal["replace", "append"],
    clock: Clock,
    settings: tuple[str, ...],
) -> load.LoadSummary:
    async with company_transaction(url, company_id, *settings) as conn:
        existing = {row["name"]: row["id"] for row in await conn.fetch("SELECT name, id FROM locations")}
        summary = await load.load_import(
            conn,
            company_id=company_id,
            import_id=uuid.uuid4(),
            lines=lines,
            locations={name: existing.get(name, "new") for name in LOCATIONS},
            mode=mode,
            progress=clock,
        )
        await clock("commit", 0, 0)
    return summary


async def plain_copy(url: str, lines: pl.DataFrame) -> float:
    """COPY of the same rows, already clean (ids in place), into a table with sale_lines' columns and indexes
    and no row-level security: the ceiling."""
    staged = load.staged_frame(
        lines,
        {name: uuid.uuid4() for name in lines["location"].unique()},
        {key: uuid.uuid4() for key in lines["product_key"].unique()},
    )
    company, an_import = uuid.uuid4(), uuid.uuid4()
    ready = staged.select(
        pl.lit(str(company)).alias("company_id"),
        pl.lit(str(an_import)).alias("import_id"),
        pl.exclude("customer"),
        pl.concat_str(pl.lit("\\x"), pl.col("customer").bin.encode("hex")).alias("customer"),
    )
    data = ready.write_csv(include_header=False).encode()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP TABLE IF EXISTS copy_ceiling")
        await conn.execute("CREATE TABLE copy_ceiling (LIKE sale_lines INCLUDING ALL)")
        await conn.execute("CHECKPOINT")  # the dirty pages of what ran before are not this COPY's to write
        start = time.perf_counter()
        async with conn.transaction():
            await conn.copy_to_table("copy_ceiling", source=_chunks(data), columns=ready.columns, format="csv")
        return round(time.perf_counter() - start, 2)
    finally:
        await conn.execute("DROP TABLE copy_ceiling")
        await conn.close()


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    size = 1 << 20
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


async def owner_sql(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def new_company(url: str) -> uuid.UUID:
    """The only company left in the database, with no data, and everything on disk: each measured load starts
    from the same state, whatever ran before it."""
    await owner_sql(
        url,
        "TRUNCATE companies, sale_lines, sales_daily, sales_daily_products, sales_hourly CASCADE",
        "VACUUM",
        "CHECKPOINT",
    )
    conn = await asyncpg.connect(url)
    try:
        company: uuid.UUID = await conn.fetchval(
            "INSERT INTO companies (name, industry) VALUES ('Bench', 'retail') RETURNING id"
        )
    finally:
        await conn.close()
    return company


FOREIGN_KEYS = {
    "fk_company": "FOREIGN KEY (company_id) REFERENCES companies",
    "fk_location": "FOREIGN KEY (company_id, location_id) REFERENCES locations",
    "fk_product": "FOREIGN KEY (company_id, product_id) REFERENCES products",
}


async def best_of(reps: int, run: Callable[[], Awaitable[dict[str, float]]]) -> dict[str, float]:
    results = [await run() for _ in range(reps)]
    return min(results, key=lambda r: r["total"])


async def bench(url: str, lines: pl.DataFrame, reps: int) -> None:
    n = len(lines)

    async def first_load(*settings: str) -> dict[str, float]:
        return await timed_load(url, await new_company(url), lines, "replace", *settings)

    async def again(mode: Literal["replace", "append"]) -> dict[str, float]:
        company = await new_company(url)
        await timed_load(url, company, lines, "replace")
        await owner_sql(url, "VACUUM ANALYZE", "CHECKPOINT")
        return await timed_load(url, company, lines, mode)

    copy_times = []
    for _ in range(reps):
        await new_company(url)
        copy_times.append(await plain_copy(url, lines))
    copy_s = min(copy_times)
    print(f"plain COPY of {n} clean rows: {copy_s} s ({n / copy_s:,.0f} rows/s)")
    fresh = await best_of(reps, first_load)
    print(f"load, a new company: {fresh}  import_vs_copy={copy_s / fresh['total']:.2f}")
    for setting in ("work_mem = '64MB'", "work_mem = '256MB'", "synchronous_commit = off"):
        print(f"load with {setting}: {await best_of(reps, lambda s=setting: first_load(s))}")  # type: ignore[misc]
    print(f"the same file again, replace: {await best_of(reps, lambda: again('replace'))}")
    print(f"the same file again, append (all skipped): {await best_of(reps, lambda: again('append'))}")
    await owner_sql(url, *(f"ALTER TABLE sale_lines ADD CONSTRAINT {name} {fk}" for name, fk in FOREIGN_KEYS.items()))
    print(f"load with foreign keys on sale_lines: {await best_of(reps, first_load)}")
    await owner_sql(url, *(f"ALTER TABLE sale_lines DROP CONSTRAINT {name}" for name in FOREIGN_KEYS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    lines = sales_frame(args.lines)
    print(f"generated {len(lines)} lines in {time.perf_counter() - start:.1f} s")
    with migrated_postgres() as (url, _):
        asyncio.run(bench(url, lines, args.reps))


@contextlib.contextmanager
def migrated_postgres() -> Iterator[tuple[str, Path]]:
    """A throw-away durable PostgreSQL with every migration applied: its URL, and a folder for scratch files."""
    with tempfile.TemporaryDirectory(prefix="ayni-bench-pg-") as directory:
        Path(directory).chmod(0o755)  # readable by `nobody`, whom the embedded PostgreSQL runs as under root
        server = EmbeddedPostgres(Path(directory), durable=True)
        server.start()
        try:
            migrations.apply(server.url)
            yield server.url, Path(directory)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
