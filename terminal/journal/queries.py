"""Reading the journal: recovery lists, history, end-of-day totals.

``Reader`` opens a short-lived query-only connection per call, so it is safe from any thread
and from other processes (``payterm history`` while the register runs).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from terminal.domain.flow import FINAL_STATES
from terminal.crypto.keys import VerifyKey
from terminal.journal.anchor import check_anchor
from terminal.journal.audit import read_head, verify
from terminal.journal.closes import get_close, has_day_closes, list_closes
from terminal.journal.rowcheck import check_rows
from terminal.journal.db import open_read_connection
from terminal.journal.errors import JournalError
from terminal.journal.records import (
    AnchorReceipt,
    ChainVerification,
    CurrencyTotals,
    DayCloseRecord,
    HistoryQuery,
    OperationRecord,
    SaleEntry,
    SaleRecord,
    from_db_time,
    to_db_time,
)
from terminal.journal.states import (
    FINAL_OPERATION_STATES,
    OperationKind,
    OperationState,
    SaleState,
    StepUpMethod,
)

SALE_COLUMNS = (
    "idempotency_key, amount, currency, code_hash, code_last4, merchant_reference, wallet, state, "
    "created_at, updated_at, charge_id, approval_code, decline_code, decline_message, "
    "step_up_method, step_up_expires_at, deadline, cancel_requested"
)
OPERATION_COLUMNS = (
    "o.idempotency_key, o.kind, o.sale_key, s.charge_id, o.amount, o.currency, o.state, o.actor, "
    "o.reason, o.created_at, o.updated_at, o.wallet_ref, o.error_code, o.error_message, o.authorization"
)
_OPERATIONS_FROM = "FROM operations o JOIN sales s ON s.idempotency_key = o.sale_key"


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_db_time(text)


def sale_from_row(row: tuple[Any, ...]) -> SaleRecord:
    (
        key,
        amount,
        currency,
        code_hash,
        last4,
        reference,
        wallet,
        state,
        created,
        updated,
        charge_id,
        approval,
        decline_code,
        decline_message,
        method,
        step_up_expires,
        deadline,
        cancel_requested,
    ) = row
    return SaleRecord(
        idempotency_key=key,
        amount=amount,
        currency=currency,
        code_hash=code_hash,
        code_last4=last4,
        merchant_reference=reference,
        wallet=wallet,
        state=SaleState(state),
        created_at=from_db_time(created),
        updated_at=from_db_time(updated),
        charge_id=charge_id,
        approval_code=approval,
        decline_code=decline_code,
        decline_message=decline_message,
        step_up_method=None if method is None else StepUpMethod(method),
        step_up_expires_at=_time(step_up_expires),
        deadline=_time(deadline),
        cancel_requested=bool(cancel_requested),
    )


def operation_from_row(row: tuple[Any, ...]) -> OperationRecord:
    (
        key,
        kind,
        sale_key,
        charge_id,
        amount,
        currency,
        state,
        actor,
        reason,
        created,
        updated,
        wallet_ref,
        error_code,
        error_message,
        authorization,
    ) = row
    return OperationRecord(
        idempotency_key=key,
        kind=OperationKind(kind),
        sale_key=sale_key,
        charge_id=charge_id,
        amount=amount,
        currency=currency,
        state=OperationState(state),
        actor=actor,
        reason=reason,
        created_at=from_db_time(created),
        updated_at=from_db_time(updated),
        wallet_ref=wallet_ref,
        error_code=error_code,
        error_message=error_message,
        authorization=authorization,
    )


def get_sale(conn: sqlite3.Connection, key: str) -> SaleRecord | None:
    row = conn.execute(f"SELECT {SALE_COLUMNS} FROM sales WHERE idempotency_key = ?", (key,)).fetchone()
    return None if row is None else sale_from_row(row)


def get_operation(conn: sqlite3.Connection, key: str) -> OperationRecord | None:
    row = conn.execute(
        f"SELECT {OPERATION_COLUMNS} {_OPERATIONS_FROM} WHERE o.idempotency_key = ?", (key,)
    ).fetchone()
    return None if row is None else operation_from_row(row)


def operations_for_sale(conn: sqlite3.Connection, sale_key: str) -> list[OperationRecord]:
    rows = conn.execute(
        f"SELECT {OPERATION_COLUMNS} {_OPERATIONS_FROM} WHERE o.sale_key = ? ORDER BY o.created_at, o.rowid",
        (sale_key,),
    )
    return [operation_from_row(r) for r in rows]


def _not_in(values: frozenset[SaleState] | frozenset[OperationState]) -> tuple[str, list[str]]:
    return ", ".join("?" for _ in values), sorted(v.value for v in values)


def unfinished_sales(conn: sqlite3.Connection) -> list[SaleRecord]:
    marks, params = _not_in(FINAL_STATES)
    rows = conn.execute(
        f"SELECT {SALE_COLUMNS} FROM sales WHERE state NOT IN ({marks}) ORDER BY created_at, rowid", params
    )
    return [sale_from_row(r) for r in rows]


def unfinished_operations(conn: sqlite3.Connection) -> list[OperationRecord]:
    marks, params = _not_in(FINAL_OPERATION_STATES)
    rows = conn.execute(
        f"SELECT {OPERATION_COLUMNS} {_OPERATIONS_FROM} WHERE o.state NOT IN ({marks}) "
        "ORDER BY o.created_at, o.rowid",
        params,
    )
    return [operation_from_row(r) for r in rows]


def history(conn: sqlite3.Connection, query: HistoryQuery) -> list[SaleRecord]:
    """Sales matching every given filter, newest first."""
    where: list[str] = []
    params: list[object] = []
    filters: list[tuple[str, object | None]] = [
        ("created_at >= ?", None if query.since is None else to_db_time(query.since)),
        ("created_at < ?", None if query.until is None else to_db_time(query.until)),
        ("amount = ?", query.amount),
        ("currency = ?", query.currency),
        ("code_last4 = ?", query.last4),
        ("merchant_reference = ?", query.reference),
        ("state = ?", None if query.state is None else query.state.value),
    ]
    for clause, value in filters:
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = f"SELECT {SALE_COLUMNS} FROM sales"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY created_at DESC, rowid DESC LIMIT ?"
    params.append(query.limit)
    return [sale_from_row(r) for r in conn.execute(sql, params)]


def totals(conn: sqlite3.Connection, since: datetime, until: datetime) -> list[CurrencyTotals]:
    """Per-currency figures for sales and operations created in [since, until)."""
    span = (to_db_time(since), to_db_time(until))
    sales: dict[str, dict[str, int]] = {}
    for currency, state, count, amount in conn.execute(
        "SELECT currency, state, COUNT(*), SUM(amount) FROM sales "
        "WHERE created_at >= ? AND created_at < ? GROUP BY currency, state",
        span,
    ):
        sales.setdefault(currency, {})[state] = count
        sales[currency][state + ":amount"] = amount
    ops: dict[str, dict[str, int]] = {}
    for currency, kind, count, amount in conn.execute(
        "SELECT currency, kind, COUNT(*), SUM(amount) FROM operations "
        "WHERE created_at >= ? AND created_at < ? AND state = ? GROUP BY currency, kind",
        (*span, OperationState.SUCCEEDED.value),
    ):
        ops.setdefault(currency, {})[kind] = count
        ops[currency][kind + ":amount"] = amount
    result: list[CurrencyTotals] = []
    for currency in sorted(set(sales) | set(ops)):
        s, o = sales.get(currency, {}), ops.get(currency, {})
        result.append(
            CurrencyTotals(
                currency=currency,
                approved_count=s.get(SaleState.APPROVED.value, 0),
                approved_amount=s.get(SaleState.APPROVED.value + ":amount", 0),
                declined_count=s.get(SaleState.DECLINED.value, 0),
                reversed_count=s.get(SaleState.REVERSED.value, 0),
                refunded_count=o.get(OperationKind.REFUND.value, 0),
                refunded_amount=o.get(OperationKind.REFUND.value + ":amount", 0),
                voided_count=o.get(OperationKind.VOID.value, 0),
                voided_amount=o.get(OperationKind.VOID.value + ":amount", 0),
            )
        )
    return result


class Reader:
    """Read-only access to a journal file that may be in use by the register."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(open_read_connection(self.path)) as conn:
            yield conn

    def sale(self, key: str) -> SaleRecord | None:
        with self._connect() as conn:
            return get_sale(conn, key)

    def operation(self, key: str) -> OperationRecord | None:
        with self._connect() as conn:
            return get_operation(conn, key)

    def operations_for_sale(self, sale_key: str) -> list[OperationRecord]:
        with self._connect() as conn:
            return operations_for_sale(conn, sale_key)

    def unfinished_sales(self) -> list[SaleRecord]:
        with self._connect() as conn:
            return unfinished_sales(conn)

    def unfinished_operations(self) -> list[OperationRecord]:
        with self._connect() as conn:
            return unfinished_operations(conn)

    def history(self, query: HistoryQuery) -> list[SaleRecord]:
        with self._connect() as conn:
            return history(conn, query)

    def history_entries(self, query: HistoryQuery) -> list[SaleEntry]:
        """``history`` with each sale's refunds, voids and reversals, from one connection."""
        with self._connect() as conn:
            return [SaleEntry(s, tuple(operations_for_sale(conn, s.idempotency_key))) for s in history(conn, query)]

    def totals(self, since: datetime, until: datetime) -> list[CurrencyTotals]:
        with self._connect() as conn:
            return totals(conn, since, until)

    def day_closes(self, limit: int = 1000) -> list[DayCloseRecord]:
        """The Z closes, newest first, exactly as frozen (none on a journal from before v8)."""
        with self._connect() as conn:
            return list_closes(conn, limit) if has_day_closes(conn) else []

    def day_close(self, z_number: int) -> DayCloseRecord | None:
        with self._connect() as conn:
            return get_close(conn, z_number) if has_day_closes(conn) else None

    def signed_head(self) -> tuple[int, str, str] | None:
        """(seq, hash, signature) of the last audit entry when it is signed."""
        with self._connect() as conn:
            row = conn.execute("SELECT seq, hash, signature FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            return None if row is None or row[2] is None else (int(row[0]), str(row[1]), str(row[2]))

    def audit_head(self) -> tuple[int, str] | None:
        """(seq, hash) of the last audit entry: print it on the end-of-day slip as an outside anchor."""
        with self._connect() as conn:
            return read_head(conn)


def verify_chain(
    path: Path, key: VerifyKey | None = None, *, wallet_keys: Mapping[str, VerifyKey] | None = None,
    device_id: str | None = None, wallet_receipt: AnchorReceipt | None = None,
) -> ChainVerification:
    """Check the audit log of the journal at ``path`` (any schema version with an audit table):
    the chain, every signature (with ``key``, the device's public key), every sale, operation and
    manager-PIN row against its latest entry, and the latest anchor receipt (with ``wallet_keys``,
    the pinned wallet keys). The first break is reported."""
    try:
        with closing(open_read_connection(path, check_version=False)) as conn:
            result = verify(conn, key)
            if result.broken is not None:
                return result
            receipt, after, broken = check_anchor(conn, wallet_keys, device_id, wallet_receipt)
            broken = broken or check_rows(conn)
            return replace(result, broken=broken, anchor=receipt, not_anchored=after,
                           head_hash=None if broken else result.head_hash)
    except sqlite3.DatabaseError as exc:  # not a journal, or no audit table
        raise JournalError(f"{path}: cannot read the audit log: {exc}") from None
