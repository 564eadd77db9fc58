"""Which POS asked: the local Terminal API's requests as the journal keeps them (schema v6).

A POS payment request is stored with the merchant reference that its sale will carry, committed
before the sale can exist: the sale's intent stores that reference in its own transaction, so
the POS's ids (POS key identifier, SaleID, SaleTransactionID) always lead to the sale, also after
a crash. A reversal request is stored with the idempotency key its refund or void will use,
before that operation's intent. Every write appends its audit entry in the same transaction
(through ``Journal.record_manager_action``, the journal's one "change plus audit entry" write).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from terminal.domain.money import Money
from terminal.journal.audit import JsonValue
from terminal.journal.db import open_read_connection
from terminal.journal.queries import SALE_COLUMNS, sale_from_row
from terminal.journal.records import SaleRecord, from_db_time, to_db_time
from terminal.journal.states import AuditAction
from terminal.journal.store import Journal


@dataclass(frozen=True)
class PosRequestRecord:
    pos_key_id: str
    sale_id: str
    sale_transaction_id: str
    pos_name: str
    merchant_reference: str  # the reference the sale carries: the link to the sale's row
    amount: int
    currency: str
    sale_reference_id: str | None
    created_at: datetime
    abort_requested: bool
    refused_code: str | None  # ended before any charge: why (code refused locally, aborted…)
    refused_message: str | None

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


@dataclass(frozen=True)
class PosReversalRecord:
    pos_key_id: str
    sale_id: str
    service_id: str
    pos_name: str
    charge_id: str
    amount: int | None  # None: the whole payment
    currency: str
    operation_key: str  # the idempotency key of the refund or void it asked for
    created_at: datetime
    refused_message: str | None  # refused before any operation was made (and why)


_REQUEST_COLUMNS = (
    "pos_key_id, sale_id, sale_transaction_id, pos_name, merchant_reference, amount, currency, "
    "sale_reference_id, created_at, abort_requested, refused_code, refused_message"
)
_REVERSAL_COLUMNS = (
    "pos_key_id, sale_id, service_id, pos_name, charge_id, amount, currency, operation_key, created_at, "
    "refused_message"
)


def _request(row: tuple[Any, ...]) -> PosRequestRecord:
    (key_id, sale_id, stx, name, reference, amount, currency, srid, created, aborted, code, message) = row
    return PosRequestRecord(key_id, sale_id, stx, name, reference, amount, currency, srid,
                            from_db_time(created), bool(aborted), code, message)


def _reversal(row: tuple[Any, ...]) -> PosReversalRecord:
    (key_id, sale_id, service_id, name, charge_id, amount, currency, op_key, created, refused) = row
    return PosReversalRecord(key_id, sale_id, service_id, name, charge_id, amount, currency, op_key,
                             from_db_time(created), refused)


def _get_request(conn: sqlite3.Connection, key_id: str, sale_id: str, stx: str) -> PosRequestRecord | None:
    row = conn.execute(
        f"SELECT {_REQUEST_COLUMNS} FROM pos_requests WHERE pos_key_id = ? AND sale_id = ? "
        "AND sale_transaction_id = ?", (key_id, sale_id, stx)).fetchone()
    return None if row is None else _request(row)


def _get_reversal(
    conn: sqlite3.Connection, key_id: str, sale_id: str, service_id: str,
) -> PosReversalRecord | None:
    row = conn.execute(
        f"SELECT {_REVERSAL_COLUMNS} FROM pos_reversals "
        "WHERE pos_key_id = ? AND sale_id = ? AND service_id = ?",
        (key_id, sale_id, service_id)).fetchone()
    return None if row is None else _reversal(row)


class PosRequests:
    """The POS side of the journal: writes through the journal's writer, reads on their own."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def _write(self, action: AuditAction, actor: str, at: datetime, details: dict[str, JsonValue],
               apply: Any) -> None:
        self.journal.record_manager_action(action, actor=actor, at=at, details=details, apply=apply)

    # -- payments -------------------------------------------------------------------------------

    def record_request(
        self, *, pos_key_id: str, pos_name: str, sale_id: str, sale_transaction_id: str,
        merchant_reference: str, amount: Money, sale_reference_id: str | None, at: datetime,
    ) -> tuple[PosRequestRecord, bool]:
        """Commit a POS payment request; returns (the row, True) or, when these ids were used
        before, (the first row, False) and nothing is written."""
        found: list[PosRequestRecord] = []

        def apply(conn: sqlite3.Connection) -> None:
            existing = _get_request(conn, pos_key_id, sale_id, sale_transaction_id)
            if existing is not None:
                found.append(existing)
                raise _AlreadyThere
            conn.execute(
                f"INSERT INTO pos_requests ({_REQUEST_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,0,NULL,NULL)",
                (pos_key_id, sale_id, sale_transaction_id, pos_name, merchant_reference, amount.amount,
                 amount.currency, sale_reference_id, to_db_time(at)))

        try:
            self._write(AuditAction.POS_PAYMENT_REQUEST, f"pos:{pos_key_id}", at, {
                "pos": pos_key_id, "sale_id": sale_id, "sale_transaction_id": sale_transaction_id,
                "reference": merchant_reference, "amount": amount.amount, "currency": amount.currency,
            }, apply)
        except _AlreadyThere:
            return found[0], False
        record = self.request(pos_key_id, sale_id, sale_transaction_id)
        assert record is not None  # just committed
        return record, True

    def mark_abort(self, record: PosRequestRecord, at: datetime) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE pos_requests SET abort_requested = 1 WHERE merchant_reference = ?",
                         (record.merchant_reference,))

        self._write(AuditAction.POS_ABORT, f"pos:{record.pos_key_id}", at,
                    {"reference": record.merchant_reference}, apply)

    def mark_refused(self, record: PosRequestRecord, code: str, message: str, at: datetime) -> None:
        """The payment ended before any charge was sent (a refused code, an abort while waiting)."""
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE pos_requests SET refused_code = ?, refused_message = ? "
                "WHERE merchant_reference = ? AND refused_code IS NULL",
                (code, message, record.merchant_reference))

        self._write(AuditAction.POS_PAYMENT_REFUSED, f"pos:{record.pos_key_id}", at,
                    {"reference": record.merchant_reference, "code": code}, apply)

    def request(self, pos_key_id: str, sale_id: str, sale_transaction_id: str) -> PosRequestRecord | None:
        with closing(open_read_connection(self.journal.path)) as conn:
            return _get_request(conn, pos_key_id, sale_id, sale_transaction_id)

    def sale_of(self, record: PosRequestRecord) -> SaleRecord | None:
        """The sale made for this request, if its intent was ever committed."""
        with closing(open_read_connection(self.journal.path)) as conn:
            row = conn.execute(f"SELECT {SALE_COLUMNS} FROM sales WHERE merchant_reference = ? "
                               "ORDER BY created_at LIMIT 1", (record.merchant_reference,)).fetchone()
        return None if row is None else sale_from_row(row)

    def request_for_sale(self, merchant_reference: str) -> PosRequestRecord | None:
        with closing(open_read_connection(self.journal.path)) as conn:
            row = conn.execute(f"SELECT {_REQUEST_COLUMNS} FROM pos_requests WHERE merchant_reference = ?",
                               (merchant_reference,)).fetchone()
        return None if row is None else _request(row)

    def sale_by_charge(self, charge_id: str) -> SaleRecord | None:
        """The sale whose wallet charge is ``charge_id`` (the POITransactionID a POS gives back)."""
        with closing(open_read_connection(self.journal.path)) as conn:
            row = conn.execute(f"SELECT {SALE_COLUMNS} FROM sales WHERE charge_id = ?",
                               (charge_id,)).fetchone()
        return None if row is None else sale_from_row(row)

    # -- reversals ------------------------------------------------------------------------------

    def record_reversal(
        self, *, pos_key_id: str, pos_name: str, sale_id: str, service_id: str, charge_id: str,
        amount: Money | None, currency: str, operation_key: str, at: datetime,
    ) -> tuple[PosReversalRecord, bool]:
        """Commit a POS reversal request before its operation; (the first row, False) on a repeat."""
        found: list[PosReversalRecord] = []

        def apply(conn: sqlite3.Connection) -> None:
            existing = _get_reversal(conn, pos_key_id, sale_id, service_id)
            if existing is not None:
                found.append(existing)
                raise _AlreadyThere
            conn.execute(
                f"INSERT INTO pos_reversals ({_REVERSAL_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,NULL)",
                (pos_key_id, sale_id, service_id, pos_name, charge_id,
                 None if amount is None else amount.amount, currency, operation_key, to_db_time(at)))

        try:
            self._write(AuditAction.POS_REVERSAL_REQUEST, f"pos:{pos_key_id}", at, {
                "pos": pos_key_id, "sale_id": sale_id, "service_id": service_id, "charge_id": charge_id,
                "amount": None if amount is None else amount.amount, "key": operation_key,
            }, apply)
        except _AlreadyThere:
            return found[0], False
        record = self.reversal(pos_key_id, sale_id, service_id)
        assert record is not None
        return record, True

    def mark_reversal_refused(self, record: PosReversalRecord, message: str, at: datetime) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE pos_reversals SET refused_message = ? "
                "WHERE operation_key = ? AND refused_message IS NULL",
                (message, record.operation_key))

        self._write(AuditAction.POS_REVERSAL_REFUSED, f"pos:{record.pos_key_id}", at,
                    {"key": record.operation_key, "why": message}, apply)

    def reversal(self, pos_key_id: str, sale_id: str, service_id: str) -> PosReversalRecord | None:
        with closing(open_read_connection(self.journal.path)) as conn:
            return _get_reversal(conn, pos_key_id, sale_id, service_id)


class _AlreadyThere(Exception):
    """Rolls back the audit entry of a write that found its row already there."""
