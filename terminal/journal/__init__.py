"""The register's transaction journal: SQLite (WAL, synchronous=FULL, one writer thread),
sales and refunds committed before they are sent, recovery lists, history and end-of-day
totals, and the hash-chained audit log. See docs/journal.md."""

from terminal.journal.errors import (
    ChargeMismatchError,
    FinalStateError,
    InvalidRecordError,
    InvalidTransitionError,
    JournalError,
    OperationRefused,
    JournalNotFoundError,
    SchemaVersionError,
    UnknownRecordError,
    WriterClosedError,
)
from terminal.journal.queries import Reader, verify_chain
from terminal.journal.records import (
    AuditEntry,
    BreakKind,
    ChainBreak,
    ChainVerification,
    CodeFingerprint,
    CurrencyTotals,
    HistoryQuery,
    OperationRecord,
    SaleEntry,
    SaleRecord,
)
from terminal.journal.states import AuditAction, OperationKind, OperationState, SaleState, StepUpMethod
from terminal.journal.store import Journal

__all__ = [
    "AuditAction",
    "AuditEntry",
    "BreakKind",
    "ChainBreak",
    "ChainVerification",
    "ChargeMismatchError",
    "CodeFingerprint",
    "CurrencyTotals",
    "FinalStateError",
    "HistoryQuery",
    "InvalidRecordError",
    "InvalidTransitionError",
    "Journal",
    "JournalError",
    "JournalNotFoundError",
    "OperationRefused",
    "OperationKind",
    "OperationRecord",
    "OperationState",
    "Reader",
    "SaleEntry",
    "SaleRecord",
    "SaleState",
    "SchemaVersionError",
    "StepUpMethod",
    "UnknownRecordError",
    "WriterClosedError",
    "verify_chain",
]
