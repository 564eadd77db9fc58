"""The register's journal: every sale and refund, committed before it is sent and before its
answer is shown, so that a crash or power cut never loses or doubles a charge.

Writes go through the single writer thread (``db.Writer``); each public write is one
transaction that also appends its audit entry. Reads use their own connections (``Reader``).
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType

from terminal.crypto.keys import KeySigner, VerifyKey
from terminal.domain.flow import Sale
from terminal.domain.operation import Operation
from terminal.journal.audit import JsonValue, append, append_key_rotation, has_signed_entry
from terminal.journal.day_close import close_day
from terminal.journal.db import Writer
from terminal.journal.errors import FinalStateError, InvalidRecordError, OperationRefused, UnknownRecordError
from terminal.journal.queries import Reader, get_operation, get_sale, operations_for_sale, verify_chain
from terminal.journal.records import (
    AnchorReceipt,
    AuditEntry,
    ChainVerification,
    CodeFingerprint,
    CurrencyTotals,
    DayCloseRecord,
    HistoryQuery,
    OperationRecord,
    SaleRecord,
    to_db_time,
)
from terminal.journal.mapper import balance_of, intent_values, sale_values
from terminal.journal.schema import migrate
from terminal.journal.states import INTENT_ACTIONS, AuditAction, OperationState, SaleState

MIN_CODE_LENGTH = 8  # below this, "last four" would be most of the code


def _details(**values: JsonValue) -> dict[str, JsonValue]:
    return {k: v for k, v in values.items() if v is not None}


def _update(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> None:
    """An UPDATE of a sale or operation row; the schema's triggers refuse to change a final one."""
    try:
        conn.execute(sql, params)
    except sqlite3.IntegrityError as exc:
        if "never changes" in str(exc):
            raise FinalStateError(str(exc)) from None
        raise


class Journal:
    """The owner of a journal file: opens (creating and migrating it if needed) and writes.

    ``signer`` is the register's device key (``terminal.register.setup`` injects it): every audit
    entry is signed with it (one signature per entry). Without one, entries are written unsigned,
    which only tools that run before enrollment and unit tests may do: once a log has a signed
    entry, an unsigned one after it is a break."""

    def __init__(self, path: Path, signer: KeySigner | None = None, *, now: Callable[[], datetime] | None = None,
                 ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._signer = signer
        self._writer = Writer(path)
        try:
            self.migrated_to: list[int] = self._writer.call(migrate)
            salt_hex = self._writer.call(
                lambda c: str(c.execute("SELECT value FROM meta WHERE key = 'code_salt'").fetchone()[0])
            )
            if signer is not None:
                self._start_keyed_chain(now)
        except BaseException:
            self._writer.close()
            raise
        self._salt = bytes.fromhex(salt_hex)
        self.reader = Reader(path)

    def _start_keyed_chain(self, now: Callable[[], datetime] | None) -> None:
        """A log with entries but none signed (written before v6 or before the device key) gets
        a signed ``audit.keyed`` entry now, so that a keyed register's log always has one."""
        def write(conn: sqlite3.Connection) -> None:
            if has_signed_entry(conn) or conn.execute("SELECT 1 FROM audit LIMIT 1").fetchone() is None:
                return
            unsigned = int(conn.execute("SELECT count(*) FROM audit").fetchone()[0])
            at = now() if now is not None else datetime.now(UTC)
            append(conn, at, "register", AuditAction.AUDIT_KEYED, {"unsigned_before": unsigned}, self._signer)
        self._writer.transaction(write)

    @property
    def verify_key(self) -> VerifyKey | None:
        """The device's public key the entries are signed with (None: an unsigned journal)."""
        return None if self._signer is None else VerifyKey.from_signer(self._signer)

    def _append(self, conn: sqlite3.Connection, at: datetime, actor: str, action: AuditAction,
                details: Mapping[str, JsonValue]) -> AuditEntry:
        return append(conn, at, actor, action, details, self._signer)

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
        self, code_hash: str, now: datetime, lifetime: float
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

    def save_sale(self, sale: Sale, at: datetime, actor: str = "register") -> None:
        """Commit the sale as the flow holds it, with its audit entry: its intent (the first save,
        in AUTHORIZING, before the charge is sent) or its new state (before the screen shows it).
        The flow has checked the move; the journal only refuses to change a final sale (a
        trigger) and a first save that is not an intent."""
        values = sale_values(sale)
        key = sale.idempotency_key
        at_text = to_db_time(at)

        def write(conn: sqlite3.Connection) -> None:
            row = conn.execute("SELECT state FROM sales WHERE idempotency_key = ?", (key,)).fetchone()
            if row is None:
                if sale.state is not SaleState.AUTHORIZING:
                    raise UnknownRecordError(f"no sale with idempotency key {key}: its intent comes first")
                intent = intent_values(sale)
                columns = {**intent, **values, "created_at": at_text, "updated_at": at_text}
                names = ", ".join(columns)
                conn.execute(f"INSERT INTO sales ({names}) VALUES ({', '.join('?' for _ in columns)})",
                             tuple(columns.values()))
                self._append(conn, at, "cashier" if actor == "register" else actor, AuditAction.SALE_INTENT,
                             _details(key=key, amount=intent["amount"], currency=intent["currency"],  # type: ignore[arg-type]
                                      last4=sale.last4, reference=sale.reference, wallet=sale.wallet))
                return
            sets = ", ".join(f"{name} = ?" for name in values)
            _update(conn, f"UPDATE sales SET {sets}, updated_at = ? WHERE idempotency_key = ?",
                    (*values.values(), at_text, key))
            self._append(conn, at, actor, AuditAction.SALE_ANSWER, _details(
                key=key, previous=str(row[0]), state=sale.state.value, charge_id=sale.charge_id,
                approval_code=sale.approval_code, decline_code=sale.decline.code if sale.decline else None,
                step_up_method=values["step_up_method"],  # type: ignore[arg-type]
                cancel_requested=True if sale.cancel_requested else None,
                amount=sale.amount.amount if sale.amount else None,
                currency=sale.amount.currency if sale.amount else None,
            ))

        self._writer.transaction(write)

    @staticmethod
    def _sale_in(conn: sqlite3.Connection, key: str) -> SaleRecord:
        sale = get_sale(conn, key)
        if sale is None:
            raise UnknownRecordError(f"no sale with idempotency key {key}")
        return sale

    # --- refunds, voids and reversals ------------------------------------------------------

    def save_operation(self, operation: Operation, at: datetime) -> OperationRecord:
        """Commit a refund, void or reversal as the aggregate holds it, with its audit entry.
        The first save is the intent, committed before the request is sent; inside the same
        transaction the sale's balance is asked whether it may give this much back, so that
        concurrent requests can never give back more than was charged."""
        at_text = to_db_time(at)
        key = operation.key

        def write(conn: sqlite3.Connection) -> OperationRecord:
            existing = get_operation(conn, key)
            if existing is None:
                if operation.state is not OperationState.REQUESTED:
                    raise UnknownRecordError(f"no refund or void with idempotency key {key}: its intent comes first")
                sale = self._sale_in(conn, operation.sale_key)
                allowed = balance_of(sale, operations_for_sale(conn, sale.idempotency_key)).allows(
                    operation.kind, operation.amount)
                if not allowed:
                    raise OperationRefused(allowed)
                conn.execute(
                    "INSERT INTO operations (idempotency_key, kind, sale_key, amount, currency, state, actor, "
                    "reason, created_at, updated_at, authorization) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (key, operation.kind.value, operation.sale_key, operation.amount.amount,
                     operation.amount.currency, operation.state.value, operation.actor, operation.reason,
                     at_text, at_text, operation.authorization),
                )
                self._append(conn, at, operation.actor, INTENT_ACTIONS[operation.kind], _details(
                    key=key, sale=operation.sale_key, amount=operation.amount.amount,
                    currency=operation.amount.currency, reason=operation.reason or None,
                ))
                return self._operation_in(conn, key)
            _update(
                conn,
                "UPDATE operations SET state = ?, updated_at = ?, wallet_ref = ?, error_code = ?, "
                "error_message = ? WHERE idempotency_key = ?",
                (operation.state.value, at_text, operation.wallet_ref, operation.error_code,
                 operation.error_message, key),
            )
            self._append(conn, at, "register", AuditAction.OPERATION_ANSWER, _details(
                key=key, kind=operation.kind.value, previous=existing.state.value, state=operation.state.value,
                wallet_ref=operation.wallet_ref, error_code=operation.error_code,
                amount=operation.amount.amount, currency=operation.amount.currency,
            ))
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
        details: Mapping[str, JsonValue],
        apply: Callable[[sqlite3.Connection], Mapping[str, JsonValue] | None] | None = None,
    ) -> AuditEntry:
        """Append an audit entry, in the same transaction as ``apply`` (the change it records,
        run on the writer thread) when given: both commit or neither does. What ``apply`` returns
        is added to the entry's details (the state after the change, e.g. the manager PIN's)."""

        def write(conn: sqlite3.Connection) -> AuditEntry:
            after = apply(conn) if apply is not None else None
            return self._append(conn, at, actor, action, {**details, **(after or {})})

        return self._writer.transaction(write)

    # --- closing the business day (Z) -------------------------------------------------------

    def close_day(self, day: date, today: date, at: datetime, timezone: str, actor: str = "manager") -> DayCloseRecord:
        """The Z close of ``day``: the rule (``terminal.domain.day_close.can_close``), the frozen
        figures, the next Z number, the rows it takes and its audit entry, in one transaction.
        Raises ``DayCloseRefused`` (with the latest close) when the day may not be closed."""

        def write(conn: sqlite3.Connection) -> DayCloseRecord:
            record, details = close_day(conn, day=day, today=today, at=at, timezone=timezone, actor=actor)
            self._append(conn, at, actor, AuditAction.DAY_CLOSED, details)
            return record

        return self._writer.transaction(write)

    # --- the wallet's anchor of the audit head ---------------------------------------------

    def record_anchor(self, receipt: AnchorReceipt) -> None:
        """Keep the wallet's receipt for an anchored head. It is not an audit entry (which would
        itself be after the anchor): the wallet's signature protects it, and the wallet keeps it."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO audit_anchors (device_id, seq, head_hash, anchored_at, keyid, signature) "
                "VALUES (?,?,?,?,?,?)",
                (receipt.device_id, receipt.seq, receipt.head_hash, receipt.anchored_at, receipt.keyid,
                 receipt.signature))

        self._writer.transaction(write)

    def record_key_rotation(self, old: KeySigner, new: KeySigner, at: datetime, actor: str = "it") -> AuditEntry:
        """The device key is being replaced (after the wallet confirmed the new key, before it is put
        in force): an entry signed by the old key, vouched for by the new one. From here on the
        journal signs with ``new``."""
        entry = self._writer.transaction(lambda conn: append_key_rotation(conn, at, actor, old, new))
        self._signer = new
        return entry

    def signed_head(self) -> tuple[int, str, str] | None:
        """(seq, hash, signature) of the last audit entry, if it is signed: what is anchored."""
        return self.reader.signed_head()

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
        return verify_chain(self.path, key=self.verify_key)
