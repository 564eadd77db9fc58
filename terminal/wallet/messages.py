"""Wallet API v1 wire messages (pydantic v2), shared by the sandbox wallet and the register.

Field names are the contract of docs/wallet-api.md: clients and wallets written in other
languages rely on them. Readers are tolerant (unknown fields are ignored) so that either side
may add fields without breaking the other. Amounts are strict integers in minor units: a float,
a bool or a numeric string is a validation error, never silently converted.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

# The domain owns the charge states and step-up methods; they are part of the wire contract too.
from terminal.domain.flow import ChargeStatus, StepUpMethod
from terminal.domain.money import CURRENCIES, MAX_AMOUNT

IDEMPOTENCY_KEY_PATTERN: Final = r"^[A-Za-z0-9_-]{8,128}$"
PROBLEM_TYPE_PREFIX: Final = "urn:payterm:problem:"
PROBLEM_CONTENT_TYPE: Final = "application/problem+json"


class DeclineCode(StrEnum):
    INSUFFICIENT_FUNDS = "insufficient_funds"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    UNKNOWN_CODE = "unknown_code"
    ACCOUNT_LOCKED = "account_locked"
    LIMIT_EXCEEDED = "limit_exceeded"
    STEP_UP_FAILED = "step_up_failed"
    STEP_UP_EXPIRED = "step_up_expired"
    STEP_UP_REJECTED = "step_up_rejected"
    CURRENCY_NOT_SUPPORTED = "currency_not_supported"
    CANCELLED = "cancelled"


class KeyAlg(StrEnum):
    """Device/wallet signature algorithms on the wire (same names as terminal.crypto.Alg)."""

    ED25519 = "ed25519"
    ECDSA_P256_SHA256 = "ecdsa-p256-sha256"


class ProblemCode(StrEnum):
    """Machine codes of problem+json errors (signature failures use the SignatureError codes)."""

    INVALID_JSON = "invalid_json"
    VALIDATION_ERROR = "validation_error"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    IDEMPOTENCY_KEY_MISSING = "idempotency_key_missing"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    CHARGE_NOT_FOUND = "charge_not_found"
    INVALID_STATE = "invalid_state"
    STEP_UP_METHOD_MISMATCH = "step_up_method_mismatch"
    PIN_BLOCK_INVALID = "pin_block_invalid"
    CANCEL_WINDOW_PASSED = "cancel_window_passed"
    KEY_CANCELLED = "idempotency_key_cancelled"  # a charge under a key cancelled by the register
    REFUND_EXCEEDS_CHARGE = "refund_exceeds_charge"
    CURRENCY_MISMATCH = "currency_mismatch"
    ENROLLMENT_CODE_INVALID = "enrollment_code_invalid"
    KEY_INVALID = "key_invalid"
    AUDIT_ANCHOR_INVALID = "audit_anchor_invalid"  # bad signature over the head, or a head going back
    SERVICE_UNAVAILABLE = "service_unavailable"
    FORBIDDEN = "forbidden"
    # The manager's authorization of refunds, voids and PIN changes, checked by the wallet.
    MANAGER_AUTHORIZATION_REQUIRED = "manager_authorization_required"
    MANAGER_AUTHORIZATION_INVALID = "manager_authorization_invalid"  # block does not open / nonce reused
    MANAGER_PIN_WRONG = "manager_pin_wrong"
    MANAGER_LOCKED = "manager_locked"
    MANAGER_PIN_NOT_SET = "manager_pin_not_set"
    MANAGER_PIN_ALREADY_SET = "manager_pin_already_set"
    MANAGER_PIN_POLICY = "manager_pin_policy"
    MANAGER_RESET_CODE_INVALID = "manager_reset_code_invalid"
    INTERNAL_ERROR = "internal_error"


Amount = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT, description="integer minor units")]
PositiveAmount = Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT, description="integer minor units, > 0")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
B64 = Annotated[str, Field(min_length=1, max_length=4096, pattern=r"^[A-Za-z0-9+/]+={0,2}$")]


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


def _known_currency(value: str) -> str:
    if value not in CURRENCIES:
        raise ValueError(f"unknown currency {value!r}")
    return value


# --- enrollment -----------------------------------------------------------------------------

class EnrollRequest(_Message):
    enrollment_code: str = Field(min_length=4, max_length=64)
    public_key: B64
    alg: KeyAlg


class WalletKey(_Message):
    keyid: str
    alg: KeyAlg
    public_key: str


class PinKey(_Message):
    keyid: str
    kem: Literal["X25519"]
    kdf: Literal["HKDF-SHA256"]
    aead: Literal["AES-128-GCM"]
    public_key: str


class ConfigHints(_Message):
    currency: CurrencyCode
    timezone: str
    merchant_name: str
    store_name: str
    step_up_max_seconds: int
    training: bool = Field(default=False, description="a test wallet: no real money moves (TRAINING banner)")


class EnrollResponse(_Message):
    device_id: str
    merchant_id: str
    store_id: str
    terminal_name: str
    wallet_keys: list[WalletKey]
    pin_key: PinKey
    config_hints: ConfigHints
    # One-time, short-lived: authorizes setting this register's first manager PIN at the wallet
    # (POST /v1/devices/manager-pin). Never stored by the register.
    manager_setup_token: str | None = None


class RotateKeyRequest(_Message):
    public_key: B64
    alg: KeyAlg


class RotateKeyResponse(_Message):
    device_id: str
    alg: KeyAlg
    public_key: str
    rotated_at: AwareDatetime


# --- audit anchor ---------------------------------------------------------------------------

class AuditAnchorRequest(_Message):
    """The register's signed audit head: its last entry's seq and hash, and that entry's signature
    by the device key (over ``terminal.crypto.anchor.audit_entry_message(head_hash)``)."""

    seq: Annotated[StrictInt, Field(ge=1, le=2**53)]
    head_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    signature: B64


class AuditAnchorReceipt(_Message):
    """The wallet's receipt: its response key's signature (``keyid``) over
    ``terminal.crypto.anchor.anchor_receipt_message(device_id, seq, head_hash, anchored_at)``."""

    device_id: str
    seq: StrictInt
    head_hash: str
    anchored_at: str = Field(description="RFC 3339 UTC time the wallet stored the anchor, as signed")
    keyid: str
    signature: B64


# --- charges --------------------------------------------------------------------------------

class ChargeRequest(_Message):
    amount: Amount
    currency: CurrencyCode
    payment_code: str = Field(pattern=r"^[0-9]{16,24}$", description="the customer's one-time code")
    merchant_reference: str = Field(min_length=1, max_length=64, pattern=r"^[\x20-\x7e]+$")
    items_summary: str | None = Field(default=None, max_length=500)

    _currency = field_validator("currency")(_known_currency)


class Decline(_Message):
    code: DeclineCode
    message: str


class StepUp(_Message):
    method: StepUpMethod
    expires_at: AwareDatetime
    attempts_left: int


class ChargeResponse(_Message):
    id: str
    status: ChargeStatus
    amount: int
    currency: str
    merchant_reference: str
    approval_code: str | None
    decline: Decline | None
    step_up: StepUp | None
    refunded_amount: int
    created_at: AwareDatetime
    wallet: str
    code_last4: str

    @model_validator(mode="after")
    def _complete(self) -> ChargeResponse:
        """An outcome carries what makes it one: an approval its approval code, a decline its
        reason. Without them an answer is not valid (and the outcome stays unknown)."""
        if self.status is ChargeStatus.APPROVED and not self.approval_code:
            raise ValueError("an approved charge needs its approval code")
        if self.status is ChargeStatus.DECLINED and self.decline is None:
            raise ValueError("a declined charge needs its decline reason")
        return self


class ChargeList(_Message):
    charges: list[ChargeResponse]


Nonce = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$", description="single-use, random")]


class ManagerAuthorization(_Message):
    """The manager PIN sealed to the wallet's PIN key (``terminal.crypto.pin.seal_manager_pin``),
    bound to this device, what it authorizes and the request's fields, plus a single-use nonce."""

    nonce: Nonce
    pin_block: B64


class CancelRequest(_Message):
    """Voiding an approved charge needs the manager; cancelling one still in progress does not."""

    manager_authorization: ManagerAuthorization | None = None


class ManagerPinVerifyRequest(_Message):
    authorization: ManagerAuthorization


class ManagerPinVerifyResponse(_Message):
    device_id: str
    nonce: str
    verified_at: AwareDatetime


class ManagerPinSetRequest(_Message):
    """Set this register's manager PIN at the wallet, authorized by exactly one of: the setup
    token from enrollment (first PIN), a one-time reset code from the wallet's admin (a forgotten
    PIN), or the current PIN (a change). PIN blocks are bound to ``new``/``change`` and ``nonce``."""

    nonce: Nonce
    new_pin_block: B64
    setup_token: str | None = Field(default=None, min_length=16, max_length=128)
    reset_code: str | None = Field(default=None, min_length=8, max_length=64)
    current_pin_block: B64 | None = None


class ManagerPinSetResponse(_Message):
    device_id: str
    nonce: str
    how: Literal["setup", "reset", "change"]
    set_at: AwareDatetime


class KeyCancelRequest(_Message):
    """Cancel by idempotency key: whatever was or will be charged under this key."""

    idempotency_key: str = Field(pattern=IDEMPOTENCY_KEY_PATTERN)


class KeyCancelResponse(_Message):
    """The wallet cancelled the charge made under the key (``charge``, now cancelled), or found
    none and keeps a tombstone (``charge`` null): a charge request arriving later under this key
    is refused with ``idempotency_key_cancelled``."""

    idempotency_key: str
    charge: ChargeResponse | None


class PinStepUpRequest(_Message):
    method: Literal["pin"]
    pin_block: B64


class OtpStepUpRequest(_Message):
    method: Literal["otp"]
    otp: str = Field(pattern=r"^[0-9]{6}$")


StepUpRequest = Annotated[PinStepUpRequest | OtpStepUpRequest, Field(discriminator="method")]


class RefundRequest(_Message):
    amount: PositiveAmount
    currency: CurrencyCode
    reason: str | None = Field(default=None, max_length=200)
    # The register's own reversal of a sale it could not void (all that is left, soon after the
    # charge): the only refund the wallet accepts without a manager's authorization.
    reversal: bool = False
    manager_authorization: ManagerAuthorization | None = None

    _currency = field_validator("currency")(_known_currency)


class RefundStatus(StrEnum):
    SUCCEEDED = "succeeded"


class RefundResponse(_Message):
    id: str
    charge_id: str
    status: RefundStatus
    amount: int
    currency: str
    created_at: AwareDatetime
    charge_refunded_amount: int


# --- settlement -----------------------------------------------------------------------------

class SettlementTotal(_Message):
    currency: str
    approved_count: int
    approved_amount: int
    cancelled_count: int
    cancelled_amount: int
    refunded_count: int
    refunded_amount: int
    net_amount: int


class SettlementCharge(_Message):
    id: str
    merchant_reference: str
    status: ChargeStatus
    amount: int
    currency: str
    refunded_amount: int


class SettlementResponse(_Message):
    date: date
    device_id: str
    store_id: str
    timezone: str
    totals: list[SettlementTotal]
    charges: list[SettlementCharge]


# --- errors ---------------------------------------------------------------------------------

class FieldError(_Message):
    loc: list[str | int]
    msg: str


class Problem(_Message):
    """RFC 9457 problem details; `code` is the stable machine code clients switch on."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None
    tries_left: int | None = None  # manager_pin_wrong: attempts before the lock-out
    locked_until: AwareDatetime | None = None  # manager_locked


def problem_type(code: str) -> str:
    return PROBLEM_TYPE_PREFIX + code
