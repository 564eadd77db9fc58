"""The register's journal: every sale and refund, committed before it is sent and before its
answer is shown, so that a crash or power cut never loses or doubles a charge.

Writes go through the single writer thread (``db.Writer``); each public write is one
transaction that also appends its audit entry. Reads use their own connections (``Reader``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from terminal.domain.money import Money
from terminal.journal import audit
from terminal.journal.db import Writer
from terminal.journal.errors import (
    InvalidRecordError,
    UnknownRecordError,
)
from terminal.journal.queries import Reader, get_operation, get_sale, operations_for_sale, verify_chain
from terminal.journal.records import (
    AuditEntry,
    ChainVerification,
    CodeFingerprint,
    CurrencyTotals,
    HistoryQuery,
    OperationAnswer,
    OperationRecord,
    SaleAnswer,
    SaleRecord,
    to_db_time,
)
from terminal.journal.rules import check_answer, operation_amount
from terminal.journal.schema import migrate
from terminal.journal.states import (
    AuditAction,
    OperationKind,
    OperationState,
    SaleState,
    check_operation_transition,
)

MIN_CODE_LENGTH = 8  # below this, "last four" would be most of the code
DEFAULT_CODE_LIFETIME = 120.0


def new_idempotency_key() -> str:
    """128 random bits, URL-safe base64 (22 characters)."""
    return secrets.token_urlsafe(16)


def _optional_time(value: datetime | None) -> str | None:
    return None if value is None else to_db_time(value)


def _details(**values: audit.JsonValue) -> dict[str, audit.JsonValue]:
    return {k: v for k, v in values.items() if v is not None}


class Journal:
    """The owner of a journal file: opens (creating and migrating it if needed) and writes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._writer = Writer(path)
        try:
            self.migrated_to: list[int] = self._writer.call(migrate)
            salt_hex = self._writer.call(
                lambda c: str(c.execute("SELECT value FROM meta WHERE key = 'code_salt'").fetchone()[0])
            )
        except BaseException:
            self._writer.close()
            raise
        self._salt = bytes.fromhex(salt_hex)
        self.reader = Reader(path)

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- payment codes ---------------------------------------------------------------------

    def fingerprint(self, code: str) -> CodeFingerprint:
        """Keyed hash (HMAC-SHA256, per-register salt) and last four characters of a code.
        The code itself is never stored."""
        if len(code) < MIN_CODE_LENGTH:
            raise InvalidRecordError("too short to be a payment code")
        digest = hmac.new(self._salt, code.encode("utf-8"), hashlib.sha256).hexdigest()
        return CodeFingerprint(hash=digest, last4=code[-4:])

    def code_seen_recently(
        self, code_hash: str, now: datetime, lifetime: float = DEFAULT_CODE_LIFETIME
    ) -> bool:
        """True if this code was read within ``lifetime`` seconds; otherwise remember it (from
        ``now``) and return False. Entries older than the lifetime are purged on the way."""
        now_text = to_db_time(now)
        cutoff = to_db_time(now - timedelta(seconds=lifetime))

        def check(conn: sqlite3.Connection) -> bool:
            conn.execute("DELETE FROM used_codes WHERE first_seen <= ?", (cutoff,))
            if conn.execute("SELECT 1 FROM used_codes WHERE code_hash = ?", (code_hash,)).fetchone():
                return True
            conn.execute(
                "INSERT INTO used_codes (code_hash, first_seen) VALUES (?, ?)", (code_hash, now_text)
            )
            return False

        return self._writer.transaction(check)

    # --- sales -----------------------------------------------------------------------------

    def record_intent(
        self,
        *,
        amount: Money,
        code: CodeFingerprint,
        merchant_reference: str,
        wallet: str,
        created_at: datetime,
        actor: str = "cashier",
    ) -> SaleRecord:
        """Commit a sale in AUTHORIZING with a new idempotency key, before the charge is sent."""
        if amount.amount <= 0:
            raise InvalidRecordError(f"a sale needs a positive amount, got {amount.amount}")
        key = new_idempotency_key()
        at = to_db_time(created_at)

        def write(conn: sqlite3.Connection) -> SaleRecord:
            conn.execute(
                "INSERT INTO sales (idempotency_key, amount, currency, code_hash, code_last4, "
                "merchant_reference, wallet, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    key,
                    amount.amount,
                    amount.currency,
                    code.hash,
                    code.last4,
                    merchant_reference,
                    wallet,
                    SaleState.AUTHORIZING.value,
                    at,
                    at,
                ),
            )
            audit.append(
                conn,
                created_at,
                actor,
                AuditAction.SALE_INTENT,
                _details(
                    key=key,
                    amount=amount.amount,
                    currency=amount.currency,
                    last4=code.last4,
                    reference=merchant_reference,
                    wallet=wallet,
                ),
            )
            return self._sale_in(conn, key)

        return self._writer.transaction(write)

    def record_answer(
        self, idempotency_key: str, answer: SaleAnswer, at: datetime, actor: str = "register"
    ) -> SaleRecord:
        """Commit a wallet answer (or the move to REVERSING) before the screen shows it."""

        def write(conn: sqlite3.Connection) -> SaleRecord:
            sale = self._sale_in(conn, idempotency_key)
            charge_id, approval_code = check_answer(sale, answer)
            conn.execute(
                "UPDATE sales SET state = ?, updated_at = ?, charge_id = ?, approval_code = ?, "
                "decline_code = COALESCE(?, decline_code), decline_message = COALESCE(?, decline_message), "
                "step_up_method = ?, step_up_expires_at = ?, deadline = ?, "
                "cancel_requested = MAX(cancel_requested, ?) WHERE idempotency_key = ?",
                (
                    answer.state.value,
                    to_db_time(at),
                    charge_id,
                    approval_code,
                    answer.decline_code,
                    answer.decline_message,
                    None if answer.step_up_method is None else answer.step_up_method.value,
                    _optional_time(answer.step_up_expires_at),
                    _optional_time(answer.deadline),
                    int(answer.cancel_requested),
                    idempotency_key,
                ),
            )
            audit.append(
                conn,
                at,
                actor,
                AuditAction.SALE_ANSWER,
                _details(
                    key=idempotency_key,
                    previous=sale.state.value,
                    state=answer.state.value,
                    charge_id=charge_id,
                    approval_code=answer.approval_code,
                    decline_code=answer.decline_code,
                    step_up_method=None if answer.step_up_method is None else answer.step_up_method.value,
                    cancel_requested=True if answer.cancel_requested else None,
                ),
            )
            return self._sale_in(conn, idempotency_key)

        return self._writer.transaction(write)

    @staticmethod
    def _sale_in(conn: sqlite3.Connection, key: str) -> SaleRecord:
        sale = get_sale(conn, key)
        if sale is None:
            raise UnknownRecordError(f"no sale with idempotency key {key}")
        return sale

    # --- refunds and voids -----------------------------------------------------------------

    def record_operation_intent(
        self,
        *,
        kind: OperationKind,
        sale_key: str,
        at: datetime,
        actor: str,
        amount: Money | None = None,
        reason: str = "",
    ) -> OperationRecord:
        """Commit a refund (``amount`` required) or void (the whole sale) with its own key,
        before the request is sent. Only APPROVED sales, never more than was charged."""
        key = new_idempotency_key()

        def write(conn: sqlite3.Connection) -> OperationRecord:
            sale = self._sale_in(conn, sale_key)
            value = operation_amount(kind, sale, amount, operations_for_sale(conn, sale_key))
            at_text = to_db_time(at)
            conn.execute(
                "INSERT INTO operations (idempotency_key, kind, sale_key, amount, currency, state, actor, "
                "reason, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    key,
                    kind.value,
                    sale_key,
                    value.amount,
                    value.currency,
                    OperationState.REQUESTED.value,
                    actor,
                    reason,
                    at_text,
                    at_text,
                ),
            )
            action = AuditAction.REFUND_INTENT if kind is OperationKind.REFUND else AuditAction.VOID_INTENT
            audit.append(
                conn,
                at,
                actor,
                action,
                _details(
                    key=key,
                    sale=sale_key,
                    amount=value.amount,
                    currency=value.currency,
                    reason=reason or None,
                ),
            )
            return self._operation_in(conn, key)

        return self._writer.transaction(write)

    def record_operation_answer(
        self, key: str, answer: OperationAnswer, at: datetime, actor: str = "register"
    ) -> OperationRecord:
        def write(conn: sqlite3.Connection) -> OperationRecord:
            operation = self._operation_in(conn, key)
            check_operation_transition(operation.state, answer.state)
            conn.execute(
                "UPDATE operations SET state = ?, updated_at = ?, wallet_ref = COALESCE(?, wallet_ref), "
                "error_code = ?, error_message = ? WHERE idempotency_key = ?",
                (
                    answer.state.value,
                    to_db_time(at),
                    answer.wallet_ref,
                    answer.error_code,
                    answer.error_message,
                    key,
                ),
            )
            audit.append(
                conn,
                at,
                actor,
                AuditAction.OPERATION_ANSWER,
                _details(
                    key=key,
                    kind=operation.kind.value,
                    previous=operation.state.value,
                    state=answer.state.value,
                    wallet_ref=answer.wallet_ref,
                    error_code=answer.error_code,
                ),
            )
            return self._operation_in(conn, key)

        return self._writer.transaction(write)

    @staticmethod
    def _operation_in(conn: sqlite3.Connection, key: str) -> OperationRecord:
        operation = get_operation(conn, key)
        if operation is None:
            raise UnknownRecordError(f"no refund or void with idempotency key {key}")
        return operation

    # --- manager actions -------------------------------------------------------------------

    def record_manager_action(
        self,
        action: AuditAction,
        *,
        actor: str,
        at: datetime,
        details: Mapping[str, audit.JsonValue],
        apply: Callable[[sqlite3.Connection], None] | None = None,
    ) -> AuditEntry:
        """Append an audit entry, in the same transaction as ``apply`` (the change it records,
        run on the writer thread) when given: both commit or neither does."""

        def write(conn: sqlite3.Connection) -> AuditEntry:
            if apply is not None:
                apply(conn)
            return audit.append(conn, at, actor, action, details)

        return self._writer.transaction(write)

    # --- reads -----------------------------------------------------------------------------

    def sale(self, key: str) -> SaleRecord | None:
        return self.reader.sale(key)

    def operation(self, key: str) -> OperationRecord | None:
        return self.reader.operation(key)

    def unfinished_sales(self) -> list[SaleRecord]:
        """Every sale not APPROVED, DECLINED or REVERSED, oldest first: resolve these with the
        wallet (status, then cancel) before taking a new sale."""
        return self.reader.unfinished_sales()

    def unfinished_operations(self) -> list[OperationRecord]:
        return self.reader.unfinished_operations()

    def history(self, query: HistoryQuery) -> list[SaleRecord]:
        return self.reader.history(query)

    def totals(self, since: datetime, until: datetime) -> list[CurrencyTotals]:
        return self.reader.totals(since, until)

    def audit_head(self) -> tuple[int, str] | None:
        return self.reader.audit_head()

    def verify_chain(self) -> ChainVerification:
        return verify_chain(self.path)
