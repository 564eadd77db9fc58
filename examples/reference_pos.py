"""PayTerm's reference POS client: one sale through a register's local Terminal API.

    python examples/reference_pos.py --pairing PAIRING.json --amount 1200 [--code CODE | --customer alice]
                                     [--abort-after SECONDS] [--poll SECONDS]

PAIRING.json is what `payterm pos pair --json` printed (plus ``certificate_file``: the register's
certificate saved to a file), or the file `payterm demo --pos` writes. The payment code is the one
the POS's own scanner read (``--code``); with the demo, ``--customer`` asks the sandbox wallet for
that customer's current code instead, as the customer's phone would show it. Without either,
PayTerm's own scanner reads the code.

It follows docs/pos-integration.md's rules: a new ServiceID per request, the SaleTransactionID is
the sale; no answer within 120 s, or an answer that is no verdict (InProgress, NotAllowed,
UnavailableService), means TransactionStatus until the answer is final; a payment the register
never received (TransactionStatus: NotFound) is repeated with the same SaleTransactionID: never a
second payment. ``--abort-after`` makes its cashier cancel (an AbortRequest) after that many
seconds; the payment's own answer still says whether the customer paid. It passes
`payterm pos conformance` (tests/pos/test_conformance.py). Standalone: only httpx and
cryptography. Prints the verdict; exit 0 approved, 1 not paid, 2 no final answer.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets
import ssl
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.padding import PKCS7


# A Failure that says nothing about the payment's outcome: the payment may still be running, or
# the message itself was refused (a duplicate, PayTerm unable to process it). Ask TransactionStatus.
NOT_A_VERDICT = frozenset({"InProgress", "NotAllowed", "UnavailableService"})


class Register:
    """One paired register."""

    def __init__(self, pairing: dict[str, Any], sale_id: str, timeout: float = 120.0) -> None:
        km = hashlib.pbkdf2_hmac("sha1", pairing["passphrase"].encode("latin-1"), b"AdyenNexoV1Salt", 4000, 80)
        self.hmac_key, self.cipher_key, self.iv_mask = km[:32], km[32:64], km[64:80]
        self.endpoint, self.poi_id, self.sale_id = pairing["endpoint"], pairing["poi_id"], sale_id
        self.key_identifier, self.key_version = pairing["key_identifier"], int(pairing.get("key_version", 1))
        tls = ssl.create_default_context(cafile=pairing["certificate_file"])
        tls.check_hostname = False  # the register's own certificate is the only one trusted
        self.http = httpx.Client(verify=tls, timeout=timeout)
        self.running = ""  # the ServiceID of the payment request in flight (what an abort names)

    def _cipher(self, nonce: bytes) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.cipher_key), modes.CBC(bytes(a ^ b for a, b in zip(self.iv_mask, nonce))))

    def _seal(self, message: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(message).encode()
        nonce = os.urandom(16)
        padder = PKCS7(128).padder()
        enc = self._cipher(nonce).encryptor()
        blob = enc.update(padder.update(text) + padder.finalize()) + enc.finalize()
        mac = hmac.new(self.hmac_key, text, hashlib.sha256).digest()
        return {"SaleToPOIRequest": {
            "MessageHeader": message["SaleToPOIRequest"]["MessageHeader"],
            "NexoBlob": base64.b64encode(blob).decode(),
            "SecurityTrailer": {"AdyenCryptoVersion": 1, "KeyIdentifier": self.key_identifier,
                                "KeyVersion": self.key_version, "Nonce": base64.b64encode(nonce).decode(),
                                "Hmac": base64.b64encode(mac).decode()}}}

    def _open(self, secured: dict[str, Any]) -> dict[str, Any]:
        inner = secured["SaleToPOIResponse"]
        trailer = inner["SecurityTrailer"]
        dec = self._cipher(base64.b64decode(trailer["Nonce"])).decryptor()
        padded = dec.update(base64.b64decode(inner["NexoBlob"])) + dec.finalize()
        unpadder = PKCS7(128).unpadder()
        text = unpadder.update(padded) + unpadder.finalize()
        if not hmac.compare_digest(hmac.new(self.hmac_key, text, hashlib.sha256).digest(),
                                   base64.b64decode(trailer["Hmac"])):
            raise ValueError("the register's answer failed its HMAC check")
        out: dict[str, Any] = json.loads(text)
        return out

    def call(self, category: str, body: dict[str, Any], service_id: str | None = None) -> dict[str, Any] | None:
        header = {"ProtocolVersion": "3.0", "MessageClass": "Service", "MessageCategory": category,
                  "MessageType": "Request", "ServiceID": service_id or secrets.token_hex(5),
                  "SaleID": self.sale_id, "POIID": self.poi_id}
        request = {"SaleToPOIRequest": {"MessageHeader": header, f"{category}Request": body}}
        reply = self.http.post(self.endpoint, json=self._seal(request))
        if reply.status_code != 200:  # refused before the key was known: the reason is in clear
            raise RuntimeError(reply.json()["SaleToPOIResponse"])
        return self._open(reply.json())["SaleToPOIResponse"] if reply.content else None

    def _payment(self, body: dict[str, Any], service_id: str) -> dict[str, Any] | None:
        """One PaymentRequest; None when no answer came (timeout, dropped connection)."""
        self.running = service_id
        try:
            answer = self.call("Payment", body, service_id)
        except httpx.TransportError:
            return None
        return answer["PaymentResponse"] if answer else None

    def _status(self, service_id: str) -> dict[str, Any] | None:
        """TransactionStatus of one request; None when the register did not answer (restarting)."""
        try:
            answer = self.call("TransactionStatus", {"MessageReference": {
                "MessageCategory": "Payment", "SaleID": self.sale_id, "ServiceID": service_id}})
        except httpx.TransportError:
            return None
        return answer["TransactionStatusResponse"] if answer else None

    def abort(self) -> None:
        """The cashier cancels: an AbortRequest for the running payment. Its answer decides
        nothing: the payment's own answer says whether the customer paid."""
        try:
            reference = {"MessageCategory": "Payment", "SaleID": self.sale_id, "ServiceID": self.running}
            answer = self.call("Abort", {"MessageReference": reference, "AbortReason": "MerchantAbort"})
        except (httpx.TransportError, RuntimeError) as exc:
            print(f"abort not delivered ({exc}); the payment's answer decides", file=sys.stderr)
            return
        refused = answer["AbortResponse"]["Response"] if answer else None
        print(f"abort refused: {refused['ErrorCondition']}" if refused else "abort accepted", file=sys.stderr)

    def pay(self, amount: int, currency: str, transaction_id: str, code: str | None, *,
            abort_after: float = 0.0, poll: float = 2.0, give_up: float = 600.0) -> dict[str, Any]:
        """One payment, never paid twice: when the answer is lost or is not a verdict, ask
        TransactionStatus until it is final; when the register never got the request (NotFound),
        repeat it with the same SaleTransactionID (it is the sale, so never a second charge).
        ``abort_after`` > 0: the cashier cancels after that many seconds."""
        body: dict[str, Any] = {
            "SaleData": {"SaleTransactionID": {"TransactionID": transaction_id,
                                               "TimeStamp": datetime.now(UTC).isoformat()}},
            "PaymentTransaction": {"AmountsReq": {"Currency": currency, "RequestedAmount": amount}}}
        if code is not None:
            body["PaymentData"] = {"PaymentInstrumentData": {"PaymentInstrumentType": "Mobile", "CardData": {
                "PaymentToken": {"TokenRequestedType": "Transaction", "TokenValue": code}}}}
        timer = threading.Timer(abort_after, self.abort) if abort_after > 0 else None
        deadline = time.monotonic() + give_up
        service_id = secrets.token_hex(5)
        if timer:
            timer.start()
        try:
            payment = self._payment(body, service_id)
            repeats = 0
            while payment is None or payment["Response"].get("ErrorCondition") in NOT_A_VERDICT:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no final answer for {transaction_id}: check the register")
                status = self._status(service_id)
                condition = status["Response"].get("ErrorCondition") if status else None
                if status and status["Response"]["Result"] == "Success":
                    # The payment's own recorded answer: always final.
                    repeated = status["RepeatedMessageResponse"]["RepeatedResponseMessageBody"]
                    return dict(repeated["PaymentResponse"])
                if condition == "NotFound" and repeats < 3:
                    repeats += 1  # the register never got it: the same sale again, a new ServiceID
                    service_id = secrets.token_hex(5)
                    payment = self._payment(body, service_id)
                    continue
                if condition == "NotFound":
                    return {"Response": {"Result": "Failure", "ErrorCondition": "NotFound"}}
                time.sleep(poll)  # InProgress, or the register is not answering yet
            return payment
        finally:
            if timer:
                timer.cancel()


def sandbox_code(wallet: str, customer: str) -> str:
    """Demo only: the customer's current payment code, from the sandbox wallet."""
    reply = httpx.post(f"{wallet}/sandbox/customers/{customer}/payment-codes", timeout=10)
    reply.raise_for_status()
    return str(reply.json()["payment_code"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairing", required=True, help="the pairing JSON file")
    p.add_argument("--amount", type=int, required=True, help="minor units (JPY: yen)")
    p.add_argument("--currency", default="JPY")
    p.add_argument("--sale-id", default="REFERENCE-POS")
    p.add_argument("--transaction-id", help="the SaleTransactionID (default: a new one)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--code", help="the payment code the POS's scanner read")
    which.add_argument("--customer", help="demo: take this sandbox customer's current code")
    p.add_argument("--abort-after", type=float, default=0.0,
                   help="the cashier cancels after this many seconds (0: never)")
    p.add_argument("--poll", type=float, default=2.0, help="seconds between TransactionStatus requests")
    args = p.parse_args(argv)
    with open(args.pairing, encoding="utf-8") as fh:
        pairing = json.load(fh)
    code = args.code
    if args.customer:
        code = sandbox_code(pairing["sandbox_wallet"], args.customer)
    elif code is None and "sandbox_wallet" in pairing:
        code = sandbox_code(pairing["sandbox_wallet"], "alice")
    register = Register(pairing, args.sale_id)
    try:
        transaction_id = args.transaction_id or f"sale-{secrets.token_hex(4)}"
        payment = register.pay(args.amount, args.currency, transaction_id, code,
                               abort_after=args.abort_after, poll=args.poll)
    except TimeoutError as exc:
        print(f"UNKNOWN: {exc}")
        return 2
    response = payment["Response"]
    details = dict(parse_qsl(response.get("AdditionalResponse", "")))
    if response["Result"] == "Success":
        charge = payment["POIData"]["POITransactionID"]["TransactionID"]
        print(f"APPROVED {args.amount} {args.currency}: charge {charge}, approval {details.get('approvalCode')}, "
              f"{details.get('wallet')} ****{details.get('codeLast4')}")
        for line in payment.get("PaymentReceipt", [{}])[0].get("OutputContent", {}).get("OutputText", []):
            print("  | " + line["Text"])
        return 0
    print(f"NOT PAID: {response.get('ErrorCondition')} {details.get('message') or ''}".rstrip())
    return 1


if __name__ == "__main__":
    sys.exit(main())
