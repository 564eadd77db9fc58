"""The journal's errors: one base class so callers can catch "the journal refused" in one place."""

from __future__ import annotations

from terminal.domain.affordance import Allowed


class JournalError(Exception):
    """Base class of every error the journal raises on purpose."""


class JournalNotFoundError(JournalError):
    """A read-only command was pointed at a journal file that does not exist."""


class SchemaVersionError(JournalError):
    """The file's schema is newer than this program, or too old to read without migrating."""


class InvalidTransitionError(JournalError):
    """A sale or refund was asked to move to a state its current state does not lead to."""


class FinalStateError(InvalidTransitionError):
    """A sale or refund that already ended (APPROVED, DECLINED, REVERSED, ...) was changed."""


class UnknownRecordError(JournalError):
    """No sale or refund with that idempotency key."""


class ChargeMismatchError(JournalError):
    """An answer names a different wallet charge id than the one already recorded for the sale."""


class InvalidRecordError(JournalError):
    """Values that cannot be recorded (naive datetime, missing approval data, bad amount, ...)."""


class OperationRefused(InvalidRecordError):
    """A refund, void or reversal the sale's balance does not allow (``allowed`` says why)."""

    def __init__(self, allowed: Allowed) -> None:
        super().__init__(allowed.detail)
        self.allowed = allowed


class WriterClosedError(JournalError):
    """A write was submitted after the journal was closed."""
