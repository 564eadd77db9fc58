"""Audit anchors: a register's signed audit head, kept per device, answered with the wallet's
signed receipt. The register cannot later show a log that is shorter than, or different from,
what it anchored: the wallet has the head and the register's own signature over it."""

from __future__ import annotations

import base64
import binascii
import sqlite3

from sandbox.clock import to_datetime
from sandbox.devices import current_key
from sandbox.errors import Conflict, NotFound, Unprocessable
from sandbox.keys import WalletKeys
from terminal.crypto.anchor import anchor_receipt_message, audit_entry_message
from terminal.wallet.messages import AuditAnchorReceipt, AuditAnchorRequest, ProblemCode


def _receipt(row: sqlite3.Row, device_id: str) -> AuditAnchorReceipt:
    return AuditAnchorReceipt(device_id=device_id, seq=row["seq"], head_hash=row["head_hash"],
                              anchored_at=row["anchored_at"], keyid=row["keyid"],
                              signature=row["receipt_signature"])


def anchor(conn: sqlite3.Connection, device_id: str, req: AuditAnchorRequest, keys: WalletKeys,
           now: int) -> AuditAnchorReceipt:
    try:
        signature = base64.b64decode(req.signature, validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    if not current_key(conn, device_id).verify(signature, audit_entry_message(req.head_hash)):
        raise Unprocessable(ProblemCode.AUDIT_ANCHOR_INVALID, "The head is not signed by this device's key")
    latest = conn.execute("SELECT * FROM audit_anchors WHERE device_id = ? ORDER BY seq DESC LIMIT 1",
                          (device_id,)).fetchone()
    if latest is not None:
        if latest["seq"] == req.seq and latest["head_hash"] == req.head_hash:
            return _receipt(latest, device_id)  # the same head again: the same receipt
        if req.seq <= latest["seq"]:
            raise Conflict(ProblemCode.AUDIT_ANCHOR_INVALID, "The audit head goes back",
                           f"entry {latest['seq']} was already anchored; a log only grows")
    anchored_at = to_datetime(now).strftime("%Y-%m-%dT%H:%M:%SZ")
    message = anchor_receipt_message(device_id, req.seq, req.head_hash, anchored_at)
    receipt_signature = base64.b64encode(keys.signer.sign(message)).decode("ascii")
    conn.execute(
        "INSERT INTO audit_anchors(device_id, seq, head_hash, device_signature, anchored_at, keyid, "
        "receipt_signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (device_id, req.seq, req.head_hash, req.signature, anchored_at, keys.sign_keyid, receipt_signature))
    return AuditAnchorReceipt(device_id=device_id, seq=req.seq, head_hash=req.head_hash, anchored_at=anchored_at,
                              keyid=keys.sign_keyid, signature=receipt_signature)


def latest(conn: sqlite3.Connection, device_id: str) -> AuditAnchorReceipt:
    row = conn.execute("SELECT * FROM audit_anchors WHERE device_id = ? ORDER BY seq DESC LIMIT 1",
                       (device_id,)).fetchone()
    if row is None:
        raise NotFound(ProblemCode.NOT_FOUND, "This device has anchored no audit head yet")
    return _receipt(row, device_id)
