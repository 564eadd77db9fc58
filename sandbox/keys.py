"""The wallet's own keys: an Ed25519 key that signs every /v1 response and an X25519 key that
PIN blocks are sealed to. Made once when the database is created and kept in it (this is a test
wallet; a production wallet would keep them in an HSM)."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_der_private_key,
)

from terminal.crypto import Alg, PrivateKeySigner


@dataclass(frozen=True)
class WalletKeys:
    sign_keyid: str
    signer: PrivateKeySigner
    pin_keyid: str
    pin_private: x25519.X25519PrivateKey

    @property
    def sign_public(self) -> bytes:
        return self.signer.public_key_bytes()

    @property
    def sign_alg(self) -> Alg:
        return self.signer.alg

    @property
    def pin_public(self) -> bytes:
        return self.pin_private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def __repr__(self) -> str:
        return f"WalletKeys(sign={self.sign_keyid}, pin={self.pin_keyid})"


def _pkcs8(key: ed25519.Ed25519PrivateKey | x25519.X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())


def create_wallet_keys(conn: sqlite3.Connection) -> None:
    """Make both keys (inside the caller's transaction)."""
    tag = secrets.token_hex(4)
    conn.execute(
        "INSERT INTO wallet_keys(kind, keyid, private_pkcs8) VALUES ('sign', ?, ?)",
        (f"sandbox-wallet-{tag}", _pkcs8(ed25519.Ed25519PrivateKey.generate())),
    )
    conn.execute(
        "INSERT INTO wallet_keys(kind, keyid, private_pkcs8) VALUES ('pin', ?, ?)",
        (f"sandbox-pin-{tag}", _pkcs8(x25519.X25519PrivateKey.generate())),
    )


def load_wallet_keys(conn: sqlite3.Connection) -> WalletKeys:
    rows = {r["kind"]: r for r in conn.execute("SELECT kind, keyid, private_pkcs8 FROM wallet_keys")}
    sign = load_der_private_key(bytes(rows["sign"]["private_pkcs8"]), password=None)
    pin = load_der_private_key(bytes(rows["pin"]["private_pkcs8"]), password=None)
    if not isinstance(sign, ed25519.Ed25519PrivateKey) or not isinstance(pin, x25519.X25519PrivateKey):
        raise RuntimeError("wallet_keys table holds keys of the wrong type")
    return WalletKeys(rows["sign"]["keyid"], PrivateKeySigner(sign), rows["pin"]["keyid"], pin)
