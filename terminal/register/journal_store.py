"""The runner's ``SaleStore`` on the journal: each flow snapshot that changes what the journal
knows becomes one committed ``record_answer`` (the intent itself is recorded before the code
is handed to the flow, see ``terminal.register.register``)."""

from __future__ import annotations

from datetime import UTC, datetime

from terminal.domain.flow import Decline, Sale, SaleState, StepUp
from terminal.journal.records import SaleAnswer, SaleRecord
from terminal.journal.store import Journal


def _time(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def to_answer(sale: Sale) -> SaleAnswer:
    step = sale.step_up
    return SaleAnswer(
        state=sale.state,
        charge_id=sale.charge_id,
        approval_code=sale.approval_code,
        decline_code=sale.decline.code if sale.decline else None,
        decline_message=sale.decline.message if sale.decline else None,
        step_up_method=step.method if step and sale.state is SaleState.STEP_UP else None,
        step_up_expires_at=_time(step.deadline) if step and sale.state is SaleState.STEP_UP else None,
        deadline=_time(sale.doubt_deadline) if sale.state is SaleState.IN_DOUBT else None,
        cancel_requested=sale.cancel_requested,
    )


def to_sale(record: SaleRecord) -> Sale:
    """A journalled sale as the flow sees it (for recovery after a restart)."""
    step = None
    if record.step_up_method is not None and record.step_up_expires_at is not None:
        step = StepUp(record.step_up_method, record.step_up_expires_at.timestamp(), attempts_left=0)
    decline = Decline(record.decline_code, record.decline_message or "") if record.decline_code else None
    return Sale(
        state=record.state,
        amount=record.money,
        wallet=record.wallet,
        last4=record.code_last4,
        idempotency_key=record.idempotency_key,
        reference=record.merchant_reference,
        charge_id=record.charge_id,
        approval_code=record.approval_code,
        decline=decline,
        step_up=step,
        doubt_deadline=record.deadline.timestamp() if record.deadline else None,
        cancel_requested=record.cancel_requested,
    )


class JournalSaleStore:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._written: dict[str, SaleAnswer] = {}

    def persist(self, sale: Sale, at: float) -> None:
        key = sale.idempotency_key
        if key is None or sale.state in {SaleState.IDLE, SaleState.AWAITING_CODE}:
            return
        answer = to_answer(sale)
        last = self._written.get(key)
        if last is None:
            record = self.journal.sale(key)
            if record is None:
                raise LookupError(f"sale {key} has no intent in the journal")
            last = to_answer(to_sale(record))
        if answer == last:
            return  # nothing the journal keeps has changed (e.g. only the next poll time)
        self.journal.record_answer(key, answer, datetime.fromtimestamp(at, UTC))
        self._written[key] = answer
        if sale.state.is_final:
            self._written.pop(key, None)
