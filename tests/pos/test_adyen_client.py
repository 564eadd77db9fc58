"""The official Adyen Node API library (@adyen/api-library, pinned in adyen_client/package-lock.json)
drives the register's local Terminal API over HTTPS, with the register's real payment core and the
sandbox wallet behind it, with its TerminalLocalAPI, unchanged except for
its endpoint and certificate settings: a payment, a status query, an abort and a partial refund."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from terminal.domain.flow import SaleState
from terminal.journal.records import HistoryQuery
from tests.pos import nexo
from tests.pos.adyen import adyen_key, run_adyen
from tests.pos.real_core import Live
from tests.pos.server_fixtures import RunningApi

pytestmark = pytest.mark.slow  # a Node process per request (~1 s each)


def request(
    api: RunningApi, message: dict[str, Any], *, passphrase: str | None = None, fingerprint: str | None = None
) -> dict[str, Any]:
    return run_adyen(
        {
            "mode": "request",
            "endpoint": f"https://{api.host}",
            "certificate": str(api.cert.cert_path),
            "fingerprint": fingerprint or api.cert.fingerprint,
            "key": adyen_key(api.pairing.key_identifier, passphrase or api.pairing.passphrase),
            "request": message,
        }
    )


def body(out: dict[str, Any], category: str) -> dict[str, Any]:
    assert "response" in out, out
    result: dict[str, Any] = out["response"]["SaleToPOIResponse"][f"{category}Response"]
    return result


def test_payment_status_and_partial_refund(live: Live) -> None:
    """Against the register's real core and the sandbox wallet: money really moves."""
    api = live.api
    before = live.balance("alice")
    code = live.real.sandbox.payment_code("alice")
    paid = body(request(api, nexo.payment("1", "T1", 1200, code=code)), "Payment")
    assert paid["Response"]["Result"] == "Success"
    charge_id = paid["POIData"]["POITransactionID"]["TransactionID"]
    assert paid["PaymentResult"]["AmountsResp"] == {"AuthorizedAmount": 1200, "Currency": "JPY"}
    assert live.balance("alice") == before - 1200

    status = body(request(api, nexo.status("2", "1")), "TransactionStatus")
    assert status["Response"]["Result"] == "Success"
    repeated = status["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
    assert repeated["POIData"]["POITransactionID"]["TransactionID"] == charge_id

    refund = body(request(api, nexo.reversal("3", charge_id, 500)), "Reversal")
    assert refund["Response"]["Result"] == "Success" and refund["ReversedAmount"] == 500
    assert live.balance("alice") == before - 1200 + 500
    assert live.pad.asked and "refund ¥500" in live.pad.asked[0]  # the manager authorized it


def test_abort_a_running_payment(live: Live) -> None:
    """No code given: the register waits for its own scanner, and the POS aborts."""
    api = live.api
    out: list[dict[str, Any]] = []
    payer = threading.Thread(target=lambda: out.append(request(api, nexo.payment("1", "T1", 800))))
    payer.start()
    live.real.register.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, 30)
    aborted = request(api, nexo.abort("2", "1"))
    assert aborted == {"response": {}}, aborted  # Adyen's answer to an accepted abort: empty
    payer.join(60)
    result = body(out[0], "Payment")["Response"]
    assert (result["Result"], result["ErrorCondition"]) == ("Failure", "Aborted")
    assert live.real.register.journal.history(HistoryQuery()) == []  # nothing was charged


def test_wrong_passphrase_is_refused_clearly(api: RunningApi) -> None:
    out = request(api, nexo.payment("1", "T1"), passphrase="a-wrong-passphrase-of-some-length")
    assert out.get("statusCode") == 401, out
    assert '"ErrorCondition":"NotAllowed"' in out["responseBody"]
    assert api.core.charges == 0


def test_a_certificate_other_than_the_pinned_one_is_refused(api: RunningApi) -> None:
    out = request(api, nexo.payment("1", "T1"), fingerprint=":".join(["00"] * 32))
    assert "error" in out and "fingerprint" in out["message"], out
    assert api.core.charges == 0
