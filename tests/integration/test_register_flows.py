"""The register's whole payment flow against the sandbox wallet over real HTTP on 127.0.0.1:
every outcome, every decline code and every step-up method, checked on screen (the final Sale),
in the journal and at the wallet."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from terminal.domain.flow import Sale, SaleState
from terminal.domain.money import Money
from terminal.domain.paymentcode import RejectReason, Symbology
from terminal.register import wallet_effects
from terminal.register.register import Register
from terminal.wallet.messages import ChargeList, ChargeStatus
from tests.register_fixtures import make_register, pay
from tests.sandbox_fixtures import RunningSandbox


def wallet_charge(reg: Register, sale: Sale) -> object:
    assert sale.idempotency_key is not None
    return reg.client.find_charge(sale.idempotency_key)


def journalled(reg: Register, sale: Sale) -> SaleState:
    assert sale.idempotency_key is not None
    record = reg.journal.sale(sale.idempotency_key)
    assert record is not None
    return record.state


def customer_state(sandbox: RunningSandbox, name: str) -> dict[str, object]:
    return httpx.get(f"{sandbox.url}/wallet/{name}/state", timeout=5).json()


def answer_in_app(sandbox: RunningSandbox, name: str, decision: str) -> None:
    """The customer presses Approve / Reject on their wallet page."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pending = customer_state(sandbox, name)["step_ups"]
        if pending:
            charge_id = pending[0]["charge_id"]  # type: ignore[index]
            r = httpx.post(f"{sandbox.url}/wallet/{name}/step-ups/{charge_id}", json={"decision": decision}, timeout=5)
            r.raise_for_status()
            return
        time.sleep(0.1)
    raise AssertionError("no step-up reached the customer's wallet page")


def test_approved_everywhere(register: Register, sandbox_server: RunningSandbox) -> None:
    sale = pay(register, 1200, sandbox_server.payment_code("alice"))
    assert sale.state is SaleState.APPROVED and sale.approval_code and sale.charge_id
    assert journalled(register, sale) is SaleState.APPROVED
    charge = register.client.get_charge(sale.charge_id)
    assert charge.status is ChargeStatus.APPROVED and charge.amount == 1200
    assert sale.wallet == "PayTerm Sandbox" and sale.last4 and len(sale.last4) == 4


@pytest.mark.parametrize(("amount", "customer", "code"), [
    (1101, "alice", "insufficient_funds"),
    (1102, "alice", "limit_exceeded"),
    (1103, "alice", "account_locked"),
    (500, "carol", "account_locked"),
    (5000, "bob", "insufficient_funds"),
])
def test_declines(register: Register, sandbox_server: RunningSandbox, amount: int, customer: str, code: str) -> None:
    sale = pay(register, amount, sandbox_server.payment_code(customer))
    assert sale.state is SaleState.DECLINED and sale.decline is not None and sale.decline.code == code
    assert sale.decline.message
    assert journalled(register, sale) is SaleState.DECLINED


def test_unknown_code_declined(register: Register) -> None:
    sale = pay(register, 300, "991234567890123456")
    assert sale.state is SaleState.DECLINED and sale.decline and sale.decline.code == "unknown_code"


def test_code_used_at_the_wallet(sandbox_server: RunningSandbox, register: Register, tmp_path: Path) -> None:
    """Another register already spent this code: this register has never seen it, the wallet has."""
    code = sandbox_server.payment_code("alice")
    other = make_register(tmp_path / "other", sandbox_server)
    try:
        assert pay(other, 100, code).state is SaleState.APPROVED
    finally:
        other.close()
    sale = pay(register, 100, code)
    assert sale.state is SaleState.DECLINED and sale.decline and sale.decline.code == "code_used"


def test_code_used_twice_here_is_refused_before_any_request(register: Register, sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.payment_code("alice")
    assert pay(register, 100, code).state is SaleState.APPROVED
    register.start_sale(register.sale.amount)  # type: ignore[arg-type]
    register.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=5)
    rejection = register.code_read(code, Symbology.QR_CODE)
    assert rejection is not None and rejection.reason is RejectReason.ALREADY_USED
    assert "refresh" in rejection.message


def test_code_expired(register: Register, sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.payment_code("alice")
    sandbox_server.set_faults(clock_offset_s=90)  # the wallet's clock moves past the code's 60 s
    sale = pay(register, 100, code)
    assert sale.state is SaleState.DECLINED and sale.decline and sale.decline.code == "code_expired"


def test_currency_not_supported(register: Register, sandbox_server: RunningSandbox) -> None:
    sale = pay(register, 100, sandbox_server.payment_code("alice"), currency="USD")
    assert sale.state is SaleState.DECLINED and sale.decline and sale.decline.code == "currency_not_supported"


def test_pin_step_up(register: Register, sandbox_server: RunningSandbox) -> None:
    def enter_pin(reg: Register) -> None:
        assert reg.sale.state is SaleState.STEP_UP and reg.sale.step_up is not None
        assert reg.sale.step_up.method.value == "pin"
        reg.step_up_input("1234")

    sale = pay(register, 1201, sandbox_server.payment_code("alice"), during=enter_pin)
    assert sale.state is SaleState.APPROVED


def test_otp_step_up(register: Register, sandbox_server: RunningSandbox) -> None:
    def enter_otp(reg: Register) -> None:
        assert reg.sale.step_up is not None and reg.sale.step_up.method.value == "otp"
        otp = customer_state(sandbox_server, "frank")["step_ups"][0]["otp"]  # type: ignore[index]
        reg.step_up_input(str(otp))

    sale = pay(register, 2000, sandbox_server.payment_code("frank"), during=enter_otp)
    assert sale.state is SaleState.APPROVED


def test_app_confirm_step_up(register: Register, sandbox_server: RunningSandbox) -> None:
    sale = pay(register, 1203, sandbox_server.payment_code("alice"),
               during=lambda reg: answer_in_app(sandbox_server, "alice", "approve"))
    assert sale.state is SaleState.APPROVED


def test_app_rejected_by_customer(register: Register, sandbox_server: RunningSandbox) -> None:
    sale = pay(register, 1203, sandbox_server.payment_code("alice"),
               during=lambda reg: answer_in_app(sandbox_server, "alice", "reject"))
    assert sale.state is SaleState.DECLINED and sale.decline and sale.decline.code == "step_up_rejected"


def test_wrong_pins_lock_the_account(register: Register, sandbox_server: RunningSandbox) -> None:
    """Five wrong PINs: the charge declines step_up_failed and the account is locked."""

    def wrong_pins(reg: Register) -> None:
        for _ in range(5):
            reg.runner.wait_for(lambda s: s.state is not SaleState.STEP_UP or not s.step_up_submitting, timeout=10)
            if reg.sale.state is not SaleState.STEP_UP:
                return
            reg.step_up_input("9999")
            time.sleep(0.05)
            reg.runner.wait_for(lambda s: not s.step_up_submitting, timeout=10)

    sale = pay(register, 2000, sandbox_server.payment_code("erin"), during=wrong_pins)
    assert sale.state is SaleState.DECLINED and sale.decline and sale.decline.code == "step_up_failed"
    assert sandbox_server.admin("GET", "/sandbox/customers/erin")["locked"] is True
    again = pay(register, 100, sandbox_server.payment_code("erin"))
    assert again.decline is not None and again.decline.code == "account_locked"


def test_step_up_expires(register: Register, sandbox_server: RunningSandbox) -> None:
    sandbox_server.set_risk(step_up_seconds=5)
    sale = pay(register, 1203, sandbox_server.payment_code("alice"), timeout=30)
    assert sale.state in {SaleState.DECLINED, SaleState.REVERSED}
    charge = wallet_charge(register, sale)
    assert charge is not None and charge.status in {ChargeStatus.DECLINED, ChargeStatus.CANCELLED}  # type: ignore[attr-defined]
    if sale.state is SaleState.DECLINED:
        assert sale.decline and sale.decline.code == "step_up_expired"


def test_cancel_during_step_up_cancels_at_the_wallet(register: Register, sandbox_server: RunningSandbox) -> None:
    sale = pay(register, 1201, sandbox_server.payment_code("alice"), during=lambda reg: reg.cancel())
    assert sale.state is SaleState.REVERSED
    charge = wallet_charge(register, sale)
    assert charge is not None and charge.status is ChargeStatus.CANCELLED  # type: ignore[attr-defined]
    assert journalled(register, sale) is SaleState.REVERSED


@pytest.mark.parametrize(("amount", "final"), [(1301, SaleState.APPROVED), (1302, SaleState.DECLINED)])
def test_pending_is_polled_to_the_end(register: Register, sandbox_server: RunningSandbox,
                                      amount: int, final: SaleState) -> None:
    sandbox_server.set_risk(pending_seconds=1)
    seen: list[SaleState] = []
    register.hooks.on_sale = lambda sale: seen.append(sale.state)
    sale = pay(register, amount, sandbox_server.payment_code("alice"))
    assert SaleState.IN_DOUBT in seen and sale.state is final


def charges_under(reg: Register, sale: Sale) -> int:
    found = reg.client._call("GET", "/v1/charges", ChargeList, params={"idempotency_key": sale.idempotency_key})
    return len(found.charges)


def test_dropped_answer_is_retried_with_the_same_key(register: Register, sandbox_server: RunningSandbox) -> None:
    """The wallet commits the charge and the connection drops: the client asks again with the
    same idempotency key and gets the stored answer. One charge."""
    sandbox_server.set_faults(drop_next=1)
    sale = pay(register, 700, sandbox_server.payment_code("alice"))
    assert sale.state is SaleState.APPROVED and charges_under(register, sale) == 1


def test_all_answers_dropped_is_in_doubt_then_found(register: Register, sandbox_server: RunningSandbox) -> None:
    sandbox_server.set_faults(drop_next=10)  # every charge attempt; status polls still answer
    seen: list[SaleState] = []
    register.hooks.on_sale = lambda sale: seen.append(sale.state)
    sale = pay(register, 700, sandbox_server.payment_code("alice"))
    assert SaleState.IN_DOUBT in seen
    assert sale.state is SaleState.APPROVED and charges_under(register, sale) == 1


def test_wallet_down_then_back_reverses_or_resolves(register: Register, sandbox_server: RunningSandbox,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request fails with 503 for a while: the sale is never shown approved by guess, and
    ends final once the wallet is back. (A 503 may have been processed, so "nothing charged" waits
    until our signed request could no longer be applied: 60 s by the protocol, 1 s here.)"""
    monkeypatch.setattr(wallet_effects, "SIGNATURE_LIFETIME", 1.0)
    monkeypatch.setattr(wallet_effects, "DEAD_MARGIN", 0.5)
    sandbox_server.set_faults(fail_rate=1.0)
    timer = threading.Timer(2.0, lambda: sandbox_server.set_faults(fail_rate=0.0))
    timer.start()
    try:
        sale = pay(register, 600, sandbox_server.payment_code("alice"), timeout=30)
    finally:
        timer.cancel()
    assert sale.state.is_final
    charge = wallet_charge(register, sale)
    if sale.state is SaleState.APPROVED:
        assert charge is not None and charge.status is ChargeStatus.APPROVED  # type: ignore[attr-defined]
    else:
        assert charge is None or charge.status is not ChargeStatus.APPROVED  # type: ignore[attr-defined]


def test_cashier_message_before_amount(register: Register, sandbox_server: RunningSandbox) -> None:
    rejection = register.code_read(sandbox_server.payment_code("alice"), Symbology.QR_CODE)
    assert rejection is not None and "amount" in rejection.message.lower()


def test_not_a_payment_code_never_reaches_the_wallet(register: Register) -> None:
    from terminal.domain.money import Money

    register.start_sale(Money(100, "JPY"))
    register.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=5)
    rejection = register.code_read("https://example.com/not-a-code", Symbology.QR_CODE)
    assert rejection is not None and rejection.reason is RejectReason.NOT_A_PAYMENT_CODE
    assert register.journal.unfinished_sales() == [] and register.sale.state is SaleState.AWAITING_CODE


def test_an_approved_sale_gets_its_receipts_and_can_be_reprinted(sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    """No printer configured: the merchant and customer copies are saved as PDF in the data
    directory, off the payment flow's threads; F4 / reprint makes marked copies."""
    reg = make_register(tmp_path / "r", sandbox_server, receipts=True)
    try:
        sale = pay(reg, 1200, sandbox_server.payment_code("alice"))
        assert sale.state is SaleState.APPROVED and reg.receipts is not None
        folder = tmp_path / "r" / "data" / "receipts"
        deadline = time.monotonic() + 20
        while len(list(folder.glob("*.pdf"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        names = sorted(p.name for p in folder.glob("*.pdf"))
        assert names == [f"{sale.reference}-customer.pdf", f"{sale.reference}-merchant.pdf"]
        assert all(p.read_bytes().startswith(b"%PDF") for p in folder.glob("*.pdf"))
        issued = reg.receipts.reprint_last().result(timeout=20)
        assert issued and all(i.path is not None and "reprint" in i.path.name for i in issued)
    finally:
        reg.close()


def test_cancel_while_authorizing_survives_a_restart(sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    """The cashier cancels while the (slow) wallet is still answering, and the register dies
    before the answer: after the restart the sale is reversed, not approved."""
    sandbox_server.set_faults(latency_ms=1500)
    reg = make_register(tmp_path / "r", sandbox_server)
    reg.start_sale(Money(800, "JPY"))
    reg.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=5)
    assert reg.code_read(sandbox_server.payment_code("alice"), Symbology.QR_CODE) is None
    reg.cancel()
    reg.runner.wait_for(lambda s: s.cancel_requested, timeout=5)
    key = reg.sale.idempotency_key
    assert key is not None
    record = reg.journal.sale(key)
    assert record is not None and record.cancel_requested and record.state is SaleState.AUTHORIZING
    reg.runner.close()  # the register dies here: the answer is never taken in
    reg.journal.close()
    sandbox_server.set_faults()
    time.sleep(1.6)  # the wallet commits the charge meanwhile
    again = make_register(tmp_path / "r", sandbox_server)
    try:
        (final,) = again.recover()
        assert final.state is SaleState.REVERSED
        charge = again.client.find_charge(key)
        assert charge is not None and charge.status is ChargeStatus.CANCELLED
    finally:
        again.close()


def test_the_verdict_of_a_sale_recovered_mid_step_up_is_the_current_sale(sandbox_server: RunningSandbox,
                                                                          tmp_path: Path) -> None:
    """The register dies while the customer confirms in the app; the customer approves meanwhile.
    After the restart the recovered approval is the register's current sale (what the window
    shows, like any verdict), not an empty "enter the amount"."""
    reg = make_register(tmp_path / "r", sandbox_server)
    reg.start_sale(Money(700, "JPY"))
    reg.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=5)
    assert reg.code_read(sandbox_server.payment_code("dave"), Symbology.QR_CODE) is None
    reg.runner.wait_for(lambda s: s.state is SaleState.STEP_UP, timeout=10)
    reg.runner.close()  # the register dies in the middle of the step-up
    reg.journal.close()
    answer_in_app(sandbox_server, "dave", "approve")
    again = make_register(tmp_path / "r", sandbox_server)
    try:
        (final,) = again.recover(timeout_each=20)
        assert final.state is SaleState.APPROVED and final.recovered
        assert again.sale == final and again.sale.approval_code
        assert not again.sale.accepts_code() and again.sale.can_start_over()
        assert again.next_sale() and not again.sale.is_final
    finally:
        again.close()


def test_a_charge_too_late_to_void_is_given_back_by_a_reversal_refund(sandbox_server: RunningSandbox,
                                                                      tmp_path: Path) -> None:
    """The register must cancel a charge whose answers it never got, but the wallet's business
    day has turned, so it can no longer void it: the money goes back with a reversal refund,
    its own operation (key, intent, audit entry), and the sale ends REVERSED."""
    sandbox_server.set_faults(drop_next=3)  # every answer to the charge is lost: in doubt
    reg = make_register(tmp_path / "r", sandbox_server, PAYTERM_WALLET__POLL_INTERVAL="30")
    try:
        reg.start_sale(Money(1200, "JPY"))
        reg.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=5)
        assert reg.code_read(sandbox_server.payment_code("alice"), Symbology.QR_CODE) is None
        reg.runner.wait_for(lambda s: s.state is SaleState.IN_DOUBT, timeout=20)
        sandbox_server.set_faults()
        with sqlite3.connect(sandbox_server.db_path) as wallet_db:  # the charge was made yesterday
            wallet_db.execute("UPDATE charges SET business_date = '2000-01-01' WHERE idempotency_key = ?",
                              (reg.sale.idempotency_key,))
        assert reg.cancel()
        final = reg.wait_final(40)
        assert final.state is SaleState.REVERSED, final
        key = final.idempotency_key or ""
        [op] = reg.journal.reader.operations_for_sale(key)
        assert (op.kind.value, op.state.value, op.amount, op.actor) == ("reversal", "succeeded", 1200, "register")
        assert op.idempotency_key != key
        charge = reg.client.find_charge(key)
        assert charge is not None and charge.status is ChargeStatus.APPROVED and charge.refunded_amount == 1200
    finally:
        reg.close()
        sandbox_server.set_faults()


def test_a_lost_request_is_settled_by_cancel_by_key_and_refused_when_it_arrives(
        sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    """The charge request is stuck on the network past the charge timeout. The register polls,
    finds nothing, cancels by key: REVERSED in seconds, not after the signature's minute. When the
    request finally reaches the wallet, the tombstone refuses it: nothing is charged."""
    before = customer_state(sandbox_server, "alice")["balance"]
    sandbox_server.set_faults(latency_ms=6000)
    reg = make_register(tmp_path / "r", sandbox_server)
    try:
        reg.start_sale(Money(900, "JPY"))
        reg.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=5)
        assert reg.code_read(sandbox_server.payment_code("alice"), Symbology.QR_CODE) is None
        doubt = reg.runner.wait_for(lambda s: s.state is SaleState.IN_DOUBT, timeout=20)
        assert doubt.state is SaleState.IN_DOUBT
        sandbox_server.set_faults()  # what follows is not delayed; the charge request still is
        final = reg.wait_final(20)
        assert final.state is SaleState.REVERSED and "cancelled by key" in (final.note or "")
        time.sleep(6.5)  # the delayed request reaches the wallet now, and is refused
        assert reg.client.find_charge(final.idempotency_key or "") is None
        with sqlite3.connect(sandbox_server.db_path) as wallet_db:
            assert wallet_db.execute("SELECT COUNT(*) FROM key_tombstones WHERE idempotency_key = ?",
                                     (final.idempotency_key,)).fetchone()[0] == 1
        assert customer_state(sandbox_server, "alice")["balance"] == before
    finally:
        reg.close()
        sandbox_server.set_faults()
