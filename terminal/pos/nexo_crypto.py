"""NexoBlob + SecurityTrailer: the message protection of Adyen's local Terminal API.

The POS and the register share a passphrase per POS. From it both derive, with
PBKDF2-HMAC-SHA1 (salt ``AdyenNexoV1Salt``, 4000 iterations, 80 bytes), an HMAC key (bytes 0-31),
an AES-256 key (32-63) and an IV mask (64-79). A message is the JSON of the whole
``{"SaleToPOIRequest": ...}`` (or ``SaleToPOIResponse``) object:

- ``NexoBlob``  = base64(AES-256-CBC(PKCS#7 padded JSON), key, IV = mask XOR nonce))
- ``Hmac``      = base64(HMAC-SHA256(hmac key, the JSON in clear))
- ``Nonce``     = base64(16 random bytes), new for every message

and travels as ``{"SaleToPOIRequest": {"MessageHeader": ..., "NexoBlob": ..., "SecurityTrailer":
{"AdyenCryptoVersion": 1, "KeyIdentifier", "KeyVersion", "Nonce", "Hmac"}}}``, the header in
clear. This is what the official Adyen API libraries (Node, Java, .NET) do, so their clients work
with the register unchanged.

The derivation is deliberately cheap and unsalted per user, so the passphrase must carry the
strength itself: PayTerm makes every passphrase (``pairing``) and never accepts a human-chosen one.
The register keeps only the derived keys, never the passphrase.

A failed HMAC and a broken padding are one and the same error (``BadMac``), raised after the same
work, so that the answer tells an attacker nothing about the plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.padding import PKCS7

SALT: Final = b"AdyenNexoV1Salt"
ITERATIONS: Final = 4000
HMAC_KEY_LENGTH: Final = 32
CIPHER_KEY_LENGTH: Final = 32
IV_LENGTH: Final = 16
CRYPTO_VERSION: Final = 1


class NexoCryptoError(Exception):
    """A protected message that cannot be opened; nothing in it may be acted on."""


class MalformedSecuredMessage(NexoCryptoError):
    """The envelope lacks a field, has the wrong type or is not valid base64."""


class UnsupportedCryptoVersion(NexoCryptoError):
    """AdyenCryptoVersion other than 1."""


class BadMac(NexoCryptoError):
    """The HMAC does not match (wrong passphrase, or the blob was altered)."""


@dataclass(frozen=True, slots=True)
class DerivedKeys:
    """The key material of one passphrase. ``repr`` shows nothing secret."""

    hmac_key: bytes
    cipher_key: bytes
    iv_mask: bytes

    def __post_init__(self) -> None:
        if (len(self.hmac_key), len(self.cipher_key), len(self.iv_mask)) != (
            HMAC_KEY_LENGTH,
            CIPHER_KEY_LENGTH,
            IV_LENGTH,
        ):
            raise ValueError("derived keys have the wrong lengths")

    def __repr__(self) -> str:
        return "DerivedKeys(<secret>)"

    def to_bytes(self) -> bytes:
        return self.hmac_key + self.cipher_key + self.iv_mask

    @classmethod
    def from_bytes(cls, material: bytes) -> DerivedKeys:
        h, c = HMAC_KEY_LENGTH, HMAC_KEY_LENGTH + CIPHER_KEY_LENGTH
        return cls(material[:h], material[h:c], material[c : c + IV_LENGTH])


def derive_keys(passphrase: str) -> DerivedKeys:
    """PBKDF2-HMAC-SHA1 as the Adyen libraries do it (Node reads the passphrase as latin-1)."""
    material = hashlib.pbkdf2_hmac(
        "sha1",
        passphrase.encode("latin-1"),
        SALT,
        ITERATIONS,
        HMAC_KEY_LENGTH + CIPHER_KEY_LENGTH + IV_LENGTH,
    )
    return DerivedKeys.from_bytes(material)


@dataclass(frozen=True, slots=True)
class SecurityTrailer:
    key_identifier: str
    key_version: int
    nonce: bytes
    hmac: bytes
    crypto_version: int = CRYPTO_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "AdyenCryptoVersion": self.crypto_version,
            "Hmac": base64.b64encode(self.hmac).decode("ascii"),
            "KeyIdentifier": self.key_identifier,
            "KeyVersion": self.key_version,
            "Nonce": base64.b64encode(self.nonce).decode("ascii"),
        }


@dataclass(frozen=True, slots=True)
class SecuredMessage:
    """The envelope as received: header in clear, blob still closed."""

    header: dict[str, Any]
    blob: bytes
    trailer: SecurityTrailer


def _cipher(keys: DerivedKeys, nonce: bytes) -> Cipher[modes.CBC]:
    iv = bytes(a ^ b for a, b in zip(keys.iv_mask, nonce, strict=True))
    return Cipher(algorithms.AES(keys.cipher_key), modes.CBC(iv))


def _mac(keys: DerivedKeys, plaintext: bytes) -> bytes:
    return hmac.new(keys.hmac_key, plaintext, hashlib.sha256).digest()


def seal(
    plaintext: bytes, keys: DerivedKeys, *, key_identifier: str, key_version: int, nonce: bytes | None = None
) -> tuple[bytes, SecurityTrailer]:
    """Encrypt and MAC one message; a fresh random nonce unless one is given (tests only)."""
    nonce = os.urandom(IV_LENGTH) if nonce is None else nonce
    if len(nonce) != IV_LENGTH:
        raise ValueError("the nonce has 16 bytes")
    padder = PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    enc = _cipher(keys, nonce).encryptor()
    blob = enc.update(padded) + enc.finalize()
    return blob, SecurityTrailer(key_identifier, key_version, nonce, _mac(keys, plaintext))


def open_blob(blob: bytes, trailer: SecurityTrailer, keys: DerivedKeys) -> bytes:
    """Decrypt and check the HMAC in constant time; ``BadMac`` for any mismatch or bad padding."""
    if trailer.crypto_version != CRYPTO_VERSION:
        raise UnsupportedCryptoVersion(f"AdyenCryptoVersion {trailer.crypto_version} is not supported")
    if not blob or len(blob) % 16:
        raise BadMac("the blob cannot be opened with this key")
    dec = _cipher(keys, trailer.nonce).decryptor()
    padded = dec.update(blob) + dec.finalize()
    unpadder = PKCS7(128).unpadder()
    try:
        plaintext = unpadder.update(padded) + unpadder.finalize()
        padding_ok = True
    except ValueError:
        plaintext, padding_ok = padded, False
    mac_ok = hmac.compare_digest(_mac(keys, plaintext), trailer.hmac)
    if not (mac_ok and padding_ok):
        raise BadMac("the blob cannot be opened with this key")
    return plaintext


def _b64(value: object, name: str, length: int | None = None) -> bytes:
    if not isinstance(value, str) or not value:
        raise MalformedSecuredMessage(f"{name} is missing or not a string")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise MalformedSecuredMessage(f"{name} is not base64") from None
    if length is not None and len(raw) != length:
        raise MalformedSecuredMessage(f"{name} has {len(raw)} bytes, expected {length}")
    return raw


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedSecuredMessage(f"{name} is missing or not an integer")
    return value


def parse_secured(body: object, root: str = "SaleToPOIRequest") -> SecuredMessage:
    """The envelope ``{root: {MessageHeader, NexoBlob, SecurityTrailer}}``, checked for shape."""
    inner = body.get(root) if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        raise MalformedSecuredMessage(f"expected a JSON object with {root}")
    header = inner.get("MessageHeader")
    trailer = inner.get("SecurityTrailer")
    if not isinstance(header, dict):
        raise MalformedSecuredMessage("MessageHeader is missing")
    if not isinstance(trailer, dict):
        raise MalformedSecuredMessage("SecurityTrailer is missing")
    key_id = trailer.get("KeyIdentifier")
    if not isinstance(key_id, str) or not key_id:
        raise MalformedSecuredMessage("KeyIdentifier is missing")
    version = _int(trailer.get("KeyVersion"), "KeyVersion")
    crypto_version = _int(trailer.get("AdyenCryptoVersion"), "AdyenCryptoVersion")
    return SecuredMessage(
        header=header,
        blob=_b64(inner.get("NexoBlob"), "NexoBlob"),
        trailer=SecurityTrailer(
            key_identifier=key_id,
            key_version=version,
            nonce=_b64(trailer.get("Nonce"), "Nonce", IV_LENGTH),
            hmac=_b64(trailer.get("Hmac"), "Hmac", 32),
            crypto_version=crypto_version,
        ),
    )


def secured_json(root: str, header: dict[str, Any], blob: bytes, trailer: SecurityTrailer) -> dict[str, Any]:
    return {
        root: {
            "MessageHeader": header,
            "NexoBlob": base64.b64encode(blob).decode("ascii"),
            "SecurityTrailer": trailer.to_json(),
        }
    }
