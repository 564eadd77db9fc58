"""The message handlers and their exactly-once rules, driven through the PaymentCore Protocol with
the in-memory fake (tests/pos/fake_core.py) and a real SQLite ledger."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from terminal.pos.handlers import DECLINE_CONDITIONS, Handlers
from terminal.pos.messages import dump_json, parse_json
from terminal.pos.store import PosStore
from tests.pos import nexo
from tests.pos.conftest import POS_A, POS_B, make_handlers
from tests.pos.fake_core import FakeCore


def cond(answer: dict[str, Any] | None, category: str) -> tuple[str, str | None]:
    r = nexo.response_of(answer, category)["Response"]
    return r["Result"], r.get("ErrorCondition")


def wire(answer: dict[str, Any] | None) -> Any:
    """The answer as the POS reads it (amounts as exact decimals)."""
    assert answer is not None
    return parse_json(dump_json(answer))


def test_approved_payment(handlers: Handlers, core: FakeCore) -> None:
    answer = wire(
        handlers.handle(POS_A, nexo.payment("1", "T1", code="2859000012344321")["SaleToPOIRequest"])
    )
    body = answer["SaleToPOIResponse"]["PaymentResponse"]
    head = answer["SaleToPOIResponse"]["MessageHeader"]
    assert head == {**nexo.header("Payment", "1"), "MessageType": "Response"}
    assert body["Response"]["Result"] == "Success"
    assert body["POIData"]["POITransactionID"]["TransactionID"] == "ch_0001"
    assert body["SaleData"]["SaleTransactionID"]["TransactionID"] == "T1"
    result = body["PaymentResult"]
    assert result["AmountsResp"] == {"AuthorizedAmount": 1200, "Currency": "JPY"}
    assert result["PaymentAcquirerData"]["ApprovalCode"] == "A00001"
    assert result["PaymentInstrumentData"]["CardData"]["MaskedPan"] == "****4321"
    assert "wallet=PayTerm%20Sandbox" in body["Response"]["AdditionalResponse"]
    lines = [t["Text"] for t in body["PaymentReceipt"][0]["OutputContent"]["OutputText"]]
    assert "お支払い / Payment" in lines
    assert "2859000012344321" not in dump_json(answer).decode()  # the full code never goes back
    order = core.orders[0]
    assert order.ref.pos == POS_A and order.code == "2859000012344321"  # the core records which POS asked


@pytest.mark.parametrize(
    ("amount", "currency", "minor", "written"),
    [
        (Decimal("12.50"), "USD", 1250, "12.50"),
        (1200, "JPY", 1200, "1200"),
        (Decimal("1.25"), "KWD", 1250, "1.250"),
        (Decimal("1200.0"), "JPY", 1200, "1200"),
    ],
)
def test_amounts_are_exact(
    handlers: Handlers, core: FakeCore, amount: Any, currency: str, minor: int, written: str
) -> None:
    answer = handlers.handle(POS_A, nexo.payment("1", "T1", amount, currency)["SaleToPOIRequest"])
    assert cond(answer, "Payment") == ("Success", None)
    assert core.orders[0].amount.amount == minor and core.orders[0].amount.currency == currency
    assert f'"AuthorizedAmount":{written},' in dump_json(answer).decode()


@pytest.mark.parametrize(
    ("amount", "currency", "condition"),
    [
        (Decimal("12.345"), "USD", "MessageFormat"),
        (Decimal("0.5"), "JPY", "MessageFormat"),
        (0, "JPY", "MessageFormat"),
        (-5, "JPY", "MessageFormat"),
        ("1200", "JPY", "MessageFormat"),
        (True, "JPY", "MessageFormat"),
        (1200, "XXX", "PaymentRestriction"),
        (10**13, "JPY", "MessageFormat"),
    ],
)
def test_bad_amounts_charge_nothing(
    handlers: Handlers, core: FakeCore, amount: Any, currency: str, condition: str
) -> None:
    answer = handlers.handle(POS_A, nexo.payment("1", "T1", amount, currency)["SaleToPOIRequest"])
    assert cond(answer, "Payment") == ("Failure", condition)
    assert core.charges == 0


@pytest.mark.parametrize(("code", "condition"), sorted((k, v.value) for k, v in DECLINE_CONDITIONS.items()))
def test_every_decline_code_has_its_error_condition(
    handlers: Handlers, core: FakeCore, code: str, condition: str
) -> None:
    core.declines[777] = code
    answer = handlers.handle(POS_A, nexo.payment("1", "T1", 777)["SaleToPOIRequest"])
    assert cond(answer, "Payment") == ("Failure", condition)
    assert f"declineCode={code}" in nexo.response_of(answer, "Payment")["Response"]["AdditionalResponse"]


def test_duplicate_service_id_is_refused_and_charges_once(handlers: Handlers, core: FakeCore) -> None:
    first = handlers.handle(POS_A, nexo.payment("1", "T1")["SaleToPOIRequest"])
    again = handlers.handle(POS_A, nexo.payment("1", "T2")["SaleToPOIRequest"])
    assert cond(first, "Payment") == ("Success", None)
    assert cond(again, "Payment") == ("Failure", "NotAllowed")
    assert core.charges == 1


def test_repeated_sale_transaction_id_answers_the_recorded_result(handlers: Handlers, core: FakeCore) -> None:
    first = handlers.handle(POS_A, nexo.payment("1", "T1")["SaleToPOIRequest"])
    again = handlers.handle(POS_A, nexo.payment("2", "T1")["SaleToPOIRequest"])
    assert core.charges == 1
    assert nexo.response_of(again, "Payment") == nexo.response_of(first, "Payment")
    assert again is not None and again["SaleToPOIResponse"]["MessageHeader"]["ServiceID"] == "2"


def run_in_thread(handlers: Handlers, request: dict[str, Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(handlers.handle(POS_A, request["SaleToPOIRequest"])))
    t.start()
    return t, out


def test_in_progress_busy_and_abort(store: PosStore) -> None:
    core = FakeCore(hold=True)
    handlers = make_handlers(core, store)
    t, out = run_in_thread(handlers, nexo.payment("1", "T1"))
    core.wait_running()
    # the same sale again: InProgress, no second charge; another sale: Busy
    assert cond(handlers.handle(POS_A, nexo.payment("2", "T1")["SaleToPOIRequest"]), "Payment") == (
        "Failure",
        "InProgress",
    )
    assert cond(handlers.handle(POS_A, nexo.payment("3", "T9")["SaleToPOIRequest"]), "Payment") == (
        "Failure",
        "Busy",
    )
    busy = nexo.response_of(
        handlers.handle(POS_A, nexo.status("9", "3")["SaleToPOIRequest"]), "TransactionStatus"
    )
    assert (
        busy["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]["Response"][
            "ErrorCondition"
        ]
        == "Busy"
    )  # a refused request's answer is recorded like any other
    assert cond(handlers.handle(POS_A, nexo.status("4", "1")["SaleToPOIRequest"]), "TransactionStatus") == (
        "Failure",
        "InProgress",
    )
    # abort: accepted with an empty answer; the waiting payment ends Aborted
    assert handlers.handle(POS_A, nexo.abort("5", "1")["SaleToPOIRequest"]) is None
    t.join(10)
    assert cond(out[0], "Payment") == ("Failure", "Aborted")
    assert core.charges == 1
    # aborting it again, or something unknown, is refused clearly
    assert cond(handlers.handle(POS_A, nexo.abort("6", "1")["SaleToPOIRequest"]), "Abort") == (
        "Failure",
        "NotAllowed",
    )
    assert cond(handlers.handle(POS_A, nexo.abort("7", "nope")["SaleToPOIRequest"]), "Abort") == (
        "Failure",
        "NotFound",
    )
    assert cond(handlers.handle(POS_B, nexo.abort("8", "1")["SaleToPOIRequest"]), "Abort") == (
        "Failure",
        "NotFound",
    )


def test_transaction_status_repeats_the_original_answer(handlers: Handlers) -> None:
    original = handlers.handle(POS_A, nexo.payment("1", "T1")["SaleToPOIRequest"])
    answer = handlers.handle(POS_A, nexo.status("2", "1")["SaleToPOIRequest"])
    body = nexo.response_of(answer, "TransactionStatus")
    assert body["Response"]["Result"] == "Success"
    repeated = body["RepeatedMessageResponse"]
    assert (
        wire(repeated)["RepeatedResponseMessageBody"]["PaymentResponse"]
        == wire(original)["SaleToPOIResponse"]["PaymentResponse"]
    )
    assert repeated["MessageHeader"]["ServiceID"] == "1"
    # without a reference: the POS's last payment; another POS sees nothing
    last = nexo.response_of(
        handlers.handle(POS_A, nexo.status("3", None)["SaleToPOIRequest"]), "TransactionStatus"
    )
    assert last["RepeatedMessageResponse"] == repeated
    assert cond(handlers.handle(POS_B, nexo.status("4", "1")["SaleToPOIRequest"]), "TransactionStatus") == (
        "Failure",
        "NotFound",
    )


def test_status_after_restart_and_after_a_cut_short_wait(tmp_path: Path) -> None:
    core = FakeCore(hold=True)
    data = tmp_path / "data"
    with PosStore.in_data_dir(data) as store:
        handlers = make_handlers(core, store, wait=0.05)
        short = handlers.handle(POS_A, nexo.payment("1", "T1")["SaleToPOIRequest"])
        assert cond(short, "Payment") == ("Failure", "InProgress")  # the POS gave up waiting
        core.release()
    with PosStore.in_data_dir(data) as store:  # PayTerm restarted; the core kept its journal
        handlers = make_handlers(core, store)
        answer = nexo.response_of(
            handlers.handle(POS_A, nexo.status("2", "1")["SaleToPOIRequest"]), "TransactionStatus"
        )
        body = answer["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
        assert body["Response"]["Result"] == "Success"
        assert body["POIData"]["POITransactionID"]["TransactionID"] == "ch_0001"
    with PosStore.in_data_dir(data) as store:  # now recorded: answered without asking the core
        handlers = make_handlers(FakeCore(), store)
        again = nexo.response_of(
            handlers.handle(POS_A, nexo.status("3", "1")["SaleToPOIRequest"]), "TransactionStatus"
        )
        assert again["RepeatedMessageResponse"] == answer["RepeatedMessageResponse"]
    assert core.charges == 1


def test_an_answer_lost_to_a_power_cut_is_rebuilt_from_the_core(store: PosStore, core: FakeCore) -> None:
    # The ledger keeps answers without a sync of their own (Ledger.answer): a power cut may lose
    # the last one. Here it is lost the way a power cut would, the request's claim kept.
    handlers = make_handlers(core, store)
    original = handlers.handle(POS_A, nexo.payment("1", "T1")["SaleToPOIRequest"])
    store.write(lambda conn: conn.execute("UPDATE services SET response = NULL WHERE service_id = '1'"))
    answer = nexo.response_of(handlers.handle(POS_A, nexo.status("2", "1")["SaleToPOIRequest"]),
                              "TransactionStatus")
    rebuilt = answer["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
    assert wire({"x": rebuilt})["x"] == wire(original)["SaleToPOIResponse"]["PaymentResponse"]
    assert core.charges == 1


def test_partial_refund_void_and_limits(handlers: Handlers, core: FakeCore) -> None:
    handlers.handle(POS_A, nexo.payment("1", "T1", 1200)["SaleToPOIRequest"])
    part = wire(handlers.handle(POS_A, nexo.reversal("2", "ch_0001", 500)["SaleToPOIRequest"]))
    body = part["SaleToPOIResponse"]["ReversalResponse"]
    assert body["Response"]["Result"] == "Success" and body["ReversedAmount"] == 500
    assert body["OriginalPOITransaction"]["POITransactionID"]["TransactionID"] == "ch_0001"
    assert cond(
        handlers.handle(POS_A, nexo.reversal("3", "ch_0001", 800)["SaleToPOIRequest"]), "Reversal"
    ) == ("Failure", "NotAllowed")
    assert cond(
        handlers.handle(POS_A, nexo.reversal("2", "ch_0001", 100)["SaleToPOIRequest"]), "Reversal"
    ) == ("Failure", "NotAllowed")  # the same ServiceID again
    rest = wire(handlers.handle(POS_A, nexo.reversal("4", "ch_0001")["SaleToPOIRequest"]))
    assert rest["SaleToPOIResponse"]["ReversalResponse"]["ReversedAmount"] == 700
    assert cond(handlers.handle(POS_A, nexo.reversal("5", "ch_9999")["SaleToPOIRequest"]), "Reversal") == (
        "Failure",
        "NotFound",
    )
    status = nexo.response_of(
        handlers.handle(POS_A, nexo.status("6", "2", category="Reversal")["SaleToPOIRequest"]),
        "TransactionStatus",
    )
    assert wire(status["RepeatedMessageResponse"])["RepeatedResponseMessageBody"]["ReversalResponse"] == body


def test_totals_and_reconciliation(handlers: Handlers) -> None:
    handlers.handle(POS_A, nexo.payment("1", "T1", 1200)["SaleToPOIRequest"])
    handlers.handle(POS_A, nexo.payment("2", "T2", 800)["SaleToPOIRequest"])
    handlers.handle(POS_A, nexo.reversal("3", "ch_0001", 200)["SaleToPOIRequest"])
    totals = wire(handlers.handle(POS_A, nexo.simple("GetTotals", "4")["SaleToPOIRequest"]))
    t = totals["SaleToPOIResponse"]["GetTotalsResponse"]
    assert t["POIReconciliationID"] == "20261203"
    assert t["TransactionTotals"] == [
        {
            "PaymentInstrumentType": "Mobile",
            "PaymentCurrency": "JPY",
            "PaymentTotals": [
                {"TransactionType": "Credit", "TransactionCount": 1, "TransactionAmount": 200},
                {"TransactionType": "Debit", "TransactionCount": 2, "TransactionAmount": 2000},
            ],
        }
    ]
    rec = handlers.handle(
        POS_A,
        nexo.simple("Reconciliation", "5", {"ReconciliationType": "SaleReconciliation"})["SaleToPOIRequest"],
    )
    assert (
        wire(rec)["SaleToPOIResponse"]["ReconciliationResponse"]["TransactionTotals"]
        == t["TransactionTotals"]
    )
    bad = handlers.handle(
        POS_A,
        nexo.simple(
            "Reconciliation",
            "6",
            {"ReconciliationType": "PreviousReconciliation", "POIReconciliationID": "yesterday"},
        )["SaleToPOIRequest"],
    )
    assert cond(bad, "Reconciliation") == ("Failure", "MessageFormat")


def test_diagnosis(handlers: Handlers, core: FakeCore) -> None:
    body = nexo.response_of(
        handlers.handle(POS_A, nexo.simple("Diagnosis", "1")["SaleToPOIRequest"]), "Diagnosis"
    )
    assert body["POIStatus"] == {"GlobalStatus": "OK", "CommunicationOKFlag": True}
    core.wallet_reachable = False
    body = nexo.response_of(
        handlers.handle(POS_A, nexo.simple("Diagnosis", "2")["SaleToPOIRequest"]), "Diagnosis"
    )
    assert body["POIStatus"]["GlobalStatus"] == "Unreachable"
    assert "wallet=failed" in body["Response"]["AdditionalResponse"]


@pytest.mark.parametrize(
    ("change", "category", "condition"),
    [
        ({"ProtocolVersion": "2.0"}, "Payment", "MessageFormat"),
        ({"MessageType": "Response"}, "Payment", "MessageFormat"),
        ({"MessageClass": "Device"}, "Payment", "MessageFormat"),
        ({"POIID": "another-register"}, "Payment", "NotAllowed"),
        ({"ServiceID": "12345678901"}, "Payment", "MessageFormat"),
        ({"SaleID": ""}, "Payment", "MessageFormat"),
        ({"MessageCategory": "CardAcquisition"}, "CardAcquisition", "UnavailableService"),
    ],
)
def test_header_errors_are_failures_that_charge_nothing(
    handlers: Handlers, core: FakeCore, change: dict[str, str], category: str, condition: str
) -> None:
    message = nexo.payment("1", "T1")["SaleToPOIRequest"]
    message["MessageHeader"].update(change)
    answer = handlers.handle(POS_A, message)
    assert cond(answer, category) == ("Failure", condition)
    assert core.charges == 0


def test_missing_body_is_message_format(handlers: Handlers, core: FakeCore) -> None:
    answer = handlers.handle(POS_A, {"MessageHeader": nexo.header("Payment", "1")})
    assert cond(answer, "Payment") == ("Failure", "MessageFormat")
    assert core.charges == 0


def test_status_of_a_reversal_whose_answer_was_never_recorded(store: PosStore, core: FakeCore) -> None:
    from terminal.domain.money import Money
    from terminal.pos import core as c
    from terminal.pos.ledger import Ledger

    handlers = make_handlers(core, store)
    handlers.handle(POS_A, nexo.payment("1", "T1", 1200)["SaleToPOIRequest"])
    # PayTerm stopped after the core refunded but before the answer was kept
    Ledger(store).claim("POS-A", "2", "Reversal", POS_A.key_identifier, None, {"charge_id": "ch_0001"})
    core.reverse(c.ReversalOrder(POS_A, "POS-A", "2", "ch_0001", Money(300, "JPY"), "MerchantCancel"), 1)
    status = wire(handlers.handle(POS_A, nexo.status("3", "2", category="Reversal")["SaleToPOIRequest"]))
    body = status["SaleToPOIResponse"]["TransactionStatusResponse"]["RepeatedMessageResponse"]
    reversal = body["RepeatedResponseMessageBody"]["ReversalResponse"]
    assert reversal["ReversedAmount"] == 300
    assert reversal["OriginalPOITransaction"]["POITransactionID"]["TransactionID"] == "ch_0001"
    assert core.reversal_calls == 1  # asked about, not done again
