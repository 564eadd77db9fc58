"""WalletEffects: the flow's wallet effects as calls to a scripted wallet on 127.0.0.1, and each
result as the right flow event. Time is a hand-moved clock shared by client, effects and stub."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection, Iterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from terminal.crypto import Alg, PinBlockError, PrivateKeySigner, VerifyKey, open_pin
from terminal.domain.flow import (
    AmountEntered, Answer, CancelCharge, ChargeAbsent, ChargeNotSent, ChargeRefused, ChargeStatus, CodeRead, Decline,
    CancelTooLate, OutcomeUnknown, PaymentFlow, PollCharge, ReversalConfirmed, Sale, SaleState, SendCharge, StepUp,
    StepUpEntered, StepUpMethod, SubmitStepUp, WalletAnswered,
)
from terminal.domain.money import Money
from terminal.domain.operation import OperationKind, OperationState
from terminal.journal import AuditEntry, Journal
from terminal.register.operations import Operations
from terminal.crypto.httpsig import SIGNATURE_LIFETIME as REQUEST_LIFETIME
from terminal.register.wallet_effects import DEAD_MARGIN, WalletEffects
from terminal.wallet.client import WalletClient
from tests.walletstub import (
    Clock, Ledger, Refusing, Reply, Script, Seen, WalletStub, charge_json, problem, rfc3339,
)

KEY = "sale-0001-abcdef"
CODE = "281234567890123456"
SALE = Sale(state=SaleState.IN_DOUBT, amount=Money(1200, "JPY"), idempotency_key=KEY, reference="R-0001")
PIN = "90817263"  # long enough not to turn up in a log by chance (ports, times)


@pytest.fixture(scope="module")
def device() -> PrivateKeySigner:
    return PrivateKeySigner.generate(Alg.ED25519)


@pytest.fixture
def clock() -> Clock:
    return Clock(1_760_000_000.0)


def stub_for(device: PrivateKeySigner, clock: Clock, *, ahead: float = 0.0) -> WalletStub:
    """A stub whose clock runs ``ahead`` seconds in front of the register's."""
    return WalletStub(devices={"dev-1": VerifyKey.from_signer(device)}, clock=lambda: clock() + ahead)


@pytest.fixture
def stub(device: PrivateKeySigner, clock: Clock) -> Iterator[WalletStub]:
    with stub_for(device, clock) as server:
        yield server


@pytest.fixture
def client(stub: WalletStub, device: PrivateKeySigner, clock: Clock) -> Iterator[WalletClient]:
    with stub.client(device, clock=clock) as c:
        yield c


@pytest.fixture
def effects(client: WalletClient, stub: WalletStub, clock: Clock) -> WalletEffects:
    return WalletEffects(client, pin_key=stub.pin_public, clock=clock)


# --- charge request and its results ------------------------------------------------------------

def test_a_verified_answer_becomes_wallet_answered(stub: WalletStub, effects: WalletEffects) -> None:
    stub.script = Ledger()
    event = effects.run(SendCharge(KEY, Money(1200, "JPY"), CODE, "R-0001"), SALE)
    assert isinstance(event, WalletAnswered)
    assert (event.answer.status, event.answer.charge_id, event.answer.approval_code) == (
        ChargeStatus.APPROVED, "ch_1", "A1B2C3")


def test_a_signed_refusal_becomes_charge_refused(stub: WalletStub, effects: WalletEffects) -> None:
    stub.script = lambda seen: problem(422, "currency_mismatch", "Currency not accepted")
    event = effects.run(SendCharge(KEY, Money(1200, "JPY"), CODE, "R-0001"), SALE)
    assert isinstance(event, ChargeRefused)
    assert event.decline == Decline("currency_mismatch", "Currency not accepted")


def test_an_unverified_refusal_is_an_unknown_outcome(stub: WalletStub, effects: WalletEffects) -> None:
    stub.script = lambda seen: problem(422, "currency_mismatch", "Currency not accepted", sign=False)
    event = effects.run(SendCharge(KEY, Money(1200, "JPY"), CODE, "R-0001"), SALE)
    assert isinstance(event, OutcomeUnknown) and "not trusted" in event.reason


@pytest.mark.parametrize(("refused", "expected"), [
    (range(1, 100), ChargeNotSent),  # nothing ever reached the wallet: known, nothing charged
    ({2, 3}, OutcomeUnknown),  # the first attempt got through and went silent: may be charged
], ids=["all refused", "silent then refused"])
def test_a_charge_that_never_got_through_is_not_sent(
    stub: WalletStub, device: PrivateKeySigner, clock: Clock, refused: Collection[int], expected: type,
) -> None:
    stub.script = lambda seen: Reply(hang=5, body=charge_json("ch_1"))
    with stub.client(device, transport=Refusing(refused)) as client:
        event = WalletEffects(client, pin_key=None, clock=clock).run(
            SendCharge(KEY, Money(1200, "JPY"), CODE, "R-0001"), SALE)
    assert type(event) is expected


def test_the_step_up_deadline_is_put_on_our_clock(device: PrivateKeySigner, clock: Clock) -> None:
    with stub_for(device, clock, ahead=30) as stub, stub.client(device, clock=clock) as client:
        expires = clock() + 30 + 90  # the wallet's time: 90 s from its now
        step = {"method": "app_confirm", "expires_at": rfc3339(expires), "attempts_left": 3}
        stub.script = lambda seen: Reply(body=charge_json("ch_1", "step_up_required", step_up=step))
        event = WalletEffects(client, pin_key=None, clock=clock).run(PollCharge(KEY, "ch_1"), SALE)
    assert isinstance(event, WalletAnswered) and event.answer.step_up is not None
    assert event.answer.step_up.deadline == pytest.approx(clock() + 90, abs=1)


# --- ChargeAbsent.request_dead -------------------------------------------------------------------

def test_absent_charge_is_dead_only_after_the_signed_request_expired(
    stub: WalletStub, effects: WalletEffects, clock: Clock,
) -> None:
    stub.script = Ledger()  # knows no charge: a signed 404 for our key
    sent = clock()
    effects.note_sent(KEY, sent)
    deadline = sent + REQUEST_LIFETIME + DEAD_MARGIN
    for now, dead in ((sent, False), (deadline - 1, False), (deadline + 1, True)):
        clock.now = now
        event = effects.run(PollCharge(KEY, None), SALE)
        assert event == ChargeAbsent(dead, now)
    assert all(s.query == {"idempotency_key": KEY} for s in stub.seen)


def test_a_key_never_sent_is_never_dead(stub: WalletStub, effects: WalletEffects, clock: Clock) -> None:
    stub.script = Ledger()
    clock.advance(3600)
    assert effects.run(PollCharge("never-sent-key", None), SALE) == ChargeAbsent(False, clock())


def test_a_send_without_answer_counts_from_the_last_moment_it_may_have_been_signed(
    stub: WalletStub, effects: WalletEffects, client: WalletClient, clock: Clock,
) -> None:
    stub.script = lambda seen: Reply(drop=True)  # the classic: connection lost, outcome unknown
    sent = clock()
    assert isinstance(effects.run(SendCharge(KEY, Money(1200, "JPY"), CODE, "R-0001"), SALE), OutcomeUnknown)
    assert len(stub.seen) == client.retry.attempts  # retried with the same key, never answered
    stub.script = Ledger()
    last_signed = sent + client.timeouts.charge
    clock.now = last_signed + REQUEST_LIFETIME + DEAD_MARGIN - 1
    assert effects.run(PollCharge(KEY, None), SALE) == ChargeAbsent(False, clock())
    clock.now = last_signed + REQUEST_LIFETIME + DEAD_MARGIN + 1
    assert effects.run(PollCharge(KEY, None), SALE) == ChargeAbsent(True, clock())


def test_a_wallet_clock_ahead_of_ours_kills_the_request_sooner(device: PrivateKeySigner,
                                                               clock: Clock) -> None:
    """The wallet judges `expires` by its clock: 30 s ahead, our request dies 30 s earlier."""
    with stub_for(device, clock, ahead=30) as stub, stub.client(device, clock=clock) as client:
        stub.script = Ledger()
        effects = WalletEffects(client, pin_key=None, clock=clock)
        sent = clock()
        effects.note_sent(KEY, sent)
        effects.run(PollCharge(KEY, None), SALE)  # any verified answer tells the offset
        assert client.clock_offset == pytest.approx(30, abs=1)
        clock.now = sent + REQUEST_LIFETIME + DEAD_MARGIN - 31
        assert effects.run(PollCharge(KEY, None), SALE) == ChargeAbsent(False, clock())
        clock.now = sent + REQUEST_LIFETIME + DEAD_MARGIN - 29
        assert effects.run(PollCharge(KEY, None), SALE) == ChargeAbsent(True, clock())


def test_cancel_of_an_unknown_charge_is_a_cancel_by_key(stub: WalletStub, effects: WalletEffects) -> None:
    """No charge id known: the register cancels by its key. The wallet has none, so it keeps a
    tombstone and the reversal is confirmed at once; the lost request, arriving late, is refused."""
    stub.script = ledger = Ledger()
    assert isinstance(effects.run(CancelCharge(KEY, None), SALE), ReversalConfirmed)
    assert [(s.method, s.path) for s in stub.seen] == [("POST", "/v1/charges/cancel-by-key")]
    late = effects.run(SendCharge(KEY, Money(1200, "JPY"), CODE, "R-0001"), SALE)
    assert isinstance(late, ChargeRefused) and late.decline.code == "idempotency_key_cancelled"
    assert ledger.charges == {}


def test_cancel_by_key_of_a_charge_that_did_arrive_cancels_it(stub: WalletStub, effects: WalletEffects) -> None:
    stub.script = ledger = Ledger()
    effects.run(SendCharge(KEY, Money(1200, "JPY"), CODE, "R-0001"), SALE)  # the answer we never saw
    event = effects.run(CancelCharge(KEY, None), SALE)
    assert isinstance(event, WalletAnswered) and event.answer.status is ChargeStatus.CANCELLED
    assert ledger.charges[KEY]["status"] == "cancelled"


# --- cancel and its refund fallback ---------------------------------------------------------

def cancel_refused_then(charge: dict[str, object]) -> tuple[list[Seen], Script]:
    """A wallet that refuses to void (409) and then shows ``charge``; refunds succeed."""
    refunds: list[Seen] = []
    refused = problem(409, "cancel_window_passed", "Too late to cancel")

    def script(seen: Seen) -> Reply:
        if seen.path.endswith("/cancel"):
            return refused
        if seen.path.endswith("/refunds"):
            refunds.append(seen)
            asked = seen.json()
            return Reply(status=201, body={
                "id": f"rf_{len(refunds)}", "charge_id": "ch_1", "status": "succeeded",
                "amount": asked["amount"], "currency": asked["currency"],
                "created_at": rfc3339(1_760_000_000),
                "charge_refunded_amount": asked["amount"] + 200})
        return Reply(body=charge)

    return refunds, script


def reversing_journal(tmp_path: Path, clock: Clock) -> Journal:
    """A journal holding SALE as the flow leaves it when it must cancel charge ch_1."""
    journal = Journal(tmp_path / "journal.db")
    at = datetime.fromtimestamp(clock(), UTC)
    intent = replace(SALE, state=SaleState.AUTHORIZING, wallet="PayTerm Sandbox", last4="3456", code_hash="h" * 64)
    journal.save_sale(intent, at)
    journal.save_sale(replace(intent, state=SaleState.REVERSING, charge_id="ch_1", cancel_requested=True), at)
    return journal


def test_cancel_refused_on_an_approved_charge_refunds_the_rest(stub: WalletStub, effects: WalletEffects,
                                                               client: WalletClient, clock: Clock,
                                                               tmp_path: Path) -> None:
    refunds, stub.script = cancel_refused_then(charge_json("ch_1", "approved", refunded=200))
    event = effects.run(CancelCharge(KEY, "ch_1"), SALE)
    assert event == CancelTooLate("ch_1", Money(1000, "JPY"), clock())
    with reversing_journal(tmp_path, clock) as journal:
        ops = Operations(journal, client, timezone="UTC", actor="register", clock=clock)
        assert ops.reverse(KEY, "ch_1", event.left)
        assert ops.reverse(KEY, "ch_1", event.left)  # e.g. the first answer was lost: nothing sent again
        [op] = journal.reader.operations_for_sale(KEY)
        assert op.kind is OperationKind.REVERSAL and op.state is OperationState.SUCCEEDED
        actions = [e.action for e in _audit(journal)]
    assert [s.idempotency_key for s in refunds] == [op.idempotency_key]  # one refund at the wallet
    assert op.idempotency_key != KEY
    # The register's own reversal: the one refund the wallet takes without the manager's PIN.
    assert refunds[0].json() == {"amount": 1000, "currency": "JPY", "reason": "reversal", "reversal": True}
    assert "reversal.intent" in actions and actions[-1] == "operation.answer"
    assert all(s.error is None for s in stub.seen)


def _audit(journal: Journal) -> list[AuditEntry]:
    with closing(sqlite3.connect(journal.path)) as raw:
        rows = raw.execute("SELECT seq, at, actor, action, details, prev_hash, hash FROM audit ORDER BY seq")
        return [AuditEntry(*row) for row in rows]


def test_cancel_refused_on_a_declined_charge_reports_the_decline(stub: WalletStub,
                                                                 effects: WalletEffects) -> None:
    refunds, stub.script = cancel_refused_then(charge_json("ch_1", "declined"))
    event = effects.run(CancelCharge(KEY, "ch_1"), SALE)
    assert isinstance(event, WalletAnswered) and event.answer.status is ChargeStatus.DECLINED
    assert not refunds


def test_cancel_refused_on_a_fully_refunded_charge_needs_no_refund(stub: WalletStub,
                                                                   effects: WalletEffects) -> None:
    refunds, stub.script = cancel_refused_then(charge_json("ch_1", "approved", refunded=1200))
    assert isinstance(effects.run(CancelCharge(KEY, "ch_1"), SALE), ReversalConfirmed)
    assert not refunds


def test_a_failed_refund_leaves_the_reversal_open(stub: WalletStub, effects: WalletEffects,
                                                  client: WalletClient, clock: Clock, tmp_path: Path) -> None:
    refunds, honest = cancel_refused_then(charge_json("ch_1", "approved"))
    busy = {"on": True}
    stub.script = lambda seen: problem(503, "service_unavailable", "Busy") if busy["on"] and seen.path.endswith(
        "/refunds") else honest(seen)
    event = effects.run(CancelCharge(KEY, "ch_1"), SALE)
    assert isinstance(event, CancelTooLate)
    with reversing_journal(tmp_path, clock) as journal:
        ops = Operations(journal, client, timezone="UTC", actor="register", clock=clock)
        assert not ops.reverse(KEY, "ch_1", event.left)
        [op] = journal.reader.operations_for_sale(KEY)
        assert op.state is OperationState.IN_DOUBT
        busy["on"] = False
        assert ops.reverse(KEY, "ch_1", event.left)  # the next try resends the same operation
        [done] = journal.reader.operations_for_sale(KEY)
    assert done.idempotency_key == op.idempotency_key and done.state is OperationState.SUCCEEDED
    assert [s.idempotency_key for s in refunds] == [op.idempotency_key]


# --- PIN step-up -------------------------------------------------------------------------------

def in_step_up(method: StepUpMethod, clock: Clock) -> PaymentFlow:
    flow = PaymentFlow()
    flow.handle(AmountEntered(Money(1200, "JPY"), clock()))
    flow.handle(CodeRead(CODE, "PayTerm Sandbox", "3456", KEY, "R-0001", clock()))
    step = StepUp(method, clock() + 60, 3)
    flow.handle(WalletAnswered(Answer(ChargeStatus.STEP_UP_REQUIRED, "ch_1", step_up=step), clock()))
    assert flow.state is SaleState.STEP_UP
    return flow


def test_the_pin_is_sealed_for_this_charge_and_never_shown(
    stub: WalletStub, effects: WalletEffects, clock: Clock, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    stub.script = lambda seen: Reply(body=charge_json("ch_1", "approved"))
    flow = in_step_up(StepUpMethod.PIN, clock)
    entered = StepUpEntered(PIN, clock())
    out = flow.handle(entered)
    submit = next(e for e in out if isinstance(e, SubmitStepUp))
    event = effects.run(submit, flow.sale)
    after = flow.handle(event)
    assert flow.state is SaleState.APPROVED

    (seen,) = stub.seen
    assert seen.error is None and seen.path == "/v1/charges/ch_1/step-up"
    block = seen.json()["pin_block"]
    assert seen.json()["method"] == "pin"
    assert open_pin(block, "ch_1", stub.pin_private) == PIN  # the wallet opens it for this charge...
    with pytest.raises(PinBlockError):
        open_pin(block, "ch_2", stub.pin_private)  # ...and for no other
    on_the_wire = repr(seen.request.headers).encode() + seen.request.body
    assert PIN.encode() not in on_the_wire

    assert caplog.records  # the capture works: the HTTP stack did log this exchange
    shown = [repr(x) for x in (entered, submit, event, flow.sale, out, after)]
    shown += [caplog.text] + [r.getMessage() + repr(r.args) for r in caplog.records]
    assert not [text for text in shown if PIN in text]


def test_an_otp_is_sent_as_typed(stub: WalletStub, effects: WalletEffects, clock: Clock) -> None:
    stub.script = lambda seen: Reply(body=charge_json("ch_1", "approved"))
    event = effects.run(SubmitStepUp("ch_1", StepUpMethod.OTP, "123456"), SALE)
    assert isinstance(event, WalletAnswered)
    assert stub.seen[0].json() == {"method": "otp", "otp": "123456"}


def test_a_malformed_pin_is_not_sent_and_the_step_up_goes_on(
    stub: WalletStub, effects: WalletEffects, clock: Clock, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    flow = in_step_up(StepUpMethod.PIN, clock)
    submit = next(e for e in flow.handle(StepUpEntered("98a7", clock())) if isinstance(e, SubmitStepUp))
    event = effects.run(submit, flow.sale)
    assert isinstance(event, OutcomeUnknown) and "98a7" not in event.reason and "98a7" not in caplog.text
    flow.handle(event)
    assert flow.state is SaleState.STEP_UP and not flow.sale.step_up_submitting  # the pad is open again
    assert not stub.seen


def test_without_a_pin_key_no_pin_is_sent(stub: WalletStub, client: WalletClient, clock: Clock) -> None:
    effects = WalletEffects(client, pin_key=None, clock=clock)
    event = effects.run(SubmitStepUp("ch_1", StepUpMethod.PIN, PIN), SALE)
    assert isinstance(event, OutcomeUnknown)
    assert not stub.seen
