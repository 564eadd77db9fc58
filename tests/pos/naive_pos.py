"""A naive POS for the conformance kit's own test: one PaymentRequest, paid only on an immediate
Success; no TransactionStatus. With --retry it sends a new payment (a new SaleTransactionID)
when the first gets no answer: the classic double charge.

    python tests/pos/naive_pos.py PAIRING AMOUNT [--retry]
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))

from reference_pos import Register  # noqa: E402


def pay(register: Register, amount: int) -> bool:
    body = {"SaleData": {"SaleTransactionID": {"TransactionID": secrets.token_hex(4),
                                               "TimeStamp": "2026-12-03T01:00:00Z"}},
            "PaymentTransaction": {"AmountsReq": {"Currency": "JPY", "RequestedAmount": amount}},
            "PaymentData": {"PaymentInstrumentData": {"PaymentInstrumentType": "Mobile", "CardData": {
                "PaymentToken": {"TokenRequestedType": "Transaction", "TokenValue": "991234567890123456"}}}}}
    answer = register.call("Payment", body)
    return answer is not None and answer["PaymentResponse"]["Response"]["Result"] == "Success"


def main() -> int:
    pairing = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    register = Register(pairing, "NAIVE-POS", timeout=30)
    try:
        return 0 if pay(register, int(sys.argv[2])) else 1
    except Exception:  # noqa: BLE001 - no answer: a naive POS gives up, or tries again
        if "--retry" in sys.argv:
            return 0 if pay(register, int(sys.argv[2])) else 1
        return 1


if __name__ == "__main__":
    sys.exit(main())
