"""The local Terminal API over real HTTPS on 127.0.0.1 with the register's real payment core and
the sandbox wallet over real HTTP: every money path a POS takes, and its recoveries."""

from __future__ import annotations

import json
import ssl
import threading
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from terminal.domain.flow import SaleState
from terminal.journal.pos_requests import PosRequests
from terminal.journal.records import HistoryQuery
from tests.pos import nexo
from tests.pos.real_core import MANAGER_PIN, Live


def result(answer: dict[str, Any] | None, category: str) -> dict[str, Any]:
    return nexo.response_of(answer, category)["Response"]  # type: ignore[no-any-return]


def test_payment_with_the_pos_code_then_status(live: Live) -> None:
    client = live.api.client()
    before = live.balance("alice")
    code = live.real.sandbox.payment_code("alice")
    answer = nexo.response_of(client.send(nexo.payment("1", "T1", 1200, code=code)), "Payment")
    assert answer["Response"]["Result"] == "Success"
    charge_id = answer["POIData"]["POITransactionID"]["TransactionID"]
    assert charge_id.startswith("ch_") and live.balance("alice") == before - 1200
    lines = [t["Text"] for t in answer["PaymentReceipt"][0]["OutputContent"]["OutputText"]]
    assert "お支払い / Payment" in lines and code not in "".join(lines)
    status = nexo.response_of(client.send(nexo.status("2", "1")), "TransactionStatus")
    assert status["Response"]["Result"] == "Success"
    again = status["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
    assert again["POIData"]["POITransactionID"]["TransactionID"] == charge_id
    # The journal knows which POS asked for the sale.
    row = PosRequests(live.real.register.journal).request("pos-a", "POS-A", "T1")
    assert row is not None and row.pos_name == "front counter"
    sale = PosRequests(live.real.register.journal).sale_of(row)
    assert sale is not None and sale.charge_id == charge_id and sale.code_last4 == code[-4:]


def test_a_refused_code_is_a_clear_decline_and_nothing_is_charged(live: Live) -> None:
    client = live.api.client()
    answer = result(client.send(nexo.payment("1", "T1", 1200, code="hello world, not a code")), "Payment")
    assert answer["Result"] == "Failure" and answer["ErrorCondition"] == "InvalidCard"
    assert live.real.register.journal.history(_all()) == []
    # The register is free again for the next payment.
    code = live.real.sandbox.payment_code("alice")
    assert result(client.send(nexo.payment("2", "T2", 800, code=code)), "Payment")["Result"] == "Success"


def test_an_amount_over_the_maximum_is_not_allowed_not_busy(live: Live) -> None:
    # register.max_sale (default ¥1,000,000) holds for the POS as for every surface; the register
    # is not busy, and says so with the right condition.
    client = live.api.client()
    code = live.real.sandbox.payment_code("alice")
    answer = result(client.send(nexo.payment("1", "T1", 1_000_001, code=code)), "Payment")
    assert answer["Result"] == "Failure" and answer["ErrorCondition"] == "NotAllowed"
    assert "maximum per sale" in parse_qs(answer["AdditionalResponse"])["message"][0]
    assert live.real.register.journal.history(_all()) == []
    assert result(client.send(nexo.payment("2", "T2", 800, code=code)), "Payment")["Result"] == "Success"


def _all() -> HistoryQuery:
    return HistoryQuery()


def test_abort_while_waiting_for_the_scan(live: Live) -> None:
    client = live.api.client()
    answers: list[Any] = []
    paying = threading.Thread(target=lambda: answers.append(client.send(nexo.payment("1", "T1", 1500))))
    paying.start()
    live.real.register.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, 10)
    busy = result(live.api.client().send(nexo.payment("2", "T2", 700)), "Payment")
    assert busy["ErrorCondition"] == "Busy"
    assert live.api.client().send(nexo.abort("3", "1")) is None  # accepted: no body
    paying.join(20)
    aborted = result(answers[0], "Payment")
    assert aborted["Result"] == "Failure" and aborted["ErrorCondition"] == "Aborted"
    status = result(client.send(nexo.status("4", "1")), "TransactionStatus")
    assert status["Result"] == "Success"  # the status of a finished (aborted) payment
    refused = live.api.client().send(nexo.abort("5", "1"))
    assert result(refused, "Abort")["ErrorCondition"] == "NotAllowed"


def test_abort_after_the_code_cancels_at_the_wallet(live: Live) -> None:
    """Amount 1203 asks for confirmation in the wallet app: the POS aborts during the step-up and
    the charge is cancelled at the wallet (the customer keeps the money)."""
    client = live.api.client()
    before = live.balance("alice")
    answers: list[Any] = []
    code = live.real.sandbox.payment_code("alice")
    request = nexo.payment("1", "T1", 1203, code=code)
    paying = threading.Thread(target=lambda: answers.append(client.send(request)))
    paying.start()
    live.real.register.runner.wait_for(lambda s: s.state is SaleState.STEP_UP, 10)
    assert live.api.client().send(nexo.abort("2", "1")) is None
    paying.join(30)
    aborted = result(answers[0], "Payment")
    assert aborted["ErrorCondition"] == "Aborted"
    assert live.balance("alice") == before


def test_partial_refund_authorized_by_the_manager(live: Live) -> None:
    client = live.api.client()
    code = live.real.sandbox.payment_code("alice")
    paid = nexo.response_of(client.send(nexo.payment("1", "T1", 1600, code=code)), "Payment")
    charge_id = paid["POIData"]["POITransactionID"]["TransactionID"]
    before = live.balance("alice")
    live.pad.pin = "1357"  # a wrong PIN: the wallet refuses it, nothing given back
    wrong = result(client.send(nexo.reversal("2", charge_id, 600)), "Reversal")
    assert wrong["Result"] == "Failure" and wrong["ErrorCondition"] == "NotAllowed"
    assert "Wrong%20manager%20PIN" in wrong["AdditionalResponse"], wrong  # form-encoded, as nexo has it
    assert live.balance("alice") == before
    device = live.real.register.enrollment.device_id
    events = live.real.sandbox.admin("GET", f"/sandbox/devices/{device}/manager-events")
    assert [e["detail"].get("purpose") for e in events if e["action"] == "wrong_pin"] == ["refund"]
    live.pad.pin = MANAGER_PIN
    done = nexo.response_of(client.send(nexo.reversal("3", charge_id, 600)), "Reversal")
    assert done["Response"]["Result"] == "Success" and done["ReversedAmount"] == 600
    assert live.balance("alice") == before + 600
    assert "refund ¥600 of ¥1,600" in live.pad.asked[-1]
    over = result(client.send(nexo.reversal("4", charge_id, 1001)), "Reversal")
    assert over["ErrorCondition"] == "NotAllowed"
    assert live.balance("alice") == before + 600
    totals = live.real.core.totals(None)
    assert {(t.kind, t.count, t.amount) for t in totals.lines} == {("Debit", 1, 1600), ("Credit", 1, 600)}


def test_void_of_a_whole_payment_today(live: Live) -> None:
    client = live.api.client()
    before = live.balance("alice")
    code = live.real.sandbox.payment_code("alice")
    paid = nexo.response_of(client.send(nexo.payment("1", "T1", 900, code=code)), "Payment")
    charge_id = paid["POIData"]["POITransactionID"]["TransactionID"]
    done = nexo.response_of(client.send(nexo.reversal("2", charge_id)), "Reversal")
    assert done["Response"]["Result"] == "Success" and live.balance("alice") == before
    assert live.pad.asked[-1].startswith("void ¥900")
    again = result(client.send(nexo.reversal("3", charge_id)), "Reversal")  # a new ServiceID: refused
    assert again["ErrorCondition"] == "NotAllowed" and "voided" in again["AdditionalResponse"]
    status = nexo.response_of(client.send(nexo.status("4", "2", category="Reversal")), "TransactionStatus")
    repeated = status["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["ReversalResponse"]
    assert repeated["POIData"] == done["POIData"] and live.balance("alice") == before
    ops = live.real.register.journal.reader.operations_for_sale(
        live.real.register.journal.history(_all())[0].idempotency_key)
    assert [(op.kind.value, op.actor) for op in ops] == [("void", "pos:pos-a")]


def test_duplicate_service_id_and_sale_transaction_id_never_charge_twice(live: Live) -> None:
    client = live.api.client()
    before = live.balance("alice")
    code = live.real.sandbox.payment_code("alice")
    first = nexo.response_of(client.send(nexo.payment("1", "T1", 1100, code=code)), "Payment")
    assert first["Response"]["Result"] == "Success"
    dup_service = result(client.send(nexo.payment("1", "T9", 1100, code=code)), "Payment")
    assert dup_service["Result"] == "Failure" and dup_service["ErrorCondition"] == "NotAllowed"
    fresh_code = live.real.sandbox.payment_code("alice")
    dup_tx = nexo.response_of(client.send(nexo.payment("2", "T1", 1100, code=fresh_code)), "Payment")
    assert dup_tx["POIData"]["POITransactionID"] == first["POIData"]["POITransactionID"]
    assert live.balance("alice") == before - 1100
    assert len(live.real.register.journal.history(_all())) == 1


def test_the_pos_drops_the_connection_mid_payment_then_asks_status(live: Live) -> None:
    """1301 answers `pending` and approves when polled after 3 s: the POS gives up after 1 s."""
    client = live.api.client()
    code = live.real.sandbox.payment_code("alice")
    sealed = json.dumps(client.seal(nexo.payment("1", "T1", 1301, code=code))).encode()
    context = ssl.create_default_context(cafile=str(live.api.cert.cert_path))
    with httpx.Client(verify=context, timeout=1.0) as impatient, pytest.raises(httpx.TimeoutException):
        impatient.post(client.url, content=sealed, headers={"Content-Type": "application/json"})
    deadline = time.monotonic() + 30
    n = 2
    while True:
        status = client.send(nexo.status(str(n), "1"))
        n += 1
        if result(status, "TransactionStatus")["Result"] == "Success" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    body = nexo.response_of(status, "TransactionStatus")
    assert body["Response"]["Result"] == "Success", body
    payment = body["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
    assert payment["Response"]["Result"] == "Success"


def test_the_cashier_cancels_a_pos_payment_before_the_code(live: Live) -> None:
    client = live.api.client()
    answers: list[Any] = []
    paying = threading.Thread(target=lambda: answers.append(client.send(nexo.payment("1", "T1", 1500))))
    paying.start()
    live.real.register.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, 10)
    assert live.real.register.cancel()  # the cashier's cancel key on the window
    paying.join(30)
    cancelled = result(answers[0], "Payment")
    assert (cancelled["Result"], cancelled["ErrorCondition"]) == ("Failure", "Cancel")
    code = live.real.sandbox.payment_code("alice")
    assert result(client.send(nexo.payment("2", "T2", 700, code=code)), "Payment")["Result"] == "Success"
