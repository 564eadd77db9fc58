"""PIN sealing (HPKE) between the terminal and the wallet: bound to one charge, tamper-evident."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from terminal.crypto.errors import PinBlockError, PinFormatError
from terminal.crypto.pin import open_pin, seal_pin


@pytest.fixture(scope="module")
def wallet_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def raw_public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@pytest.mark.parametrize("pin", ["0000", "1234", "00123456", "98765"])
def test_round_trip(wallet_key: X25519PrivateKey, pin: str) -> None:
    block = seal_pin(pin, "ch_1", raw_public(wallet_key))
    assert pin not in block
    assert open_pin(block, "ch_1", wallet_key) == pin


def test_sealing_is_randomised(wallet_key: X25519PrivateKey) -> None:
    public = raw_public(wallet_key)
    assert seal_pin("1234", "ch_1", public) != seal_pin("1234", "ch_1", public)


def test_wrong_charge_id_fails(wallet_key: X25519PrivateKey) -> None:
    block = seal_pin("1234", "ch_1", raw_public(wallet_key))
    with pytest.raises(PinBlockError):
        open_pin(block, "ch_2", wallet_key)


def test_wrong_private_key_fails(wallet_key: X25519PrivateKey) -> None:
    block = seal_pin("1234", "ch_1", raw_public(wallet_key))
    with pytest.raises(PinBlockError):
        open_pin(block, "ch_1", X25519PrivateKey.generate())


def test_every_tampered_byte_fails(wallet_key: X25519PrivateKey) -> None:
    raw = base64.b64decode(seal_pin("1234", "ch_1", raw_public(wallet_key)))
    for i in range(len(raw)):
        tampered = bytearray(raw)
        tampered[i] ^= 0x01
        with pytest.raises(PinBlockError):
            open_pin(base64.b64encode(bytes(tampered)).decode(), "ch_1", wallet_key)


@pytest.mark.parametrize("block", ["not base64!", "", "AAAA", base64.b64encode(b"x" * 32).decode()])
def test_garbage_blocks_fail(wallet_key: X25519PrivateKey, block: str) -> None:
    with pytest.raises(PinBlockError):
        open_pin(block, "ch_1", wallet_key)


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", " 1234", "1234\n", "١٢٣٤", "-123", "12.4"])
def test_bad_pin_formats_refused(wallet_key: X25519PrivateKey, pin: str) -> None:
    with pytest.raises(PinFormatError):
        seal_pin(pin, "ch_1", raw_public(wallet_key))


def test_non_pin_plaintext_refused_on_open(wallet_key: X25519PrivateKey) -> None:
    """A block that decrypts fine but does not hold 4-8 digits is refused too."""
    suite = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_128_GCM)
    sealed = suite.encrypt(b"12ab", wallet_key.public_key(), info=b"payterm-v1/pin/ch_1")
    with pytest.raises(PinBlockError):
        open_pin(base64.b64encode(sealed).decode(), "ch_1", wallet_key)


def test_bad_public_key_refused() -> None:
    with pytest.raises(ValueError):
        seal_pin("1234", "ch_1", b"\x00" * 31)
