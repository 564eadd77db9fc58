"""The local Terminal API's own SQLite file in the register's data directory (0600): the paired
POS systems (their derived keys, never a passphrase) and the ledger of POS messages that move
money, which makes SaleID + ServiceID unique and lets a POS ask for a result after a restart.

One connection behind a lock (the API's traffic is a handful of messages a minute); WAL with
``synchronous=FULL``, so that a claimed request survives a power cut (an answer is written
without a sync of its own and rebuilt from the payment core if lost: ``Ledger.answer``); schema
versioned with ``PRAGMA user_version`` and migrated step by step.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final, Self, TypeVar

T = TypeVar("T")
FILE_NAME: Final = "pos.sqlite3"

MIGRATIONS: Final[tuple[str, ...]] = (
    # v1: pairings and the service ledger
    """
    CREATE TABLE pairings (
        key_identifier TEXT PRIMARY KEY,
        key_version    INTEGER NOT NULL,
        derived_keys   BLOB NOT NULL,
        pos_name       TEXT NOT NULL,
        created_at     REAL NOT NULL,
        revoked_at     REAL
    );
    CREATE TABLE services (
        sale_id             TEXT NOT NULL,
        service_id          TEXT NOT NULL,
        category            TEXT NOT NULL,
        key_identifier      TEXT NOT NULL,
        sale_transaction_id TEXT,
        poi_transaction_id  TEXT,
        request             TEXT,
        response            TEXT,
        created_at          REAL NOT NULL,
        PRIMARY KEY (sale_id, service_id)
    );
    CREATE INDEX services_by_transaction ON services (sale_id, sale_transaction_id);
    """,
)


class PosStoreError(Exception):
    """The POS API's file cannot be opened or is newer than this program."""


class PosStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)  # SQLite gives its -wal and -shm files the database's mode
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._migrate()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> PosStore:
        return cls(data_dir / FILE_NAME)

    def _migrate(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise PosStoreError(f"{self.path}: schema version {version} is newer than this program reads")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self._conn.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number}; COMMIT;")

    def write(self, fn: Callable[[sqlite3.Connection], T], *, sync: bool = True) -> T:
        """One transaction, committed to disk before this returns. ``sync=False``: committed for
        every reader and safe from a crash of the process, but on disk only with the next synced
        write (WAL, ``synchronous=NORMAL``): for what can be rebuilt after a power cut."""
        with self._lock:
            if not sync:
                self._conn.execute("PRAGMA synchronous=NORMAL")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(self._conn)
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
                return result
            finally:
                if not sync:
                    self._conn.execute("PRAGMA synchronous=FULL")

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return fn(self._conn)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
