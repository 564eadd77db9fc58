"""SQLite connections and the journal's one writer thread.

All writes go through ``Writer``: a single-worker executor that owns the only write
connection, so writes are serialised in submission order without lock contention, and every
write is one ``BEGIN IMMEDIATE … COMMIT`` that has reached the disk (WAL, ``synchronous=FULL``)
before the caller's call returns. Readers open their own connections; WAL lets them read while
the writer writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from terminal.journal.errors import JournalError, JournalNotFoundError, SchemaVersionError, WriterClosedError
from terminal.journal.schema import LATEST_VERSION, user_version

T = TypeVar("T")
BUSY_TIMEOUT_MS = 10_000


def open_write_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        conn.close()
        raise JournalError(f"{path}: cannot switch the journal to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def open_read_connection(path: Path, *, check_version: bool = True) -> sqlite3.Connection:
    """A query-only connection to an existing journal; never creates the file."""
    if not path.is_file():
        raise JournalNotFoundError(f"no journal at {path}")
    conn = sqlite3.connect(
        path.resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.execute("PRAGMA query_only=ON")
    if check_version:
        version = user_version(conn)
        if version != LATEST_VERSION:
            conn.close()
            raise SchemaVersionError(
                f"{path}: journal schema version {version}, this program reads {LATEST_VERSION}"
                + (" (migrate it: `payterm migrate` as the payterm user, or start the register once)"
                   if version < LATEST_VERSION else "")
            )
    return conn


class Writer:
    """The one thread that writes to the journal."""

    def __init__(self, path: Path) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal-writer")
        self._lock = threading.Lock()
        self._closed = False
        self._thread_id: int | None = None
        self._conn: sqlite3.Connection | None = None
        try:
            self._executor.submit(self._open, path).result()
        except BaseException:
            self._executor.shutdown(wait=True)
            raise

    def _open(self, path: Path) -> None:
        self._thread_id = threading.get_ident()
        self._conn = open_write_connection(path)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:  # only if _open failed, and then the writer was never returned
            raise WriterClosedError("the journal writer has no connection")
        return self._conn

    def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on the writer thread, outside any transaction (migrations manage their own)."""
        if threading.get_ident() == self._thread_id:
            raise JournalError("a journal write was submitted from inside another journal write")
        with self._lock:
            if self._closed:
                raise WriterClosedError("the journal is closed")
            future = self._executor.submit(lambda: fn(self._connection()))
        return future.result()

    def transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in one committed transaction on the writer thread; roll back if it raises."""

        def run(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        return self.call(run)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            future = self._executor.submit(lambda: self._conn.close() if self._conn is not None else None)
        future.result()
        self._executor.shutdown(wait=True)
