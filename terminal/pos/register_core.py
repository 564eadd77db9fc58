"""The one real ``PaymentCore`` (terminal/pos/core.py): the local Terminal API over the register.

It lives here, in the POS surface, and imports the register below it; the register knows
nothing of nexo or of POS ids. Like the window, it decides no payment rule: it reads the
current sale's affordances (``accepts_amount``, ``accepts_code``, ``can_cancel``) and the
``Operations`` answers (``can_void``, ``can_refund``), submits events and requests, and reports.

What it keeps, and where (journal schema v6, ``terminal.journal.pos_requests``):

- a payment request is committed with the merchant reference its sale will carry *before* the
  sale can exist; the sale's intent stores that reference in its own transaction. So the POS's
  ids always lead to the sale, after a crash too: no row for the reference means no charge was
  ever sent.
- a reversal request is committed with the idempotency key its refund or void will use, before
  that operation's intent is; a repeat with the same ServiceID finds it and sends nothing new.

Busy is the sale's own answer (``accepts_amount`` refused) or a POS payment of this core still
running; abort is the cashier's cancel (``Register.cancel``); status is read from the journal;
a reversal is a void when ``Operations.can_void`` says so on a whole-payment request, else a
refund; totals come from the journal; diagnosis from doctor's checks.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from terminal.config.loader import LoadedSettings
from terminal.domain.affordance import Why
from terminal.domain.flow import Sale, check_amount
from terminal.domain.paymentcode import Rejection, RejectReason, Symbology
from terminal.journal.errors import JournalError
from terminal.journal.pos_requests import PosRequestRecord, PosRequests, PosReversalRecord
from terminal.journal.records import OperationRecord, SaleRecord
from terminal.journal.states import OperationState, SaleState
from terminal.pos import core as c
from terminal.register.operations import NotAllowed as OperationNotAllowed
from terminal.register.operations import Operations
from terminal.register.register import Register

log = logging.getLogger(__name__)

# A code the POS passed that the register refused before any request: the decline code the
# handlers map to an ErrorCondition (terminal.pos.handlers.DECLINE_CONDITIONS).
LOCAL_DECLINES: dict[RejectReason, str] = {
    RejectReason.NOT_A_PAYMENT_CODE: "not_a_payment_code",
    RejectReason.MALFORMED: "not_a_payment_code",
    RejectReason.NOT_ACCEPTED: "wallet_not_accepted",
    RejectReason.ALREADY_USED: "code_used",
}
_REJECTIONS: dict[str, RejectReason] = {r.value: r for r in RejectReason}
ABORTED = "aborted"
CANCELLED = "cancelled"  # the cashier cancelled before any code was read
INTERRUPTED = "interrupted"
READY_WAIT = 5.0  # how long the sale may take to be ready for a code the POS passed


# The manager authorizes a reversal on PayTerm's side (the window, or the terminal of `payterm
# serve`): asked about ``what``, the manager PIN typed there within ``wait`` s, which the wallet
# checks with the refund or void; None when refused or not answered.
ManagerApproval = Callable[[str, float], str | None]


def refuse_without_manager(what: str, wait: float) -> str | None:
    """Where no manager can be asked (no screen, no terminal): every reversal is refused."""
    return None


@dataclass
class _Running:
    record: PosRequestRecord
    ready: bool = False  # the register's sale took the amount and waits for the code


class RegisterPaymentCore:
    def __init__(
        self,
        register: Register,
        loaded: LoadedSettings,
        *,
        approve: ManagerApproval = refuse_without_manager,
        scanner_ok: Callable[[], bool] = lambda: True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.register = register
        self.loaded = loaded
        self.requests = PosRequests(register.journal)
        self.approve = approve  # who authorizes reversals: the surface running the API may swap it
        self._scanner_ok = scanner_ok
        self._clock = clock or register.now
        self._zone = ZoneInfo(register.enrollment.timezone)
        self._lock = threading.Lock()
        self._running: _Running | None = None
        self._recovering = threading.Event()

    # -- start-up -------------------------------------------------------------------------------

    def recover(self) -> list[Sale]:
        """Resolve every sale and operation left unfinished by an earlier run (returned, as they
        ended); payments are refused as Busy meanwhile, and status reports such a sale
        IN_PROGRESS until it ends."""
        self._recovering.set()
        try:
            return self.register.recover()
        finally:
            self._recovering.clear()

    def recover_in_background(self) -> threading.Thread:
        """``recover`` on its own thread, payments refused as Busy from this call on."""
        self._recovering.set()
        thread = threading.Thread(target=self.recover, name="payterm-recovery", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self.register.close()

    # -- payments -------------------------------------------------------------------------------

    def start_payment(self, order: c.PaymentOrder, wait: float) -> c.PaymentOutcome:
        ref = order.ref
        with self._lock:
            existing = self.requests.request(ref.pos.key_identifier, ref.sale_id, ref.sale_transaction_id)
            if existing is not None:
                return self._outcome(existing)
            if self._recovering.is_set() or self.register.journal.unfinished_sales():
                # Recovery (here, or the window's) resolves these first, one by one.
                raise c.Busy("the register is finishing payments left open by a restart; try again shortly")
            if self._running_record() is not None:
                raise c.Busy("another payment is running at this register")
            allowed = self.register.sale.accepts_amount()
            if not allowed:
                raise c.Busy(allowed.detail)
            if order.amount.currency != self.loaded.settings.register.currency:
                raise c.NotAllowed(f"this register takes {self.loaded.settings.register.currency} only",
                                   Why.WRONG_CURRENCY.value)
            amount_ok = check_amount(order.amount)
            if not amount_ok:
                raise c.NotAllowed(amount_ok.detail, amount_ok.why.value if amount_ok.why else None)
            record = self._record(order)
            self.register.next_sale()  # a finished sale makes way for an empty one (else: no-op)
            before = self.register.sale
            started = self.register.start_sale(order.amount, reference=record.merchant_reference)
            if not started:  # the cashier began a payment in between, or the register's maximum
                why = started.why.value if started.why else "busy"
                self.requests.mark_refused(record, why, started.detail, self._now())
                if started.why is Why.BUSY:
                    raise c.Busy(started.detail, why)
                raise c.NotAllowed(started.detail, why)
            running = self._running = _Running(record)
            # Once the register has taken the amount (whatever came after: a code, the cashier's
            # cancel), what the sale answers is about this payment.
            running.ready = self.register.wait_change(before, READY_WAIT) is not before
        if order.code is not None:
            self._read_given_code(record, order.code)
        return self._wait(record, wait)

    def _record(self, order: c.PaymentOrder) -> PosRequestRecord:
        ref = order.ref
        try:
            record, _ = self.requests.record_request(
                pos_key_id=ref.pos.key_identifier, pos_name=ref.pos.name, sale_id=ref.sale_id,
                sale_transaction_id=ref.sale_transaction_id,
                merchant_reference=order.merchant_reference or self._new_reference(),
                amount=order.amount, sale_reference_id=order.sale_reference_id, at=self._now(),
            )
        except JournalError as exc:
            raise c.Unavailable(f"the journal cannot record the request: {exc}") from None
        return record

    def _new_reference(self) -> str:
        name = "".join(ch for ch in self.register.register_name if ch.isalnum() or ch in "-_")[:20]
        name = name or "register"
        return f"{name}-pos-{datetime.fromtimestamp(self._clock(), UTC):%Y%m%d%H%M%S}-{secrets.token_hex(4)}"

    def _read_given_code(self, record: PosRequestRecord, code: str) -> None:
        """Hand the register the code the POS's own scanner read, once the sale waits for one."""
        rejection = self.register.code_read(code, Symbology.KEYED, reference=record.merchant_reference)
        if rejection is None:
            return
        self._end_before_charge(record, rejection)

    def _end_before_charge(self, record: PosRequestRecord, rejection: Rejection) -> None:
        # Kept as the register's own reason; ``_outcome`` gives the POS its decline code.
        self.requests.mark_refused(record, rejection.reason.value, rejection.message, self._now())
        self.register.cancel()  # nothing was sent: the sale goes back to idle

    def _wait(self, record: PosRequestRecord, wait: float) -> c.PaymentOutcome:
        outcome = self._outcome(record)
        deadline = self._clock() + wait
        seen = self.register.sale
        while not outcome.final:
            left = deadline - self._clock()
            if left <= 0:
                break
            seen = self.register.wait_change(seen, min(left, 1.0))
            outcome = self._outcome(record)
        return outcome

    def _running_record(self) -> PosRequestRecord | None:
        """The POS payment still under way at this register, if any (caller holds the lock)."""
        running = self._running
        if running is None:
            return None
        if self._outcome(running.record).final:
            self._running = None
            return None
        return running.record

    def abort(self, ref: c.SaleRef) -> c.PaymentOutcome:
        record = self._known(ref)
        outcome = self._outcome(record)
        if outcome.final:
            raise c.NotAllowed("the payment has already finished: send a reversal to give it back")
        self.requests.mark_abort(record, self._now())
        with self._lock:
            running = self._running
        sale = self.register.sale
        if running is not None and running.record.merchant_reference == record.merchant_reference:
            if sale.reference is None:
                # Before a code was read nothing was sent: the sale ends here. Should a code have
                # been read meanwhile, its sale exists and its own verdict wins (``_outcome``).
                self.requests.mark_refused(record, ABORTED, "aborted by the POS", self._now())
            allowed = self.register.cancel()
            if not allowed:
                log.info("abort of %s: %s", record.merchant_reference, allowed.detail)
        return self._outcome(self._known(ref))

    def status(self, ref: c.SaleRef) -> c.PaymentOutcome:
        return self._outcome(self._known(ref))

    def _known(self, ref: c.SaleRef) -> PosRequestRecord:
        record = self.requests.request(ref.pos.key_identifier, ref.sale_id, ref.sale_transaction_id)
        if record is None:
            raise c.NotFound(f"no payment with SaleTransactionID {ref.sale_transaction_id} from this POS")
        return record

    def _sale_for(self, record: PosRequestRecord) -> Sale | SaleRecord | None:
        current = self.register.sale
        if current.reference == record.merchant_reference and current.idempotency_key is not None:
            return current
        return self.requests.sale_of(record)

    def _outcome(self, record: PosRequestRecord) -> c.PaymentOutcome:
        """Where the request stands, from the sale made for it (whose verdict always wins), else
        from what the journal says ended it before any charge."""
        record = self.requests.request(record.pos_key_id, record.sale_id, record.sale_transaction_id) or record
        base = c.PaymentOutcome(c.PaymentStatus.IN_PROGRESS, record.money, record.created_at,
                                reference=record.merchant_reference)
        sale = self._sale_for(record)
        if sale is None:
            if record.refused_code == ABORTED:
                return _replace(base, status=c.PaymentStatus.CANCELLED, aborted=True,
                                message=record.refused_message)
            if record.refused_code == CANCELLED:
                return _replace(base, status=c.PaymentStatus.CANCELLED, message=record.refused_message)
            if record.refused_code is not None:
                reason = _REJECTIONS.get(record.refused_code)
                local = LOCAL_DECLINES.get(reason, record.refused_code) if reason else record.refused_code
                return _replace(base, status=c.PaymentStatus.DECLINED, decline_code=local,
                                message=record.refused_message, rejected=reason.value if reason else None)
            running = self._running
            if running is not None and running.record.merchant_reference == record.merchant_reference:
                if running.ready and not self.register.sale.accepts_code() and self._sale_for(record) is None:
                    # The sale no longer waits for a code yet made no sale row: the cashier cancelled
                    # it on the window. (A code read commits the sale before the register shows it, so
                    # asking for the sale again after the affordance cannot miss one.)
                    self.requests.mark_refused(record, CANCELLED, "cancelled at the register", self._now())
                    return _replace(base, status=c.PaymentStatus.CANCELLED, message="cancelled at the register")
                return base
            # Taken by an earlier run that ended before any code was read: nothing was charged.
            return _replace(base, status=c.PaymentStatus.CANCELLED, aborted=record.abort_requested,
                            message="interrupted before any charge: nothing was charged")
        state = sale.state
        wallet = sale.wallet
        last4 = sale.last4 if isinstance(sale, Sale) else sale.code_last4
        base = _replace(base, wallet=wallet, code_last4=last4, charge_id=sale.charge_id,
                        idempotency_key=sale.idempotency_key)
        if not state.is_final:
            return base
        if state is SaleState.APPROVED:
            approved = _replace(base, status=c.PaymentStatus.APPROVED, approval_code=sale.approval_code)
            return _replace(approved, receipt_lines=self._receipt(approved))
        if state is SaleState.DECLINED:
            code, message = _decline(sale)
            if record.abort_requested and code == "cancelled":
                return _replace(base, status=c.PaymentStatus.CANCELLED, aborted=True, decline_code=code,
                                message="aborted by the POS")
            return _replace(base, status=c.PaymentStatus.DECLINED, decline_code=code, message=message)
        if record.abort_requested:
            return _replace(base, status=c.PaymentStatus.CANCELLED, aborted=True,
                            message="aborted by the POS: cancelled at the wallet, nothing charged")
        return _replace(base, status=c.PaymentStatus.REVERSED,
                        message="the outcome was unknown and the payment was reversed: nothing charged")

    def _receipt(self, outcome: c.PaymentOutcome) -> tuple[str, ...]:
        e = self.register.enrollment
        when = outcome.created_at.astimezone(self._zone)
        return (
            e.merchant_name, e.store_name, f"{when:%Y-%m-%d %H:%M}",
            "お支払い / Payment", outcome.amount.format(),
            f"{outcome.wallet or ''} ****{outcome.code_last4 or ''}",
            f"承認番号 / Approval: {outcome.approval_code or ''}",
            f"取引番号 / Transaction: {outcome.charge_id or ''}",
        )

    # -- reversals ------------------------------------------------------------------------------

    def _operations(self, pos: c.PosIdentity, key: str) -> Operations:
        """The register's refund and void rules, acting for this POS under a key the journal
        already links to its request."""
        reg = self.register
        return Operations(reg.journal, reg.client, timezone=reg.enrollment.timezone,
                          actor=f"pos:{pos.key_identifier}", clock=self._clock, ids=lambda: key,
                          manager=reg.manager_pin())

    def reverse(self, order: c.ReversalOrder, wait: float) -> c.ReversalOutcome:
        record = self.requests.reversal(order.pos.key_identifier, order.sale_id, order.service_id)
        if record is not None:
            done = self._reversal_outcome(record)
            if done is not None:
                return done
        sale = self.requests.sale_by_charge(order.charge_id)
        if sale is None:
            raise c.NotFound(f"no payment {order.charge_id} at this register")
        if record is None:
            record, _ = self.requests.record_reversal(
                pos_key_id=order.pos.key_identifier, pos_name=order.pos.name, sale_id=order.sale_id,
                service_id=order.service_id, charge_id=order.charge_id, amount=order.amount,
                currency=sale.currency, operation_key=secrets.token_urlsafe(16), at=self._now(),
            )
        ops = self._operations(order.pos, record.operation_key)
        void = order.amount is None and bool(ops.can_void(sale))
        asked = order.amount if order.amount is not None else ops.left_to_refund(sale)
        allowed = ops.can_refund(sale, order.amount) if not void else ops.can_void(sale)
        if not allowed:
            return self._refuse(record, allowed.detail)
        what = (f"{'void' if void else 'refund'} {asked.format()} of {sale.money.format()} "
                f"(charge {sale.charge_id}, asked by POS {order.pos.name})")
        pin = self.approve(what, wait)
        if pin is None:
            return self._refuse(record, "the manager did not authorize the reversal")
        try:
            result = ops.void(sale, manager_pin=pin) if void else ops.refund(
                sale, order.amount, order.reason, manager_pin=pin)
            del pin
        except OperationNotAllowed as exc:
            return self._refuse(record, str(exc))
        except JournalError as exc:
            raise c.Unavailable(f"the journal cannot record the reversal: {exc}") from None
        if result.operation.idempotency_key != record.operation_key:
            # A void already made for this sale (by the window, the CLI or another POS).
            return _reversal_of(result.operation)
        done = self._reversal_outcome(record)
        if done is None:
            raise c.Unavailable("the wallet's answer is not known yet: ask TransactionStatus again shortly")
        return done

    def _refuse(self, record: PosReversalRecord, why: str) -> c.ReversalOutcome:
        self.requests.mark_reversal_refused(record, why, self._now())
        raise c.NotAllowed(why)

    def _reversal_outcome(self, record: PosReversalRecord) -> c.ReversalOutcome | None:
        if record.refused_message is not None:
            raise c.NotAllowed(record.refused_message)
        op = self.register.journal.operation(record.operation_key)
        if op is None:
            return None
        if op.state is OperationState.SUCCEEDED:
            return _reversal_of(op)
        if op.state is OperationState.FAILED:
            raise c.NotAllowed(op.error_message or op.error_code or "the wallet refused the reversal")
        return None

    def reversal_status(self, pos: c.PosIdentity, sale_id: str, service_id: str) -> c.ReversalOutcome | None:
        record = self.requests.reversal(pos.key_identifier, sale_id, service_id)
        if record is None:
            raise c.NotFound(f"no reversal with ServiceID {service_id} from this POS")
        return self._reversal_outcome(record)

    # -- totals and diagnosis -------------------------------------------------------------------

    def totals(self, day: date | None) -> c.Totals:
        the_day = day or datetime.fromtimestamp(self._clock(), self._zone).date()
        since = datetime.combine(the_day, dtime(0), self._zone)
        until = datetime.combine(the_day + timedelta(days=1), dtime(0), self._zone)
        lines: list[c.TotalsLine] = []
        for t in self.register.journal.totals(since, until):
            if t.approved_count:
                lines.append(c.TotalsLine(t.currency, "Debit", t.approved_count, t.approved_amount))
            if t.refunded_count or t.voided_count:
                lines.append(c.TotalsLine(t.currency, "Credit", t.refunded_count + t.voided_count,
                                          t.refunded_amount + t.voided_amount))
        return c.Totals(the_day, tuple(lines), the_day.strftime("%Y%m%d"))

    def diagnosis(self) -> c.Diagnosis:
        from terminal.register import doctor  # its camera check loads OpenCV: not on a sale's path

        settings = self.loaded.settings
        key = doctor.check_device_key(settings)[0]
        wallet, probe = doctor.check_wallet(settings, self.register.enrollment)
        clock = doctor.check_clock(probe) if probe is not None else None
        with self._lock:
            busy = self._running_record() is not None or not self.register.sale.accepts_amount()
        details = {r.check.value: r.detail for r in (key, wallet, clock) if r is not None}
        return c.Diagnosis(
            wallet_reachable=wallet.status is not doctor.CheckStatus.FAIL,
            clock_ok=clock is not None and clock.status is not doctor.CheckStatus.FAIL,
            key_ok=key.status is doctor.CheckStatus.OK,
            scanner_ok=self._scanner_ok(),
            busy=busy,
            details=details,
        )

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)


def _replace(outcome: c.PaymentOutcome, **changes: object) -> c.PaymentOutcome:
    return replace(outcome, **changes)  # type: ignore[arg-type]


def _decline(sale: Sale | SaleRecord) -> tuple[str | None, str | None]:
    if isinstance(sale, Sale):
        return (sale.decline.code, sale.decline.message) if sale.decline else (None, None)
    return sale.decline_code, sale.decline_message


def _reversal_of(op: OperationRecord) -> c.ReversalOutcome:
    return c.ReversalOutcome(op.money, op.wallet_ref or op.idempotency_key, op.created_at)


def _check_protocol(core: RegisterPaymentCore) -> c.PaymentCore:
    return core  # mypy checks that the adapter implements the Protocol
