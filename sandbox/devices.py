"""Registers (devices): enrollment with a one-time code, their keys, key rotation.

A device signs with keyid = its device id. Rotation keeps the keyid and revokes the old key; a
request still signed with a revoked key is told so (revoked_key), not just "bad signature".
"""

from __future__ import annotations

import secrets
import sqlite3

from sandbox.clock import to_datetime
from sandbox.codes import enrollment_code_hash
from sandbox.errors import BadRequest, Unprocessable
from sandbox.keys import WalletKeys
from sandbox.seed import MERCHANT_NAME
from terminal.crypto import Alg, UnknownKey, VerifyKey, public_key_b64, public_key_from_b64
from terminal.wallet.messages import (
    ConfigHints,
    EnrollRequest,
    EnrollResponse,
    KeyAlg,
    PinKey,
    ProblemCode,
    RotateKeyRequest,
    RotateKeyResponse,
    WalletKey,
)

STEP_UP_MAX_SECONDS = 120


def verify_key_from(public_key_b64_text: str, alg: str) -> VerifyKey:
    """A VerifyKey from wire fields; ValueError (incl. UnsupportedAlg) if they do not make one."""
    return VerifyKey(Alg.parse(alg), public_key_from_b64(public_key_b64_text))


def current_key(conn: sqlite3.Connection, device_id: str) -> VerifyKey:
    row = conn.execute(
        "SELECT alg, public_key FROM device_keys WHERE device_id = ? AND revoked_at IS NULL",
        (device_id,),
    ).fetchone()
    if row is None:
        raise UnknownKey(f"keyid {device_id!r} is not an enrolled device")
    return VerifyKey(Alg(row["alg"]), bytes(row["public_key"]))


def revoked_keys(conn: sqlite3.Connection, device_id: str) -> list[VerifyKey]:
    rows = conn.execute(
        "SELECT alg, public_key FROM device_keys WHERE device_id = ? AND revoked_at IS NOT NULL",
        (device_id,),
    ).fetchall()
    return [VerifyKey(Alg(r["alg"]), bytes(r["public_key"])) for r in rows]


def enroll(conn: sqlite3.Connection, req: EnrollRequest, keys: WalletKeys, now: int) -> EnrollResponse:
    code = conn.execute(
        "SELECT e.*, s.merchant_id, s.name AS store_name, s.timezone, s.currency FROM enrollment_codes e"
        " JOIN stores s ON s.id = e.store_id WHERE e.code_hash = ?",
        (enrollment_code_hash(req.enrollment_code),),
    ).fetchone()
    if code is None:
        raise BadRequest(ProblemCode.ENROLLMENT_CODE_INVALID, "Unknown enrollment code")
    if code["used_at"] is not None:
        raise BadRequest(ProblemCode.ENROLLMENT_CODE_INVALID, "Enrollment code was already used")
    if code["expires_at"] <= now:
        raise BadRequest(ProblemCode.ENROLLMENT_CODE_INVALID, "Enrollment code has expired")
    key = _parse_key(req.public_key, req.alg)
    device_id = "dev_" + secrets.token_hex(8)
    count = conn.execute("SELECT COUNT(*) FROM devices WHERE store_id = ?", (code["store_id"],)).fetchone()[0]
    terminal_name = f"Register {count + 1}"
    conn.execute("INSERT INTO devices(id, store_id, terminal_name, created_at) VALUES (?, ?, ?, ?)",
                 (device_id, code["store_id"], terminal_name, now))
    conn.execute("INSERT INTO device_keys(device_id, alg, public_key, created_at) VALUES (?, ?, ?, ?)",
                 (device_id, key.alg.value, key.public_key, now))
    conn.execute("UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?",
                 (now, device_id, code["code_hash"]))
    return EnrollResponse(
        device_id=device_id, merchant_id=code["merchant_id"], store_id=code["store_id"],
        terminal_name=terminal_name,
        wallet_keys=[WalletKey(keyid=keys.sign_keyid, alg=KeyAlg(keys.sign_alg.value),
                               public_key=public_key_b64(keys.sign_public))],
        pin_key=PinKey(keyid=keys.pin_keyid, kem="X25519", kdf="HKDF-SHA256", aead="AES-128-GCM",
                       public_key=public_key_b64(keys.pin_public)),
        config_hints=ConfigHints(training=True, currency=code["currency"], timezone=code["timezone"],
                                 merchant_name=MERCHANT_NAME, store_name=code["store_name"],
                                 step_up_max_seconds=STEP_UP_MAX_SECONDS),
    )


def _parse_key(b64: str, alg: KeyAlg) -> VerifyKey:
    try:
        return verify_key_from(b64, alg.value)
    except ValueError as exc:
        raise Unprocessable(ProblemCode.KEY_INVALID, "public_key is not a valid key for alg", str(exc)) from None


def rotate(conn: sqlite3.Connection, device_id: str, req: RotateKeyRequest, now: int) -> RotateKeyResponse:
    """Replace the device's key (the caller has checked sig1 with the old and sig2 with the new)."""
    key = _parse_key(req.public_key, req.alg)
    if conn.execute("SELECT 1 FROM device_keys WHERE device_id = ? AND public_key = ?",
                    (device_id, key.public_key)).fetchone():
        raise Unprocessable(ProblemCode.KEY_INVALID, "The new key must differ from every earlier key")
    conn.execute("UPDATE device_keys SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
                 (now, device_id))
    conn.execute("INSERT INTO device_keys(device_id, alg, public_key, created_at) VALUES (?, ?, ?, ?)",
                 (device_id, key.alg.value, key.public_key, now))
    return RotateKeyResponse(device_id=device_id, alg=req.alg, public_key=public_key_b64(key.public_key),
                             rotated_at=to_datetime(now))
