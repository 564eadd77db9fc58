"""Rows against the audit chain: each sale's and operation's current row must agree with its
latest audit entry (state, amount, currency, charge id / wallet reference), and the manager PIN's
hash, failure count and lock-out time with their latest entries, and each Z close's frozen
figures and the rows it took with the entry that recorded the close. The chain (signed since v6)
cannot be rewritten without the device key, so a row edited by raw SQL is found here.

The manager PIN's argon2 hash is never copied into the log: entries carry ``pin_hash_sha256``, a
SHA-256 of the stored hash text, enough to tell a swapped hash and useless for guessing the PIN.
The failure count and lock-out time are small and not secret; entries carry them as stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field

from terminal.journal.audit import JsonValue, canonical_json
from terminal.journal.closes import members_digest
from terminal.journal.records import BreakKind, ChainBreak
from terminal.journal.states import INTENT_ACTIONS, AuditAction, OperationState, SaleState

PIN_HASH_KEY = "manager_pin_hash"
PIN_FAILURES_KEY = "manager_pin_failures"
PIN_LOCKED_UNTIL_KEY = "manager_pin_locked_until"
# The fields of an entry that record the PIN state after it, and the meta row each describes.
PIN_FIELDS = {"pin_hash_sha256": PIN_HASH_KEY, "pin_failures": PIN_FAILURES_KEY,
              "pin_locked_until": PIN_LOCKED_UNTIL_KEY}

SALE_ACTIONS = {AuditAction.SALE_INTENT.value, AuditAction.SALE_ANSWER.value}
OPERATION_INTENTS = {a.value for a in INTENT_ACTIONS.values()}


def pin_digest(stored_hash: str | None) -> str | None:
    return None if stored_hash is None else hashlib.sha256(stored_hash.encode("utf-8")).hexdigest()


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def pin_snapshot(conn: sqlite3.Connection) -> dict[str, JsonValue]:
    """The manager PIN's state as an entry records it (inside the transaction that changed it)."""
    return {"pin_hash_sha256": pin_digest(_meta(conn, PIN_HASH_KEY)),
            "pin_failures": _meta(conn, PIN_FAILURES_KEY),
            "pin_locked_until": _meta(conn, PIN_LOCKED_UNTIL_KEY)}


def _pin_value(conn: sqlite3.Connection, name: str) -> str | None:
    raw = _meta(conn, PIN_FIELDS[name])
    return pin_digest(raw) if name == "pin_hash_sha256" else raw


@dataclass
class _Expected:
    seq: int
    values: dict[str, object] = field(default_factory=dict)


def _sale_expectation(previous: _Expected | None, seq: int, action: str, d: dict[str, object]) -> _Expected:
    values = dict(previous.values) if previous is not None else {}
    if action == AuditAction.SALE_INTENT.value:
        values = {"state": SaleState.AUTHORIZING.value, "amount": d.get("amount"),
                  "currency": d.get("currency"), "charge_id": None}
    else:
        values["state"] = d.get("state")
        values["charge_id"] = d.get("charge_id")
        for name in ("amount", "currency"):
            if name in d:
                values[name] = d[name]
    return _Expected(seq, values)


def _operation_expectation(previous: _Expected | None, seq: int, action: str, d: dict[str, object]) -> _Expected:
    values = dict(previous.values) if previous is not None else {}
    if action in OPERATION_INTENTS:
        values = {"state": OperationState.REQUESTED.value, "amount": d.get("amount"),
                  "currency": d.get("currency"), "sale_key": d.get("sale"), "wallet_ref": None}
    else:
        values["state"] = d.get("state")
        values["wallet_ref"] = d.get("wallet_ref")
        for name in ("amount", "currency"):
            if name in d:
                values[name] = d[name]
    return _Expected(seq, values)


def _compare(kind: str, key: str, expected: _Expected | None, row: dict[str, object] | None) -> ChainBreak | None:
    if expected is None:
        return ChainBreak(0, BreakKind.ROW_MISMATCH, f"{kind} {key} is in the journal but no audit entry records it")
    if row is None:
        return ChainBreak(expected.seq, BreakKind.ROW_MISMATCH,
                          f"{kind} {key} (audit entry {expected.seq}) was deleted from the journal")
    for name, value in expected.values.items():
        if row.get(name) != value:
            return ChainBreak(expected.seq, BreakKind.ROW_MISMATCH,
                              f"{kind} {key}: {name} is {row.get(name)!r} in its row but {value!r} in its "
                              f"latest audit entry ({expected.seq}): the row was edited")
    return None


def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def check_rows(conn: sqlite3.Connection) -> ChainBreak | None:
    """The first row that disagrees with the (already verified) chain, or None."""
    sales: dict[str, _Expected] = {}
    operations: dict[str, _Expected] = {}
    pin: dict[str, tuple[int, object]] = {}
    closes: dict[int, tuple[int, dict[str, object]]] = {}
    for seq, action, details in conn.execute("SELECT seq, action, details FROM audit ORDER BY seq"):
        d = json.loads(details)
        if not isinstance(d, dict):
            continue
        key = d.get("key")
        if action in SALE_ACTIONS and isinstance(key, str):
            sales[key] = _sale_expectation(sales.get(key), seq, action, d)
        elif (action in OPERATION_INTENTS or action == AuditAction.OPERATION_ANSWER.value) and isinstance(key, str):
            operations[key] = _operation_expectation(operations.get(key), seq, action, d)
        if action == AuditAction.DAY_CLOSED.value and isinstance(d.get("z"), int):
            closes[int(d["z"])] = (seq, d)
        for name in PIN_FIELDS:
            if name in d:
                pin[name] = (seq, d[name])
    sale_rows = {str(r[0]): {"state": r[1], "amount": r[2], "currency": r[3], "charge_id": r[4]}
                 for r in conn.execute("SELECT idempotency_key, state, amount, currency, charge_id FROM sales")}
    for key in sorted(set(sales) | set(sale_rows)):
        broken = _compare("sale", key, sales.get(key), sale_rows.get(key))
        if broken is not None:
            return broken
    if _table_exists(conn, "operations"):
        op_rows = {str(r[0]): {"state": r[1], "amount": r[2], "currency": r[3], "sale_key": r[4], "wallet_ref": r[5]}
                   for r in conn.execute(
                       "SELECT idempotency_key, state, amount, currency, sale_key, wallet_ref FROM operations")}
        for key in sorted(set(operations) | set(op_rows)):
            broken = _compare("refund/void", key, operations.get(key), op_rows.get(key))
            if broken is not None:
                return broken
    return _check_closes(conn, closes) or _check_pin(conn, pin)


def _close_row(conn: sqlite3.Connection, z: int) -> dict[str, object] | None:
    row = conn.execute("SELECT business_day, closed_at, timezone, sale_count, operation_count, first_sale, "
                       "last_sale, figures, members_sha256 FROM day_closes WHERE z_number = ?", (z,)).fetchone()
    if row is None:
        return None
    members = [(str(k), str(v)) for k, v in conn.execute(
        "SELECT kind, key FROM day_close_members WHERE z_number = ?", (z,))]
    return {"day": row[0], "closed_at": row[1], "timezone": row[2], "sales": row[3], "operations": row[4],
            "first_sale": row[5], "last_sale": row[6], "figures": canonical_json(json.loads(row[7])),
            "members_sha256": row[8], "members": members_digest(members)}


def _check_closes(conn: sqlite3.Connection, closes: dict[int, tuple[int, dict[str, object]]]) -> ChainBreak | None:
    """Each Z close's frozen row (and the rows it took) against the audit entry that recorded it."""
    if not _table_exists(conn, "day_closes"):
        return None
    stored = {int(r[0]) for r in conn.execute("SELECT z_number FROM day_closes")}
    for z in sorted(set(closes) | stored):
        if z not in closes:
            return ChainBreak(0, BreakKind.ROW_MISMATCH, f"Z {z} is in the journal but no audit entry records it")
        seq, d = closes[z]
        row = _close_row(conn, z)
        if row is None:
            return ChainBreak(seq, BreakKind.ROW_MISMATCH, f"Z {z} (audit entry {seq}) was deleted from the journal")
        expected = {name: d.get(name) for name in ("day", "closed_at", "timezone", "sales", "operations",
                                                     "first_sale", "last_sale", "members_sha256")}
        expected["figures"] = canonical_json(d.get("figures"))
        expected["members"] = d.get("members_sha256")
        for name, value in expected.items():
            if row[name] != value:
                what = "the sales and refunds it took" if name == "members" else name
                return ChainBreak(seq, BreakKind.ROW_MISMATCH,
                                  f"Z {z}: {what} differ(s) from its audit entry ({seq}): the closed day was edited")
    return None


def _check_pin(conn: sqlite3.Connection, pin: dict[str, tuple[int, object]]) -> ChainBreak | None:
    if not pin:
        # No entry records the PIN state (a journal from before v6): nothing to compare with,
        # unless a PIN appeared that no entry ever mentioned after the keyed log began.
        return None
    for name, (seq, value) in pin.items():
        current = _pin_value(conn, name)
        if current != value:
            what = {"pin_hash_sha256": "the manager PIN hash", "pin_failures": "the wrong-PIN count",
                    "pin_locked_until": "the lock-out time"}[name]
            return ChainBreak(seq, BreakKind.ROW_MISMATCH,
                              f"{what} differs from the one audit entry {seq} recorded: it was changed "
                              "outside PayTerm")
    return None
