"""The official Adyen Node API library (@adyen/api-library, pinned in adyen_client/package-lock.json)
drives the register's local Terminal API over HTTPS with its TerminalLocalAPI, unchanged except for
its endpoint and certificate settings: a payment, a status query, an abort and a partial refund."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.pos import nexo
from tests.pos.adyen import adyen_key, run_adyen
from tests.pos.fake_core import FakeCore
from tests.pos.server_fixtures import RunningApi, start_api

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


def test_payment_status_and_partial_refund(api: RunningApi) -> None:
    paid = body(request(api, nexo.payment("1", "T1", 1200, code="2859000012344321")), "Payment")
    assert paid["Response"]["Result"] == "Success"
    charge_id = paid["POIData"]["POITransactionID"]["TransactionID"]
    assert paid["PaymentResult"]["AmountsResp"] == {"AuthorizedAmount": 1200, "Currency": "JPY"}
    assert api.core.orders[0].code == "2859000012344321"

    status = body(request(api, nexo.status("2", "1")), "TransactionStatus")
    assert status["Response"]["Result"] == "Success"
    repeated = status["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
    assert repeated["POIData"]["POITransactionID"]["TransactionID"] == charge_id

    refund = body(request(api, nexo.reversal("3", charge_id, 500)), "Reversal")
    assert refund["Response"]["Result"] == "Success" and refund["ReversedAmount"] == 500
    assert api.core.charges == 1


def test_abort_a_running_payment(tmp_path: Path) -> None:
    api, server = start_api(tmp_path, FakeCore(hold=True), wait=110.0)  # the payment waits for its abort
    try:
        out: list[dict[str, Any]] = []
        payer = threading.Thread(target=lambda: out.append(request(api, nexo.payment("1", "T1", 800))))
        payer.start()
        api.core.wait_running(timeout=30)
        aborted = request(api, nexo.abort("2", "1"))
        assert aborted == {"response": {}}, aborted  # Adyen's answer to an accepted abort: empty
        payer.join(120)
        result = body(out[0], "Payment")["Response"]
        assert (result["Result"], result["ErrorCondition"]) == ("Failure", "Aborted")
        assert api.core.charges == 1
    finally:
        server.stop()
        api.store.close()


def test_wrong_passphrase_is_refused_clearly(api: RunningApi) -> None:
    out = request(api, nexo.payment("1", "T1"), passphrase="a-wrong-passphrase-of-some-length")
    assert out.get("statusCode") == 401, out
    assert '"ErrorCondition":"NotAllowed"' in out["responseBody"]
    assert api.core.charges == 0


def test_a_certificate_other_than_the_pinned_one_is_refused(api: RunningApi) -> None:
    out = request(api, nexo.payment("1", "T1"), fingerprint=":".join(["00"] * 32))
    assert "error" in out and "fingerprint" in out["message"], out
    assert api.core.charges == 0
