"""Payment-code classification: scanned text -> a payment code for a wallet, or a reason to refuse.

Every rejection carries a message the cashier can act on. `MALFORMED` is different from the
others: it marks text that looks like a payment code but fails its checks (a numeric code of a
known wallet with the wrong length, an EMV payload that does not parse). That is the signature of
a misread, so scanners drop it silently and wait for a clean read instead of showing an error.

The code itself is a bearer token: `PaymentCode` keeps it out of its repr and offers only a hash
and the last four characters for the journal and logs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum

from terminal.domain.emv import CPM_PREFIX, EmvCpmPayload, EmvParseError, parse_emv_cpm
from terminal.domain.wallet_schemes import SchemeKind, WalletScheme, WalletSchemes

MIN_NUMERIC_LENGTH = 16
MAX_NUMERIC_LENGTH = 24


class Symbology(Enum):
    """Barcode formats the register tells apart; only QR and Code 128 carry payment codes."""

    QR_CODE = "QR Code"
    CODE_128 = "Code 128"
    EAN_13 = "EAN-13"
    EAN_8 = "EAN-8"
    UPC_A = "UPC-A"
    UPC_E = "UPC-E"
    OTHER = "other"
    KEYED = "scanner"  # a handheld scanner's text: the symbology is not reported


PAYMENT_SYMBOLOGIES = frozenset({Symbology.QR_CODE, Symbology.CODE_128, Symbology.KEYED})


class CodeKind(Enum):
    NUMERIC = "numeric"
    EMV_CPM = "emv-cpm"


class RejectReason(Enum):
    NOT_A_PAYMENT_CODE = "not_a_payment_code"
    NOT_ACCEPTED = "not_accepted"
    ALREADY_USED = "already_used"
    MALFORMED = "malformed"
    NOT_READY = "not_ready"  # no sale waits for a code: enter the amount first
    BUSY = "busy"  # a payment is in progress


MESSAGES = {
    RejectReason.NOT_A_PAYMENT_CODE: "This is not a payment code.",
    RejectReason.NOT_ACCEPTED: "{wallet} is not accepted at this register.",
    RejectReason.ALREADY_USED: "This code was already used - ask the customer to refresh it.",
    RejectReason.MALFORMED: "The code could not be read cleanly - scan it again.",
    RejectReason.NOT_READY: "Enter the amount first, then scan the code.",
    RejectReason.BUSY: "A payment is in progress: finish or cancel it first.",
}


def code_digest(code: str) -> str:
    """What the journal and the used-code guard keep instead of the code."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PaymentCode:
    """A code this register may send to its wallet."""

    value: str = field(repr=False)
    scheme: WalletScheme
    kind: CodeKind
    emv: EmvCpmPayload | None = field(default=None, repr=False)

    @property
    def wallet_name(self) -> str:
        return self.scheme.name

    @property
    def last4(self) -> str:
        return self.value[-4:]

    @property
    def digest(self) -> str:
        return code_digest(self.value)


@dataclass(frozen=True)
class Rejection:
    reason: RejectReason
    message: str
    wallet_name: str | None = None

    @classmethod
    def of(cls, reason: RejectReason, wallet: WalletScheme | None = None) -> Rejection:
        name = wallet.name if wallet else None
        return cls(reason, MESSAGES[reason].format(wallet=name or "This wallet"), name)


Classification = PaymentCode | Rejection


class PaymentCodeClassifier:
    """Tells wallet, acceptance and reuse from scanned text; `accepted` holds scheme ids."""

    def __init__(self, schemes: WalletSchemes, accepted: frozenset[str] | None = None) -> None:
        self.schemes = schemes
        known = {s.id for s in schemes.schemes}
        chosen = schemes.default_accepted() if accepted is None else frozenset(accepted)
        unknown = chosen - known
        if unknown:
            raise ValueError(f"accepted schemes not in wallets.toml: {sorted(unknown)}")
        self.accepted = chosen

    def classify(self, text: str, symbology: Symbology) -> Classification:
        """Which wallet's code this is, or why it is none. Whether it was used before is the
        journal's to say (its used-codes memory), when the code is about to be sent."""
        if symbology not in PAYMENT_SYMBOLOGIES:
            return Rejection.of(RejectReason.NOT_A_PAYMENT_CODE)
        return self._identify(text, symbology)

    def _identify(self, text: str, symbology: Symbology) -> Classification:
        if text.startswith(CPM_PREFIX):
            if symbology is Symbology.CODE_128:
                return Rejection.of(RejectReason.NOT_A_PAYMENT_CODE)
            return self._emv(text)
        if text.isascii() and text.isdigit():
            return self._numeric(text)
        return Rejection.of(RejectReason.NOT_A_PAYMENT_CODE)

    def _numeric(self, digits: str) -> Classification:
        best: tuple[int, WalletScheme] | None = None
        for scheme in self.schemes.schemes:
            prefix = scheme.matches_number(digits)
            if prefix is not None and (best is None or len(prefix) > best[0]):
                best = (len(prefix), scheme)
        if best is None:
            if any(s.claims_prefix(digits) for s in self.schemes.schemes) and (
                MIN_NUMERIC_LENGTH - 2 <= len(digits) <= MAX_NUMERIC_LENGTH + 2
            ):
                return Rejection.of(RejectReason.MALFORMED)
            return Rejection.of(RejectReason.NOT_A_PAYMENT_CODE)
        scheme = best[1]
        if scheme.id not in self.accepted:
            return Rejection.of(RejectReason.NOT_ACCEPTED, scheme)
        return PaymentCode(digits, scheme, CodeKind.NUMERIC)

    def _emv(self, text: str) -> Classification:
        try:
            payload = parse_emv_cpm(text)
        except EmvParseError:
            return Rejection.of(RejectReason.MALFORMED)
        known: WalletScheme | None = None
        for app in payload.applications:
            for scheme in self.schemes.schemes:
                if scheme.matches_aid(app.aid_hex):
                    if scheme.id in self.accepted:
                        return PaymentCode(text, scheme, CodeKind.EMV_CPM, payload)
                    known = known or scheme
        if known is not None:
            return Rejection.of(RejectReason.NOT_ACCEPTED, known)
        return Rejection.of(RejectReason.NOT_A_PAYMENT_CODE)


__all__ = [
    "Classification",
    "CodeKind",
    "PaymentCode",
    "PaymentCodeClassifier",
    "RejectReason",
    "Rejection",
    "SchemeKind",
    "Symbology",
    "code_digest",
]
