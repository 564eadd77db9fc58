"""A naive POS for the conformance kit's own test, with the classic integration bugs:

- by default, one PaymentRequest, paid only on an immediate Success; no TransactionStatus ever;
- ``--retry``: when the first gets no answer, a new payment with a new SaleTransactionID (the
  classic double charge);
- ``--timeout S``: gives up waiting for an answer after S seconds (default 30);
- ``--abort-after S``: the cashier cancels after S seconds; the POS sends its AbortRequest and
  reports "not paid" at once, trusting its own abort over the payment's answer.

    python tests/pos/naive_pos.py PAIRING AMOUNT [--retry] [--timeout S] [--abort-after S]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))

from reference_pos import Register  # noqa: E402


def pay(register: Register, amount: int) -> bool:
    body = {"SaleData": {"SaleTransactionID": {"TransactionID": secrets.token_hex(4),
                                               "TimeStamp": "2026-12-03T01:00:00Z"}},
            "PaymentTransaction": {"AmountsReq": {"Currency": "JPY", "RequestedAmount": amount}},
            "PaymentData": {"PaymentInstrumentData": {"PaymentInstrumentType": "Mobile", "CardData": {
                "PaymentToken": {"TokenRequestedType": "Transaction", "TokenValue": "991234567890123456"}}}}}
    register.running = secrets.token_hex(5)
    answer = register.call("Payment", body, register.running)
    return answer is not None and answer["PaymentResponse"]["Response"]["Result"] == "Success"


def cancel_and_report_not_paid(register: Register) -> None:
    register.abort()
    print("NOT PAID: aborted by the cashier", flush=True)
    os._exit(1)  # the naive part: the abort was sent, so it must have worked


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("pairing")
    p.add_argument("amount", type=int)
    p.add_argument("--retry", action="store_true")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--abort-after", type=float, default=0.0)
    args = p.parse_args()
    register = Register(json.loads(Path(args.pairing).read_text(encoding="utf-8")), "NAIVE-POS",
                        timeout=args.timeout)
    if args.abort_after > 0:
        threading.Timer(args.abort_after, cancel_and_report_not_paid, (register,)).start()
    try:
        return 0 if pay(register, args.amount) else 1
    except Exception:  # noqa: BLE001 - no answer: a naive POS gives up, or tries again
        if args.retry:
            return 0 if pay(register, args.amount) else 1
        return 1


if __name__ == "__main__":
    sys.exit(main())
