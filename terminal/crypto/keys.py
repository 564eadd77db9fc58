"""Signing keys as the HTTP signature code sees them: an algorithm, a way to sign, a raw public key.

`KeySigner` is deliberately tiny so that a key which never leaves its token (PKCS#11: TPM, HSM,
SoftHSM) can implement it as well as an in-memory key. Public keys travel in their raw form
(32-byte Ed25519, 65-byte uncompressed P-256 point), base64 in JSON, as the Wallet API fixes.

The signature primitives themselves come from http-message-signatures' algorithm classes
(ED25519, ECDSA_P256_SHA256: the latter already converts to and from RFC 9421's raw r||s).
Our own code here only builds key objects from raw bytes, which the library does not do.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from http_message_signatures import HTTPMessageSignaturesException
from http_message_signatures.algorithms import ECDSA_P256_SHA256, ED25519, HTTPSignatureAlgorithm

from terminal.crypto.errors import UnsupportedAlg

PublicKeyObject = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKeyObject = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


class Alg(StrEnum):
    """RFC 9421 algorithm names PayTerm accepts (3.3.6 ed25519, 3.3.4 ecdsa-p256-sha256)."""

    ED25519 = "ed25519"
    ECDSA_P256_SHA256 = "ecdsa-p256-sha256"

    @classmethod
    def parse(cls, value: object) -> Alg:
        """The Alg for a wire value; UnsupportedAlg for anything else (e.g. rsa, hmac)."""
        if isinstance(value, str) and value in cls._value2member_map_:
            return cls(value)
        raise UnsupportedAlg(f"unsupported signature algorithm {value!r}")


LIBRARY_ALGORITHMS: dict[Alg, type[HTTPSignatureAlgorithm]] = {
    Alg.ED25519: ED25519,
    Alg.ECDSA_P256_SHA256: ECDSA_P256_SHA256,
}

RAW_PUBLIC_KEY_LENGTH = {Alg.ED25519: 32, Alg.ECDSA_P256_SHA256: 65}


@runtime_checkable
class KeySigner(Protocol):
    """A private key that can sign: in memory, or inside a PKCS#11 token (never extractable)."""

    @property
    def alg(self) -> Alg: ...

    def sign(self, data: bytes) -> bytes:
        """Ed25519: 64 bytes; ECDSA P-256: raw r||s, 64 bytes (RFC 9421 3.3.4)."""
        ...

    def public_key_bytes(self) -> bytes:
        """Raw public key: 32 bytes Ed25519, 65-byte uncompressed P-256 point."""
        ...


def _raw_public(key: PublicKeyObject) -> bytes:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


class PrivateKeySigner:
    """KeySigner over a cryptography Ed25519 or P-256 private key held in memory."""

    def __init__(self, key: PrivateKeyObject) -> None:
        if isinstance(key, ed25519.Ed25519PrivateKey):
            self._alg = Alg.ED25519
        elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
            self._alg = Alg.ECDSA_P256_SHA256
        else:
            raise UnsupportedAlg("only Ed25519 and ECDSA P-256 private keys can sign")
        self._key = key
        self._algorithm = LIBRARY_ALGORITHMS[self._alg](private_key=key)

    @classmethod
    def generate(cls, alg: Alg = Alg.ED25519) -> PrivateKeySigner:
        if alg is Alg.ED25519:
            return cls(ed25519.Ed25519PrivateKey.generate())
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @property
    def alg(self) -> Alg:
        return self._alg

    @property
    def private_key(self) -> PrivateKeyObject:
        """The key object, for a key store that persists it (encrypted)."""
        return self._key

    def sign(self, data: bytes) -> bytes:
        return bytes(self._algorithm.sign(data))

    def public_key_bytes(self) -> bytes:
        return _raw_public(self._key.public_key())

    def __repr__(self) -> str:  # never show key material
        return f"PrivateKeySigner(alg={self._alg.value})"


@dataclass(frozen=True)
class VerifyKey:
    """A public key with its algorithm; `public_key` is the raw form (see KeySigner)."""

    alg: Alg
    public_key: bytes

    def __post_init__(self) -> None:
        # Fail at construction (enrollment, key pinning), not at the first verification.
        self.key_object()

    @classmethod
    def from_signer(cls, signer: KeySigner) -> VerifyKey:
        return cls(Alg(signer.alg), signer.public_key_bytes())

    def key_object(self) -> PublicKeyObject:
        """The cryptography public key (the library verifies with key objects, not raw bytes)."""
        if len(self.public_key) != RAW_PUBLIC_KEY_LENGTH[self.alg]:
            raise ValueError(
                f"a raw {self.alg.value} public key is {RAW_PUBLIC_KEY_LENGTH[self.alg]} bytes, "
                f"got {len(self.public_key)}"
            )
        if self.alg is Alg.ED25519:
            return ed25519.Ed25519PublicKey.from_public_bytes(self.public_key)
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), self.public_key)

    def verify(self, signature: bytes, data: bytes) -> bool:
        algorithm = LIBRARY_ALGORITHMS[self.alg](public_key=self.key_object())
        try:
            algorithm.verify(signature, data)
        except (CryptoInvalidSignature, HTTPMessageSignaturesException, ValueError):
            return False
        return True


def public_key_b64(raw: bytes) -> str:
    """Standard base64 of a raw public key, as in the Wallet API's `public_key` fields."""
    return base64.b64encode(raw).decode("ascii")


def public_key_from_b64(s: str) -> bytes:
    """Raw public key bytes from standard base64; ValueError if it is not base64."""
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("public key is not valid base64") from exc
