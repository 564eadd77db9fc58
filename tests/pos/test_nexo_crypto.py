"""NexoBlob + SecurityTrailer: our code against itself, against the published derivation, and
against the official Adyen Node library (both directions, no HTTP)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from terminal.pos import nexo_crypto as nc
from tests.pos.adyen import adyen_key, run_adyen

PASS = "k3Yw-8mZq2xT9vB4nR7pL1sD6fH0jC5a"
HEADER = {
    "ProtocolVersion": "3.0",
    "MessageClass": "Service",
    "MessageCategory": "Payment",
    "MessageType": "Request",
    "ServiceID": "0001",
    "SaleID": "POS-1",
    "POIID": "PayTerm-1",
}
REQUEST = {
    "SaleToPOIRequest": {
        "MessageHeader": HEADER,
        "PaymentRequest": {
            "SaleData": {"SaleTransactionID": {"TransactionID": "T-1", "TimeStamp": "2026-12-03T07:00:00Z"}},
            "PaymentTransaction": {"AmountsReq": {"Currency": "JPY", "RequestedAmount": 1200}},
        },
    }
}


def test_derivation_is_pbkdf2_sha1_split_hmac_cipher_iv() -> None:
    # Node asks PBKDF2 for 640 bytes and uses the first 80; PBKDF2 blocks are independent, so
    # those are the 80-byte derivation. Order: HMAC key, cipher key, IV mask.
    raw = hashlib.pbkdf2_hmac("sha1", PASS.encode(), b"AdyenNexoV1Salt", 4000, 640)
    keys = nc.derive_keys(PASS)
    assert (keys.hmac_key, keys.cipher_key, keys.iv_mask) == (raw[:32], raw[32:64], raw[64:80])
    assert PASS not in repr(keys) and keys.hmac_key.hex() not in repr(keys)


def test_round_trip_and_fresh_nonce() -> None:
    keys = nc.derive_keys(PASS)
    text = json.dumps(REQUEST).encode()
    blob1, trailer1 = nc.seal(text, keys, key_identifier="pos-1", key_version=1)
    blob2, trailer2 = nc.seal(text, keys, key_identifier="pos-1", key_version=1)
    assert trailer1.nonce != trailer2.nonce and blob1 != blob2
    assert text not in blob1
    assert nc.open_blob(blob1, trailer1, keys) == text


@pytest.mark.parametrize("what", ["blob", "hmac", "nonce", "passphrase", "truncated"])
def test_any_change_is_bad_mac(what: str) -> None:
    keys = nc.derive_keys(PASS)
    blob, trailer = nc.seal(json.dumps(REQUEST).encode(), keys, key_identifier="pos-1", key_version=1)
    if what == "blob":
        blob = blob[:-17] + bytes([blob[-17] ^ 1]) + blob[-16:]
    elif what == "hmac":
        trailer = nc.SecurityTrailer("pos-1", 1, trailer.nonce, bytes(32))
    elif what == "nonce":
        trailer = nc.SecurityTrailer("pos-1", 1, bytes(16), trailer.hmac)
    elif what == "passphrase":
        keys = nc.derive_keys(PASS + "x")
    else:
        blob = blob[:-16]
    with pytest.raises(nc.BadMac):
        nc.open_blob(blob, trailer, keys)


def test_crypto_version_other_than_1_is_refused() -> None:
    keys = nc.derive_keys(PASS)
    blob, t = nc.seal(b"{}", keys, key_identifier="pos-1", key_version=1)
    with pytest.raises(nc.UnsupportedCryptoVersion):
        nc.open_blob(blob, nc.SecurityTrailer("pos-1", 1, t.nonce, t.hmac, crypto_version=2), keys)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {},
        {"SaleToPOIRequest": []},
        {"SaleToPOIRequest": {"MessageHeader": HEADER}},
        {
            "SaleToPOIRequest": {
                "MessageHeader": HEADER,
                "NexoBlob": "!!",
                "SecurityTrailer": {
                    "KeyIdentifier": "k",
                    "KeyVersion": 1,
                    "AdyenCryptoVersion": 1,
                    "Nonce": "AAAA",
                    "Hmac": "AA==",
                },
            }
        },
        {
            "SaleToPOIRequest": {
                "MessageHeader": HEADER,
                "NexoBlob": "AAAA",
                "SecurityTrailer": {"KeyIdentifier": "k", "KeyVersion": True, "AdyenCryptoVersion": 1},
            }
        },
    ],
)
def test_malformed_envelopes(body: object) -> None:
    with pytest.raises(nc.MalformedSecuredMessage):
        nc.parse_secured(body)


def test_official_client_encrypts_we_decrypt() -> None:
    out = run_adyen({"mode": "encrypt", "key": adyen_key("pos-1", PASS), "request": REQUEST})
    secured = nc.parse_secured(out["secured"])
    assert secured.trailer.key_identifier == "pos-1" and secured.trailer.key_version == 1
    assert secured.header["ServiceID"] == "0001"
    plain = nc.open_blob(secured.blob, secured.trailer, nc.derive_keys(PASS))
    assert json.loads(plain) == REQUEST


def test_we_encrypt_official_client_decrypts() -> None:
    answer: dict[str, Any] = {
        "SaleToPOIResponse": {
            "MessageHeader": {**HEADER, "MessageType": "Response"},
            "PaymentResponse": {"Response": {"Result": "Success"}},
        }
    }
    text = json.dumps(answer, ensure_ascii=False).encode()
    blob, trailer = nc.seal(text, nc.derive_keys(PASS), key_identifier="pos-1", key_version=1)
    secured = nc.secured_json(
        "SaleToPOIResponse", answer["SaleToPOIResponse"]["MessageHeader"], blob, trailer
    )
    out = run_adyen({"mode": "decrypt", "key": adyen_key("pos-1", PASS), "secured": secured})
    assert json.loads(out["plain"]) == answer


def test_official_client_refuses_our_blob_under_another_passphrase() -> None:
    blob, trailer = nc.seal(
        b'{"SaleToPOIResponse": {}}', nc.derive_keys(PASS + "x"), key_identifier="pos-1", key_version=1
    )
    out = run_adyen(
        {
            "mode": "decrypt",
            "key": adyen_key("pos-1", PASS),
            "secured": nc.secured_json("SaleToPOIResponse", HEADER, blob, trailer),
        }
    )
    assert "error" in out, out
    assert base64.b64encode(blob).decode() not in out["message"]
