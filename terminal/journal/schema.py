"""Schema and step-by-step migrations, versioned with ``PRAGMA user_version``.

``MIGRATIONS[i]`` takes a database at version ``i`` to ``i + 1``. Never edit a released step:
append a new one. Each step runs in its own transaction together with its version bump, so a
crash mid-migration leaves the file at the previous version.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable

from terminal.journal.errors import SchemaVersionError

Migration = Callable[[sqlite3.Connection], None]


def _v1_core(conn: sqlite3.Connection) -> None:
    """meta (per-register code salt, audit head), sales, and the append-only audit log."""
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")
    conn.execute("INSERT INTO meta (key, value) VALUES ('code_salt', ?)", (secrets.token_hex(32),))
    conn.execute(
        """CREATE TABLE sales (
            idempotency_key TEXT PRIMARY KEY,
            amount INTEGER NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            code_hash TEXT NOT NULL,
            code_last4 TEXT NOT NULL,
            merchant_reference TEXT NOT NULL,
            wallet TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            charge_id TEXT,
            approval_code TEXT,
            decline_code TEXT,
            decline_message TEXT,
            step_up_method TEXT,
            step_up_expires_at TEXT
        ) STRICT"""
    )
    conn.execute(
        """CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        ) STRICT"""
    )
    # Append-only against the program's own mistakes; raw SQL can drop these, which is what
    # the hash chain is for.
    conn.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    conn.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )


def _v2_operations(conn: sqlite3.Connection) -> None:
    """Refunds and voids as their own rows; the terminal's own deadline on a sale."""
    conn.execute("ALTER TABLE sales ADD COLUMN deadline TEXT")
    conn.execute(
        """CREATE TABLE operations (
            idempotency_key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            sale_key TEXT NOT NULL REFERENCES sales (idempotency_key),
            amount INTEGER NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            state TEXT NOT NULL,
            actor TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            wallet_ref TEXT,
            error_code TEXT,
            error_message TEXT
        ) STRICT"""
    )
    conn.execute("CREATE INDEX operations_sale ON operations (sale_key)")


def _v3_used_codes_and_indexes(conn: sqlite3.Connection) -> None:
    """Used-codes memory, and indexes for the history and recovery queries."""
    conn.execute("CREATE TABLE used_codes (code_hash TEXT PRIMARY KEY, first_seen TEXT NOT NULL) STRICT")
    conn.execute("CREATE INDEX used_codes_first_seen ON used_codes (first_seen)")
    conn.execute("CREATE INDEX sales_created ON sales (created_at)")
    conn.execute("CREATE INDEX sales_state ON sales (state)")
    conn.execute("CREATE INDEX sales_last4 ON sales (code_last4)")
    conn.execute("CREATE INDEX operations_created ON operations (created_at)")


def _v4_cancel_requested(conn: sqlite3.Connection) -> None:
    """The cashier's cancel of a sale still being authorized, so that recovery reverses it too."""
    conn.execute("ALTER TABLE sales ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0")


def _v5_final_rows_are_final(conn: sqlite3.Connection) -> None:
    """A sale or operation that reached its final state never changes again. The domain checks
    every move; this is the store's own floor under the program's mistakes (raw SQL can drop it,
    which is what the audit chain is for)."""
    conn.execute(
        "CREATE TRIGGER sales_final BEFORE UPDATE ON sales "
        "WHEN OLD.state IN ('approved', 'declined', 'reversed') "
        "BEGIN SELECT RAISE(ABORT, 'a final sale never changes'); END"
    )
    conn.execute(
        "CREATE TRIGGER operations_final BEFORE UPDATE ON operations "
        "WHEN OLD.state IN ('succeeded', 'failed') "
        "BEGIN SELECT RAISE(ABORT, 'a final refund or void never changes'); END"
    )


def _v6_pos_requests(conn: sqlite3.Connection) -> None:
    """Which POS asked for which sale and which reversal (the local Terminal API).

    A payment request is committed with the merchant reference its sale will carry *before* the
    sale can exist, so the sale's intent (which stores that reference in the same transaction as
    itself) is always findable from the POS's ids, also after a crash. A reversal request is
    committed with the idempotency key its refund or void will use, before that intent."""
    conn.execute(
        """CREATE TABLE pos_requests (
            pos_key_id TEXT NOT NULL,
            sale_id TEXT NOT NULL,
            sale_transaction_id TEXT NOT NULL,
            pos_name TEXT NOT NULL,
            merchant_reference TEXT NOT NULL UNIQUE,
            amount INTEGER NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            sale_reference_id TEXT,
            created_at TEXT NOT NULL,
            abort_requested INTEGER NOT NULL DEFAULT 0,
            refused_code TEXT,
            refused_message TEXT,
            PRIMARY KEY (pos_key_id, sale_id, sale_transaction_id)
        ) STRICT"""
    )
    conn.execute(
        """CREATE TABLE pos_reversals (
            pos_key_id TEXT NOT NULL,
            sale_id TEXT NOT NULL,
            service_id TEXT NOT NULL,
            pos_name TEXT NOT NULL,
            charge_id TEXT NOT NULL,
            amount INTEGER CHECK (amount IS NULL OR amount > 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            operation_key TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            refused_message TEXT,
            PRIMARY KEY (pos_key_id, sale_id, service_id)
        ) STRICT"""
    )
    conn.execute("CREATE INDEX sales_charge ON sales (charge_id)")  # a reversal names the charge


def _v7_keyed_audit(conn: sqlite3.Connection) -> None:
    """The keyed audit log (issue 10, item 3): each entry's signature by the device key over its
    hash (NULL for entries written before: "unsigned, before the keyed chain"), and the wallet's
    signed receipts for the anchored heads, newest last."""
    conn.execute("ALTER TABLE audit ADD COLUMN signature TEXT")
    conn.execute(
        """CREATE TABLE audit_anchors (
            id INTEGER PRIMARY KEY,
            device_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            head_hash TEXT NOT NULL,
            anchored_at TEXT NOT NULL,
            keyid TEXT NOT NULL,
            signature TEXT NOT NULL
        ) STRICT"""
    )


def _v8_day_closes(conn: sqlite3.Connection) -> None:
    """The Z close (issue 12): each close of a business day with its Z number (consecutive, never
    reused) and its figures frozen as canonical JSON, and which sales and refunds/voids it took
    (a row belongs to at most one close; rows no close took belong to the next). Neither table is
    ever updated or deleted from; the audit entry of each close carries the same values, so an edit
    by raw SQL is found by ``payterm audit verify``."""
    conn.execute(
        """CREATE TABLE day_closes (
            z_number INTEGER PRIMARY KEY CHECK (z_number > 0),
            business_day TEXT NOT NULL UNIQUE,
            closed_at TEXT NOT NULL,
            timezone TEXT NOT NULL,
            actor TEXT NOT NULL,
            sale_count INTEGER NOT NULL,
            operation_count INTEGER NOT NULL,
            first_sale TEXT,
            last_sale TEXT,
            figures TEXT NOT NULL,
            members_sha256 TEXT NOT NULL
        ) STRICT"""
    )
    conn.execute(
        """CREATE TABLE day_close_members (
            kind TEXT NOT NULL CHECK (kind IN ('sale', 'operation')),
            key TEXT NOT NULL,
            z_number INTEGER NOT NULL REFERENCES day_closes (z_number),
            PRIMARY KEY (kind, key)
        ) STRICT"""
    )
    conn.execute("CREATE INDEX day_close_members_z ON day_close_members (z_number)")
    for table in ("day_closes", "day_close_members"):
        for verb in ("UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'a closed day never changes'); END"
            )


def _v9_operation_authorization(conn: sqlite3.Connection) -> None:
    """The manager's authorization sent with a refund or void (issue 10, item 1): the PIN sealed to
    the wallet's key for exactly that operation (ciphertext the register cannot open), kept so
    that a resend after a crash is the same request the manager authorized. NULL for the
    register's own reversals and for operations written before."""
    conn.execute("ALTER TABLE operations ADD COLUMN authorization TEXT")


MIGRATIONS: tuple[Migration, ...] = (
    _v1_core, _v2_operations, _v3_used_codes_and_indexes, _v4_cancel_requested, _v5_final_rows_are_final,
    _v6_pos_requests, _v7_keyed_audit, _v8_day_closes, _v9_operation_authorization,
)
LATEST_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> list[int]:
    """Bring ``conn`` (autocommit mode) up to ``target``; returns the versions reached."""
    current = user_version(conn)
    if current > LATEST_VERSION:
        raise SchemaVersionError(
            f"journal schema version {current} is newer than this program ({LATEST_VERSION})"
        )
    reached: list[int] = []
    for version in range(current, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        reached.append(version + 1)
    return reached
