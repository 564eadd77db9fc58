"""States the journal stores, and the transitions it accepts.

Sale states come from the domain flow (``terminal.domain.flow``): IDLE and AWAITING_CODE are
screen states and never reach the journal; a sale is stored from the moment its intent is
committed (AUTHORIZING). Refunds and voids have their own, smaller life defined here.
"""

from __future__ import annotations

from enum import StrEnum

from terminal.domain.flow import FINAL_STATES, TRANSITIONS, SaleState, StepUpMethod
from terminal.journal.errors import FinalStateError, InvalidTransitionError

__all__ = [
    "AuditAction",
    "OperationKind",
    "OperationState",
    "SaleState",
    "StepUpMethod",
    "FINAL_OPERATION_STATES",
    "STORED_SALE_STATES",
    "check_operation_transition",
    "check_sale_transition",
]

# The domain flow owns the states; the journal stores the ones from AUTHORIZING on.
STORED_SALE_STATES: frozenset[SaleState] = frozenset(SaleState) - {SaleState.IDLE, SaleState.AWAITING_CODE}


def check_sale_transition(current: SaleState, new: SaleState) -> None:
    """Accept what the flow's transition table allows, plus a newer answer in the same
    non-final state (another step-up attempt, a "pending" poll, a reversal retry)."""
    if current in FINAL_STATES:
        raise FinalStateError(f"the sale is already {current.value}; it cannot become {new.value}")
    if new not in STORED_SALE_STATES:
        raise InvalidTransitionError(f"{new.value} is a screen state and is never journalled")
    if new != current and new not in TRANSITIONS[current]:
        raise InvalidTransitionError(f"a sale cannot go from {current.value} to {new.value}")


class OperationKind(StrEnum):
    """A manager's money-back operation on an approved sale, each with its own idempotency key."""

    REFUND = "refund"
    VOID = "void"


class OperationState(StrEnum):
    REQUESTED = "requested"  # intent committed, request about to be sent
    IN_DOUBT = "in_doubt"  # sent, outcome unknown: ask the wallet again with the same key
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (OperationState.SUCCEEDED, OperationState.FAILED)


OPERATION_TRANSITIONS: dict[OperationState, frozenset[OperationState]] = {
    OperationState.REQUESTED: frozenset(
        {OperationState.IN_DOUBT, OperationState.SUCCEEDED, OperationState.FAILED}
    ),
    OperationState.IN_DOUBT: frozenset(
        {OperationState.IN_DOUBT, OperationState.SUCCEEDED, OperationState.FAILED}
    ),
    OperationState.SUCCEEDED: frozenset(),
    OperationState.FAILED: frozenset(),
}


class AuditAction(StrEnum):
    """What an audit entry records. Manager actions are appended by other modules through
    ``Journal.record_manager_action``; add members here rather than using bare strings."""

    SALE_INTENT = "sale.intent"
    SALE_ANSWER = "sale.answer"
    REFUND_INTENT = "refund.intent"
    VOID_INTENT = "void.intent"
    OPERATION_ANSWER = "operation.answer"
    MANAGER_LOGIN = "manager.login"
    MANAGER_LOGIN_FAILED = "manager.login_failed"
    MANAGER_LOCKED_OUT = "manager.locked_out"
    MANAGER_PIN_CHANGED = "manager.pin_changed"
    MANAGER_PIN_RESET = "manager.pin_reset"  # by IT, without the old PIN (`payterm manager-pin reset`)
    MANAGER_SETTINGS_CHANGED = "manager.settings_changed"
    MANAGER_END_OF_DAY = "manager.end_of_day"
    RECOVERY_STARTED = "recovery.started"
    RECOVERY_FINISHED = "recovery.finished"


def check_operation_transition(current: OperationState, new: OperationState) -> None:
    if current.is_final:
        raise FinalStateError(f"the operation is already {current.value}; it cannot become {new.value}")
    if new not in OPERATION_TRANSITIONS[current]:
        raise InvalidTransitionError(f"an operation cannot go from {current.value} to {new.value}")


FINAL_OPERATION_STATES: frozenset[OperationState] = frozenset(s for s in OperationState if s.is_final)
