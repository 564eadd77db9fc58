"""The latest wallet receipt for an anchored audit head, checked against the wallet's pinned key
and against the log: the anchored entry must still be there with the anchored hash. Entries after
it are "not yet anchored"."""

from __future__ import annotations

import base64
import binascii
import sqlite3
from collections.abc import Mapping

from terminal.crypto.anchor import anchor_receipt_message
from terminal.crypto.keys import VerifyKey
from terminal.journal.audit import has_signature_column
from terminal.journal.records import AnchorReceipt, AuditEntry, BreakKind, ChainBreak


def latest_receipt(conn: sqlite3.Connection) -> AnchorReceipt | None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_anchors'").fetchone() is None:
        return None
    row = conn.execute("SELECT device_id, seq, head_hash, anchored_at, keyid, signature FROM audit_anchors "
                       "ORDER BY seq DESC, id DESC LIMIT 1").fetchone()
    return None if row is None else AnchorReceipt(str(row[0]), int(row[1]), str(row[2]), str(row[3]),
                                                  str(row[4]), str(row[5]))


def receipt_valid(receipt: AnchorReceipt, wallet_keys: Mapping[str, VerifyKey]) -> bool:
    key = wallet_keys.get(receipt.keyid)
    if key is None:
        return False
    try:
        signature = base64.b64decode(receipt.signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    return key.verify(signature, anchor_receipt_message(receipt.device_id, receipt.seq, receipt.head_hash,
                                                        receipt.anchored_at))


def check_anchor(
    conn: sqlite3.Connection, wallet_keys: Mapping[str, VerifyKey] | None, device_id: str | None,
    from_wallet: AnchorReceipt | None = None,
) -> tuple[AnchorReceipt | None, tuple[AuditEntry, ...], ChainBreak | None]:
    """(verified receipt, entries after it, break). Without the wallet's keys the receipt is not
    trusted: every entry counts as not yet anchored. ``from_wallet``: the wallet's own latest
    receipt (``GET /v1/devices/audit-anchor``), used when it is later than the one kept here: it
    finds a log cut back behind an anchor whose local receipt was deleted too."""
    receipt = latest_receipt(conn)
    if from_wallet is not None and (receipt is None or from_wallet.seq > receipt.seq):
        receipt = from_wallet
    if receipt is not None and wallet_keys is not None:
        if not receipt_valid(receipt, wallet_keys) or (device_id is not None and receipt.device_id != device_id):
            return None, (), ChainBreak(receipt.seq, BreakKind.ANCHOR,
                                        f"the anchor receipt for entry {receipt.seq} is not signed by this "
                                        "register's wallet: it was forged or edited")
        row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (receipt.seq,)).fetchone()
        if row is None:
            return None, (), ChainBreak(receipt.seq, BreakKind.ANCHOR,
                                        f"the wallet anchored entry {receipt.seq}, which is no longer in the log: "
                                        "the log was cut back after it was anchored")
        if str(row[0]) != receipt.head_hash:
            return None, (), ChainBreak(receipt.seq, BreakKind.ANCHOR,
                                        f"entry {receipt.seq} is not the entry the wallet anchored: the log was "
                                        "rewritten after it was anchored")
    else:
        receipt = None
    after = receipt.seq if receipt is not None else 0
    signature = "signature" if has_signature_column(conn) else "NULL"
    rows = conn.execute(f"SELECT seq, at, actor, action, details, prev_hash, hash, {signature} FROM audit "  # noqa: S608
                        "WHERE seq > ? ORDER BY seq", (after,)).fetchall()
    return receipt, tuple(AuditEntry(*r) for r in rows), None
