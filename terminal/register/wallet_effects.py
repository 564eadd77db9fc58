"""Turns the flow's wallet effects into wallet calls, and every result into a flow event.

It decides nothing about an answer: the wallet client alone says whether an answer is about our
request (signature, binding, charge id, amount, currency, reference), given what the sale
expects. Here each outcome is only mapped: a verified charge answer becomes ``WalletAnswered``;
a verified refusal of the request becomes ``ChargeRefused``; every other failure becomes
``OutcomeUnknown`` and the flow keeps asking ("an unknown outcome is never a decline").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from terminal.crypto.errors import PinFormatError
from terminal.crypto.httpsig import SIGNATURE_LIFETIME
from terminal.crypto.pin import seal_pin
from terminal.domain.flow import (
    Answer, CancelCharge, CancelTooLate, ChargeAbsent, ChargeNotSent, ChargeRefused, ChargeStatus, Decline,
    Event, OutcomeUnknown, PollCharge, ReversalConfirmed, Sale, SendCharge, StepUp, StepUpMethod,
    SubmitStepUp, WalletAnswered,
)
from terminal.domain.money import Money
from terminal.wallet import messages as m
from terminal.wallet.client import Expected, WalletClient
from terminal.wallet.errors import Conflict, NotFound, WalletError, WalletRejected

# A signed request is accepted by the wallet until its ``expires`` (created + the signature
# lifetime) by the wallet's clock; after that, plus a margin for clock estimates, it can never be
# applied.
DEAD_MARGIN = 10.0


class WalletEffects:
    def __init__(
        self,
        client: WalletClient,
        *,
        pin_key: bytes | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self._pin_key = pin_key
        self._clock = clock
        self._last_send: dict[str, float] = {}  # idempotency key -> when we last may have signed it

    def note_sent(self, idempotency_key: str, at: float) -> None:
        """Record that a charge under this key may have been signed as late as ``at`` (recovery:
        the journal's intent time plus the charge timeout)."""
        self._last_send[idempotency_key] = max(at, self._last_send.get(idempotency_key, 0.0))

    def run(self, effect: SendCharge | PollCharge | SubmitStepUp | CancelCharge, sale: Sale) -> Event:
        try:
            if isinstance(effect, SendCharge):
                return self._send(effect, sale)
            if isinstance(effect, PollCharge):
                return self._poll(effect.idempotency_key, effect.charge_id, sale)
            if isinstance(effect, SubmitStepUp):
                return self._step_up(effect, sale)
            return self._cancel(effect, sale)
        except WalletError as exc:
            return OutcomeUnknown(str(exc), self._clock())

    # -- effects --------------------------------------------------------------------------------

    def _send(self, effect: SendCharge, sale: Sale) -> Event:
        request = m.ChargeRequest(
            amount=effect.amount.amount, currency=effect.amount.currency,
            payment_code=effect.code, merchant_reference=effect.reference,
        )
        # The retries inside create_charge sign until the charge timeout has passed.
        self.note_sent(effect.idempotency_key, self._clock() + self.client.timeouts.charge)
        try:
            charge = self.client.create_charge(effect.idempotency_key, request)
        except WalletRejected as exc:
            return ChargeRefused(Decline(exc.code or "request_refused", exc.title), self._clock())
        except WalletError as exc:
            if exc.outcome_unknown:
                raise
            return ChargeNotSent(f"the wallet could not be reached: {exc}", self._clock())
        return self._answered(charge)

    def _poll(self, idempotency_key: str, charge_id: str | None, sale: Sale) -> Event:
        if charge_id is not None:
            return self._answered(self.client.get_charge(charge_id, _expected(sale)))
        charge = self.client.find_charge(idempotency_key, _expected(sale))
        if charge is None:
            return ChargeAbsent(self._request_dead(idempotency_key), self._clock())
        return self._answered(charge)

    def _step_up(self, effect: SubmitStepUp, sale: Sale) -> Event:
        body: m.PinStepUpRequest | m.OtpStepUpRequest
        if effect.method is StepUpMethod.PIN:
            if self._pin_key is None:
                return OutcomeUnknown("no PIN key pinned at enrollment", self._clock())
            try:
                block = seal_pin(effect.secret, effect.charge_id, self._pin_key)
            except PinFormatError as exc:
                # A mistyped PIN is not a crash: nothing is sent and the pad opens again.
                return OutcomeUnknown(str(exc), self._clock())
            body = m.PinStepUpRequest(method="pin", pin_block=block)
        else:
            body = m.OtpStepUpRequest(method="otp", otp=effect.secret)
        try:
            return self._answered(self.client.submit_step_up(effect.charge_id, body, _expected(sale)))
        except WalletRejected as exc:
            # Refused submission (e.g. malformed OTP): the step-up itself goes on.
            return OutcomeUnknown(exc.title, self._clock())

    def _cancel(self, effect: CancelCharge, sale: Sale) -> Event:
        expect = _expected(sale)
        charge_id = effect.charge_id
        try:
            if charge_id is None:
                # We never learnt the charge's id: cancel by our key. Whatever was charged under
                # it is cancelled, and if nothing was, a late request is refused from now on.
                cancelled = self.client.cancel_by_key(effect.idempotency_key, expect)
                if cancelled.charge is None:
                    return ReversalConfirmed(self._clock())
                return self._answered(cancelled.charge)
            return self._answered(self.client.cancel_charge(charge_id, expect))
        except NotFound:
            return ChargeAbsent(self._request_dead(effect.idempotency_key), self._clock())
        except Conflict:
            # Declined already (the answer says so), or approved on an earlier business day
            # (too late to void): the flow gives the money back with a reversal refund instead.
            found = self.client.get_charge(charge_id, expect) if charge_id is not None else \
                self.client.find_charge(effect.idempotency_key, expect)
            if found is None:
                return ChargeAbsent(self._request_dead(effect.idempotency_key), self._clock())
            charge = found
            if charge.status is not m.ChargeStatus.APPROVED:
                return self._answered(charge)
            left = charge.amount - charge.refunded_amount
            if left <= 0:
                return ReversalConfirmed(self._clock())
            return CancelTooLate(charge.id, Money(left, charge.currency), self._clock())

    # -- helpers --------------------------------------------------------------------------------

    def _answered(self, charge: m.ChargeResponse) -> Event:
        return WalletAnswered(self.to_answer(charge), self._clock())

    def to_answer(self, charge: m.ChargeResponse) -> Answer:
        step = None
        if charge.step_up is not None:
            step = StepUp(
                method=StepUpMethod(charge.step_up.method.value),
                deadline=self._local_time(charge.step_up.expires_at),
                attempts_left=charge.step_up.attempts_left,
            )
        decline = Decline(charge.decline.code.value, charge.decline.message) if charge.decline else None
        return Answer(
            status=ChargeStatus(charge.status.value), charge_id=charge.id,
            approval_code=charge.approval_code, decline=decline, step_up=step,
        )

    def _local_time(self, wallet_time: datetime) -> float:
        """A time the wallet stated, on our clock."""
        return wallet_time.timestamp() - (self.client.clock_offset or 0.0)

    def _request_dead(self, idempotency_key: str) -> bool:
        last = self._last_send.get(idempotency_key)
        if last is None:
            return False
        wallet_now = self._clock() + (self.client.clock_offset or 0.0)
        return wallet_now > last + SIGNATURE_LIFETIME + DEAD_MARGIN


def _expected(sale: Sale) -> Expected | None:
    """What an answer about this sale's charge must say (the client checks it)."""
    if sale.amount is None or sale.reference is None:
        return None
    return Expected(sale.amount.amount, sale.amount.currency, sale.reference)
