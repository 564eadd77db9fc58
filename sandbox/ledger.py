"""Money movements: every one moves the same amount between a customer's balance and the
merchant's takings, so customer balances + takings never change (the conservation invariant)."""

from __future__ import annotations

import sqlite3

from sandbox.errors import ApiError


class LedgerError(ApiError):
    """A movement the books cannot take (would make a balance negative): a bug, never expected."""

    status = 500


def move_to_merchant(conn: sqlite3.Connection, customer: str, merchant_id: str, amount: int) -> None:
    cur = conn.execute(
        "UPDATE customers SET balance = balance - ? WHERE name = ? AND balance >= ?",
        (amount, customer, amount),
    )
    if cur.rowcount != 1:
        raise LedgerError("internal_error", "customer balance too low for the debit")
    conn.execute("UPDATE merchants SET takings = takings + ? WHERE id = ?", (amount, merchant_id))


def move_to_customer(conn: sqlite3.Connection, customer: str, merchant_id: str, amount: int) -> None:
    cur = conn.execute(
        "UPDATE merchants SET takings = takings - ? WHERE id = ? AND takings >= ?",
        (amount, merchant_id, amount),
    )
    if cur.rowcount != 1:
        raise LedgerError("internal_error", "merchant takings too low for the reversal")
    conn.execute("UPDATE customers SET balance = balance + ? WHERE name = ?", (amount, customer))


def total_money(conn: sqlite3.Connection) -> int:
    """Customer balances + merchant takings (constant for the life of a database)."""
    customers = conn.execute("SELECT COALESCE(SUM(balance), 0) FROM customers").fetchone()[0]
    takings = conn.execute("SELECT COALESCE(SUM(takings), 0) FROM merchants").fetchone()[0]
    return int(customers) + int(takings)
