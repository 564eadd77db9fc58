"""PIN sealing for step-up: the terminal encrypts the customer's PIN to the wallet's PIN key.

HPKE (RFC 9180) base mode, X25519 / HKDF-SHA256 / AES-128-GCM, single shot. The HPKE `info`
carries the charge id, so a sealed PIN block opens only for the charge it was made for: a PIN
block captured from one step-up cannot be replayed against another charge.

The block is `enc || ciphertext` (as produced by cryptography's one-shot `Suite.encrypt`),
standard base64. The PIN itself is never logged or stored; it lives only in local variables.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from terminal.crypto.errors import PinBlockError, PinFormatError

_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_128_GCM)
_INFO_PREFIX = b"payterm-v1/pin/"
PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8


def _info(charge_id: str) -> bytes:
    if not charge_id:
        raise ValueError("charge_id must not be empty")
    return _INFO_PREFIX + charge_id.encode("utf-8")


def _is_valid_pin(pin: str) -> bool:
    # isdigit() alone accepts non-ASCII digits such as "١٢٣٤"; the wallet compares ASCII.
    return (
        PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS
        and pin.isascii()
        and pin.isdigit()
    )


def seal_pin(pin: str, charge_id: str, pin_public_key: bytes) -> str:
    """Encrypt `pin` (4-8 ASCII digits) for the wallet, bound to `charge_id`.

    `pin_public_key` is the wallet's raw 32-byte X25519 key from enrollment.
    """
    if not _is_valid_pin(pin):
        raise PinFormatError(
            f"a PIN is {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits 0-9"
        )
    try:
        public_key = X25519PublicKey.from_public_bytes(pin_public_key)
    except ValueError as exc:
        raise ValueError("the wallet PIN key must be a raw 32-byte X25519 public key") from exc
    sealed = _SUITE.encrypt(pin.encode("ascii"), public_key, info=_info(charge_id))
    return base64.b64encode(sealed).decode("ascii")


def open_pin(pin_block_b64: str, charge_id: str, private_key: X25519PrivateKey) -> str:
    """Decrypt a PIN block made by `seal_pin` for `charge_id` (wallet side).

    Any failure (bad base64, wrong charge, wrong key, tampering, a plaintext that is not a PIN)
    raises `PinBlockError` with no detail about the content.
    """
    try:
        sealed = base64.b64decode(pin_block_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PinBlockError("PIN block is not valid base64") from exc
    try:
        plaintext = _SUITE.decrypt(sealed, private_key, info=_info(charge_id))
    except (InvalidTag, ValueError) as exc:
        raise PinBlockError("PIN block does not open for this charge") from exc
    try:
        pin = plaintext.decode("ascii")
    except UnicodeDecodeError as exc:
        raise PinBlockError("PIN block does not hold a PIN") from exc
    if not _is_valid_pin(pin):
        raise PinBlockError("PIN block does not hold a PIN")
    return pin


# --- the manager PIN ---------------------------------------------------------------------------
#
# The manager PIN is checked by the wallet, never by the register: a refund, a void, opening
# manager mode and changing the PIN each carry it sealed the same way, to the same wallet PIN key,
# but under an `info` that names the device, what it authorizes and the request's own fields
# (``manager_binding``). A block sealed for one refund does not open for another refund, another
# amount, another register, or a void.

_MANAGER_INFO_PREFIX = b"payterm-v1/manager-pin/"
MANAGER_PIN_MIN_DIGITS = 4
MANAGER_PIN_MAX_DIGITS = 12


def manager_binding(device_id: str, purpose: str, *fields: str | int) -> str:
    """What a sealed manager PIN is bound to: the device, the purpose (``verify``, ``change``,
    ``new``, ``refund``, ``void``, ``reversal``) and the request's fields, ``/``-separated."""
    parts = [device_id, purpose, *(str(f) for f in fields)]
    if not all(parts) or any("/" in p for p in parts):
        raise ValueError("a manager PIN binding needs non-empty parts without '/'")
    return "/".join(parts)


def _is_manager_pin(pin: str) -> bool:
    return MANAGER_PIN_MIN_DIGITS <= len(pin) <= MANAGER_PIN_MAX_DIGITS and pin.isascii() and pin.isdigit()


def seal_manager_pin(pin: str, binding: str, pin_public_key: bytes) -> str:
    """The manager PIN (4-12 ASCII digits) sealed for the wallet, bound to ``binding``."""
    if not _is_manager_pin(pin):
        raise PinFormatError(f"a manager PIN is {MANAGER_PIN_MIN_DIGITS} to {MANAGER_PIN_MAX_DIGITS} digits 0-9")
    try:
        public_key = X25519PublicKey.from_public_bytes(pin_public_key)
    except ValueError as exc:
        raise ValueError("the wallet PIN key must be a raw 32-byte X25519 public key") from exc
    sealed = _SUITE.encrypt(pin.encode("ascii"), public_key, info=_MANAGER_INFO_PREFIX + binding.encode())
    return base64.b64encode(sealed).decode("ascii")


def open_manager_pin(block_b64: str, binding: str, private_key: X25519PrivateKey) -> str:
    """Wallet side: the manager PIN in a block sealed for exactly ``binding``, or PinBlockError."""
    try:
        sealed = base64.b64decode(block_b64, validate=True)
        plaintext = _SUITE.decrypt(sealed, private_key, info=_MANAGER_INFO_PREFIX + binding.encode())
        pin = plaintext.decode("ascii")
    except (binascii.Error, ValueError, InvalidTag, UnicodeDecodeError) as exc:
        raise PinBlockError("manager PIN block does not open for this request") from exc
    if not _is_manager_pin(pin):
        raise PinBlockError("manager PIN block does not hold a PIN")
    return pin
