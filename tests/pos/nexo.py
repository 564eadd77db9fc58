"""Building nexo requests in tests, as a POS would send them."""

from __future__ import annotations

from typing import Any

POIID = "PayTerm-test-1"


def header(category: str, service_id: str, sale_id: str = "POS-A") -> dict[str, Any]:
    return {
        "ProtocolVersion": "3.0",
        "MessageClass": "Service",
        "MessageCategory": category,
        "MessageType": "Request",
        "ServiceID": service_id,
        "SaleID": sale_id,
        "POIID": POIID,
    }


def payment(
    service_id: str,
    tx_id: str,
    amount: Any = 1200,
    currency: str = "JPY",
    sale_id: str = "POS-A",
    code: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "SaleData": {
            "SaleTransactionID": {"TransactionID": tx_id, "TimeStamp": "2026-12-03T01:00:00.000Z"},
            "SaleReferenceID": "ref-" + tx_id,
        },
        "PaymentTransaction": {"AmountsReq": {"Currency": currency, "RequestedAmount": amount}},
    }
    if code is not None:
        body["PaymentData"] = {
            "PaymentInstrumentData": {
                "PaymentInstrumentType": "Mobile",
                "CardData": {"PaymentToken": {"TokenRequestedType": "Transaction", "TokenValue": code}},
            }
        }
    return {
        "SaleToPOIRequest": {"MessageHeader": header("Payment", service_id, sale_id), "PaymentRequest": body}
    }


def abort(service_id: str, of_service_id: str, sale_id: str = "POS-A") -> dict[str, Any]:
    return {
        "SaleToPOIRequest": {
            "MessageHeader": header("Abort", service_id, sale_id),
            "AbortRequest": {
                "AbortReason": "MerchantAbort",
                "MessageReference": {
                    "MessageCategory": "Payment",
                    "SaleID": sale_id,
                    "ServiceID": of_service_id,
                },
            },
        }
    }


def status(
    service_id: str, of_service_id: str | None, sale_id: str = "POS-A", category: str = "Payment"
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if of_service_id is not None:
        body["MessageReference"] = {
            "MessageCategory": category,
            "SaleID": sale_id,
            "ServiceID": of_service_id,
        }
    return {
        "SaleToPOIRequest": {
            "MessageHeader": header("TransactionStatus", service_id, sale_id),
            "TransactionStatusRequest": body,
        }
    }


def reversal(service_id: str, charge_id: str, amount: Any = None, sale_id: str = "POS-A") -> dict[str, Any]:
    body: dict[str, Any] = {
        "OriginalPOITransaction": {
            "POITransactionID": {"TransactionID": charge_id, "TimeStamp": "2026-12-03T01:00:00.000Z"}
        },
        "ReversalReason": "MerchantCancel",
    }
    if amount is not None:
        body["ReversedAmount"] = amount
    return {
        "SaleToPOIRequest": {
            "MessageHeader": header("Reversal", service_id, sale_id),
            "ReversalRequest": body,
        }
    }


def simple(category: str, service_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "SaleToPOIRequest": {"MessageHeader": header(category, service_id), f"{category}Request": body or {}}
    }


def response_of(answer: dict[str, Any] | None, category: str) -> dict[str, Any]:
    assert answer is not None
    return answer["SaleToPOIResponse"][f"{category}Response"]  # type: ignore[no-any-return]
