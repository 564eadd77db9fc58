"""The sandbox's SQLite store: WAL, schema versioned with PRAGMA user_version, one
``BEGIN IMMEDIATE`` transaction per mutating request (so a refused request changes nothing).

Connections are per thread (sqlite3 objects must not cross threads); FastAPI runs the sync route
functions on a thread pool, the signature middleware on the event loop thread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE wallet_keys (
    kind TEXT PRIMARY KEY,              -- 'sign' (Ed25519) or 'pin' (X25519)
    keyid TEXT NOT NULL UNIQUE,
    private_pkcs8 BLOB NOT NULL
);
CREATE TABLE merchants (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, currency TEXT NOT NULL,
    takings INTEGER NOT NULL DEFAULT 0 CHECK (takings >= 0)
);
CREATE TABLE stores (
    id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants(id),
    name TEXT NOT NULL, timezone TEXT NOT NULL, currency TEXT NOT NULL
);
CREATE TABLE customers (
    name TEXT PRIMARY KEY, display_name TEXT NOT NULL, currency TEXT NOT NULL,
    balance INTEGER NOT NULL CHECK (balance >= 0),
    single_limit INTEGER NOT NULL,
    pin_hash TEXT NOT NULL,
    preferred_method TEXT NOT NULL,
    always_step_up INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE customer_merchants (
    customer TEXT NOT NULL REFERENCES customers(name),
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    PRIMARY KEY (customer, merchant_id)
);
CREATE TABLE payment_codes (
    code TEXT PRIMARY KEY, customer TEXT NOT NULL REFERENCES customers(name),
    issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE enrollment_codes (
    code_hash TEXT PRIMARY KEY, store_id TEXT NOT NULL REFERENCES stores(id),
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER, device_id TEXT
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY, store_id TEXT NOT NULL REFERENCES stores(id),
    terminal_name TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE device_keys (
    device_id TEXT NOT NULL REFERENCES devices(id), alg TEXT NOT NULL, public_key BLOB NOT NULL,
    created_at INTEGER NOT NULL, revoked_at INTEGER,
    PRIMARY KEY (device_id, public_key)
);
CREATE TABLE nonces (
    keyid TEXT NOT NULL, nonce TEXT NOT NULL, expires INTEGER NOT NULL,
    PRIMARY KEY (keyid, nonce)
);
CREATE INDEX nonces_expires ON nonces(expires);
CREATE TABLE charges (
    id TEXT PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id),
    store_id TEXT NOT NULL, merchant_id TEXT NOT NULL, customer TEXT,
    idempotency_key TEXT NOT NULL,
    amount INTEGER NOT NULL, currency TEXT NOT NULL, merchant_reference TEXT NOT NULL,
    items_summary TEXT, code_last4 TEXT NOT NULL,
    status TEXT NOT NULL, decline_code TEXT, approval_code TEXT,
    step_up_method TEXT, step_up_expires_at INTEGER, otp TEXT,
    pending_until INTEGER, pending_outcome TEXT,
    refunded_amount INTEGER NOT NULL DEFAULT 0,
    debited INTEGER NOT NULL DEFAULT 0,  -- 1 while the amount sits in the merchant's takings
    created_at INTEGER NOT NULL, business_date TEXT NOT NULL, updated_at INTEGER NOT NULL,
    UNIQUE (device_id, idempotency_key),
    CHECK (refunded_amount >= 0 AND refunded_amount <= amount)
);
CREATE INDEX charges_customer ON charges(customer, created_at);
CREATE INDEX charges_device_date ON charges(device_id, business_date);
CREATE TABLE refunds (
    id TEXT PRIMARY KEY, charge_id TEXT NOT NULL REFERENCES charges(id),
    amount INTEGER NOT NULL CHECK (amount > 0), currency TEXT NOT NULL, reason TEXT,
    created_at INTEGER NOT NULL, business_date TEXT NOT NULL
);
CREATE TABLE idempotency (
    device_id TEXT NOT NULL, scope TEXT NOT NULL, key TEXT NOT NULL,
    request_hash TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, scope, key)
);
"""

# v2: cancel by idempotency key leaves a tombstone when no charge exists under the key yet, so
# that the charge request, if it arrives later, is refused.
SCHEMA_V2 = """
CREATE TABLE key_tombstones (
    device_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, created_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, idempotency_key)
);
"""

# v3: each register's anchored audit heads (POST /v1/devices/audit-anchor), with the receipt the
# wallet signed for each.
SCHEMA_V3 = """
CREATE TABLE audit_anchors (
    device_id TEXT NOT NULL REFERENCES devices(id), seq INTEGER NOT NULL, head_hash TEXT NOT NULL,
    device_signature TEXT NOT NULL, anchored_at TEXT NOT NULL, keyid TEXT NOT NULL,
    receipt_signature TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
);
"""

# v4: the manager's authorization, held by the wallet: each register's manager PIN (argon2id)
# with its failure count and lock-out, the one-time setup tokens (from enrollment) and reset codes
# (from the wallet's admin side) that authorize setting it, the single-use nonces of sealed
# manager PINs, and the wallet's own audit of every manager event.
SCHEMA_V4 = """
CREATE TABLE manager_credentials (
    device_id TEXT PRIMARY KEY REFERENCES devices(id), pin_hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER, updated_at INTEGER NOT NULL
);
CREATE TABLE manager_tokens (
    token_hash TEXT PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id),
    kind TEXT NOT NULL CHECK (kind IN ('setup', 'reset')), issued_by TEXT NOT NULL,
    issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE manager_nonces (
    device_id TEXT NOT NULL, nonce TEXT NOT NULL, used_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE TABLE manager_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL, at INTEGER NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL
);
"""

MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4)
"""MIGRATIONS[i] takes the schema from user_version i to i+1."""

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer sandbox than this one."""


class Database:
    """One SQLite file; hands out a connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._migrate()

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True, timeout=10)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
        return conn

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back entirely if anything raises."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _migrate(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=0o600, exist_ok=True)
        with self.tx() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(f"{self.path} has schema {version}; this sandbox knows {SCHEMA_VERSION}")
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={step + 1}")

    def dump(self, *, exclude: tuple[str, ...] = ("nonces",)) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table (sorted), for tests asserting that nothing changed."""
        conn = self.connection()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {t}")), key=repr)
            for t in sorted(tables)
            if t not in exclude
        }
