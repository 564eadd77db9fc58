"""Anchoring the audit log's head at the wallet (Wallet API ``POST /v1/devices/audit-anchor``).

The register sends its last audit entry's seq, hash and device-key signature at start-up (at
the end of ``Register.recover``, which runs off the UI thread) and with every end of day, and keeps
the wallet's signed receipt in the journal. ``payterm audit verify`` then checks that the log still
holds the anchored entry: a log cut back or rewritten behind an anchor is found. A failure is
logged and tried again at the next occasion: it never blocks or fails a sale.
"""

from __future__ import annotations

import logging

from terminal.journal.records import AnchorReceipt
from terminal.journal.store import Journal
from terminal.wallet.client import WalletClient
from terminal.wallet.errors import WalletError

log = logging.getLogger(__name__)


def anchor_audit(journal: Journal, client: WalletClient) -> AnchorReceipt | None:
    """Anchor the current signed head; the stored receipt, or None (nothing signed yet, or the
    wallet could not be reached or answered wrongly: logged, to be retried next time)."""
    head = journal.signed_head()
    if head is None:
        return None
    seq, head_hash, signature = head
    try:
        answer = client.anchor_audit(seq, head_hash, signature)
    except WalletError as exc:
        log.warning("could not anchor the audit log at entry %d with the wallet (%s); "
                    "it is tried again at the next start or end of day", seq, exc)
        return None
    receipt = AnchorReceipt(answer.device_id, answer.seq, answer.head_hash, answer.anchored_at,
                            answer.keyid, answer.signature)
    journal.record_anchor(receipt)
    log.info("audit log anchored at the wallet up to entry %d", seq)
    return receipt
