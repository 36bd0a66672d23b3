"""Files of imports, kept in PostgreSQL as rows of at most `CHUNK_BYTES` (`import_files`): the uploaded file and
the `rejected.csv` the worker writes.

An upload is read from the client into a temporary file first, then copied to the database in one transaction:
a slow phone upload holds no pooled connection while it trickles in, the API never holds the whole file in
memory, and a failed or refused upload leaves nothing stored."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import IO, Literal
from uuid import UUID

import anyio.to_thread

from ayni.sql import Executor, execute, fetch_value

CHUNK_BYTES = 1 << 20
# Kept in memory up to this size, on disk beyond.
_SPOOL_MEMORY_BYTES = 1 << 20

FileKind = Literal["upload", "rejected"]


@dataclass
class Spooled:
    """A received upload: its bytes (in a temporary file), size and SHA-256."""

    file: IO[bytes]
    size: int
    sha256: bytes

    def close(self) -> None:
        self.file.close()


async def spool(stream: AsyncIterable[bytes]) -> Spooled:
    """Read a request body to the end into a temporary file, hashing it on the way."""
    file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY_BYTES)  # noqa: SIM115 - closed by Spooled.close
    digest, size, pending = hashlib.sha256(), 0, bytearray()
    try:
        async for piece in stream:
            digest.update(piece)
            size += len(piece)
            pending += piece
            if len(pending) >= CHUNK_BYTES:
                await anyio.to_thread.run_sync(file.write, bytes(pending))
                pending.clear()
        file.write(pending)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return Spooled(file, size, digest.digest())


async def store_file(
    db: Executor, company_id: UUID, import_id: UUID, kind: FileKind, chunks: AsyncIterable[bytes]
) -> int:
    """Write `chunks` (each at most CHUNK_BYTES) as the import's file of `kind`, in the caller's transaction.
    The number of chunks written."""
    seq = 0
    async for chunk in chunks:
        await execute(
            db,
            """INSERT INTO import_files (company_id, import_id, kind, seq, data)
               VALUES (:company_id, :import_id, :kind, :seq, :data)""",
            company_id=company_id,
            import_id=import_id,
            kind=kind,
            seq=seq,
            data=chunk,
        )
        seq += 1
    return seq


async def chunks_of_spool(spooled: Spooled) -> AsyncIterator[bytes]:
    while chunk := await anyio.to_thread.run_sync(spooled.file.read, CHUNK_BYTES):
        yield chunk


async def chunks_of_bytes(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), CHUNK_BYTES):
        yield data[start : start + CHUNK_BYTES]


async def chunk_count(db: Executor, company_id: UUID, import_id: UUID, kind: FileKind) -> int:
    count: int = await fetch_value(
        db,
        "SELECT count(*) FROM import_files WHERE company_id = :company_id AND import_id = :import_id AND kind = :kind",
        company_id=company_id,
        import_id=import_id,
        kind=kind,
    )
    return count


async def read_chunk(db: Executor, company_id: UUID, import_id: UUID, kind: FileKind, seq: int) -> bytes:
    data: bytes | None = await fetch_value(
        db,
        """SELECT data FROM import_files
           WHERE company_id = :company_id AND import_id = :import_id AND kind = :kind AND seq = :seq""",
        company_id=company_id,
        import_id=import_id,
        kind=kind,
        seq=seq,
    )
    return data or b""


async def delete_file(db: Executor, company_id: UUID, import_id: UUID, kind: FileKind) -> None:
    await execute(
        db,
        "DELETE FROM import_files WHERE company_id = :company_id AND import_id = :import_id AND kind = :kind",
        company_id=company_id,
        import_id=import_id,
        kind=kind,
    )
