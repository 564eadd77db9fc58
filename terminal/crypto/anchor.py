"""The bytes signed when a register anchors its audit head at the wallet (Wallet API
``POST /v1/devices/audit-anchor``), shared by the register and the wallet so that both sign and
verify exactly the same thing.

- The register sends its last audit entry's ``seq``, ``head_hash`` and that entry's signature by
  the device key, which is over ``audit_entry_message(head_hash)`` (the hash covers the seq).
- The wallet answers with a receipt signed by its response key over
  ``anchor_receipt_message(device_id, seq, head_hash, anchored_at)``.
"""

from __future__ import annotations

import json

AUDIT_ENTRY_DOMAIN = b"payterm audit entry v1\n"
ANCHOR_RECEIPT_DOMAIN = b"payterm audit anchor receipt v1\n"
KEY_ROTATION_DOMAIN = b"payterm audit key rotation v1\n"


def audit_entry_message(head_hash: str) -> bytes:
    return AUDIT_ENTRY_DOMAIN + head_hash.encode("ascii")


def anchor_receipt_message(device_id: str, seq: int, head_hash: str, anchored_at: str) -> bytes:
    body = json.dumps([device_id, seq, head_hash, anchored_at], separators=(",", ":"), ensure_ascii=True)
    return ANCHOR_RECEIPT_DOMAIN + body.encode("ascii")


def key_rotation_message(prev_hash: str, old_public_key: str, new_public_key: str) -> bytes:
    """What the NEW device key signs in the audit log's ``audit.key_rotated`` entry (the entry
    itself is signed by the old key): both keys vouch for the hand-over, at that point of the log."""
    return KEY_ROTATION_DOMAIN + "\n".join([prev_hash, old_public_key, new_public_key]).encode("ascii")
