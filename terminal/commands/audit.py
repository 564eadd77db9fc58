"""`payterm audit verify`: check the journal's keyed audit log (exit 1 on any break).

It checks the hash chain, every entry's signature with the device's public key (read from the key
store's public part: no KEK, passphrase or token PIN), every sale, refund/void and manager-PIN row
against its latest entry, and the wallet's latest anchor receipt with the pinned wallet key (from
the enrollment file). Entries after the anchored one are listed as "not yet anchored".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from terminal.config import ConfigError
from terminal.config.loader import load_settings
from terminal.crypto.keys import VerifyKey
from terminal.crypto.keystore import KeyStoreError
from terminal.commands.common import CommandError, Exit
from terminal.journal import ChainVerification, JournalError, verify_chain
from terminal.journal.records import AnchorReceipt
from terminal.register.enrollment import NotEnrolled
from terminal.register.anchoring import anchor_audit
from terminal.wallet.errors import WalletError, WalletRejected
from terminal.register.setup import audit_verify_key, load_enrollment, open_journal, open_keys, wallet_client

EXIT_OK, EXIT_BROKEN, EXIT_UNUSABLE = 0, 1, 2
MAX_LISTED = 50


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help="check the journal's tamper-evident audit log")
    actions = audit.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify", help="check the chain, the signatures, the rows and the wallet's anchor; exit 1 on a break")
    verify.add_argument("--journal", type=Path, help="journal file (default: journal.path from the config)")
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    verify.add_argument("--wallet", action="store_true",
                        help="also ask the wallet for its latest anchor of this register's log (finds a log cut "
                             "back behind an anchor even when the local receipt was deleted too)")
    verify.set_defaults(func=run_verify)
    anchor = actions.add_parser(
        "anchor", help="send the signed audit head to the wallet now and keep its receipt "
                       "(the register does it at start-up and at end of day)")
    anchor.set_defaults(func=run_anchor)


def run_anchor(args: argparse.Namespace) -> int:
    try:
        loaded = load_settings()
        enrollment = load_enrollment(loaded)
        with open_journal(loaded.settings) as journal, wallet_client(
                loaded.settings, enrollment, open_keys(loaded.settings)) as client:
            receipt = anchor_audit(journal, client)
    except (ConfigError, JournalError, KeyStoreError, NotEnrolled) as exc:
        print(f"payterm audit anchor: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if receipt is None:
        print("payterm audit anchor: not anchored (no signed entry yet, or the wallet could not be "
              "reached: see the log; it is tried again at the next start)", file=sys.stderr)
        return EXIT_BROKEN
    print(f"audit log anchored at the wallet up to entry {receipt.seq} ({receipt.anchored_at})")
    return EXIT_OK


def _keys() -> tuple[Path, VerifyKey | None, Mapping[str, VerifyKey] | None, str | None]:
    loaded = load_settings()
    try:
        key = audit_verify_key(loaded.settings)
    except KeyStoreError:
        key = None
    try:
        enrollment = load_enrollment(loaded)
    except NotEnrolled:
        return loaded.settings.journal.path, key, None, None
    return loaded.settings.journal.path, key, enrollment.wallet_keys, enrollment.device_id


def _wallet_receipt() -> AnchorReceipt | None:
    """The wallet's latest receipt for this register (None: it has none); raises CommandError."""
    loaded = load_settings()
    try:
        enrollment = load_enrollment(loaded)
        with wallet_client(loaded.settings, enrollment, open_keys(loaded.settings)) as client:
            answer = client.latest_audit_anchor()
    except WalletRejected as exc:
        if exc.status == 404:
            return None
        raise CommandError(f"the wallet refused: {exc}", Exit.FAILED) from None
    except (NotEnrolled, KeyStoreError, WalletError) as exc:
        raise CommandError(f"cannot ask the wallet: {exc}", Exit.FAILED) from None
    return AnchorReceipt(answer.device_id, answer.seq, answer.head_hash, answer.anchored_at, answer.keyid,
                         answer.signature)


def run_verify(args: argparse.Namespace) -> int:
    try:
        configured, key, wallet_keys, device_id = _keys()
        from_wallet = _wallet_receipt() if args.wallet else None
        result = verify_chain(args.journal or configured, key, wallet_keys=wallet_keys, device_id=device_id,
                              wallet_receipt=from_wallet)
    except CommandError as exc:
        print(f"payterm audit verify: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except (ConfigError, JournalError) as exc:
        print(f"payterm audit verify: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(json.dumps(as_json(result)) if args.json else as_text(result))
    return EXIT_OK if result.ok and result.signatures_checked else EXIT_BROKEN


def as_json(result: ChainVerification) -> dict[str, object]:
    broken = result.broken
    anchor = result.anchor
    return {
        "ok": result.ok and result.signatures_checked,
        "count": result.count,
        "head": result.head_hash,
        "unsigned_before_keyed_chain": result.unsigned_before,
        "signatures_checked": result.signatures_checked,
        "anchor": None if anchor is None else {"seq": anchor.seq, "head_hash": anchor.head_hash,
                                               "anchored_at": anchor.anchored_at},
        "not_anchored": [e.seq for e in result.not_anchored],
        "broken": None
        if broken is None
        else {"seq": broken.seq, "kind": broken.kind.value, "message": broken.message},
    }


def as_text(result: ChainVerification) -> str:
    if result.broken is not None:
        broken = result.broken
        return (
            f"audit log BROKEN at entry {broken.seq} ({broken.kind.value}): {broken.message}\n"
            f"{result.count} entries before it verified. Keep a copy of the journal and report it."
        )
    if result.head_hash is None:
        return "audit log intact: no entries yet"
    lines = [f"audit log intact: {result.count} entries, head {result.head_hash}"]
    if result.unsigned_before:
        lines.append(f"{result.unsigned_before} entries are unsigned, before the keyed chain "
                     "(written before schema v6 or before this register had a device key)")
    if not result.signatures_checked:
        lines.append("signatures NOT checked: this register's device key was not found "
                     "(run it as the register's user, with its config)")
    if result.anchor is not None:
        lines.append(f"anchored at the wallet up to entry {result.anchor.seq} "
                     f"(wallet receipt of {result.anchor.anchored_at}, signature checked)")
    else:
        lines.append("never anchored at the wallet (or the wallet's key is not known here)")
    if result.not_anchored:
        lines.append(f"not yet anchored: {len(result.not_anchored)} entries")
        lines.extend(f"  #{e.seq} {e.at} {e.actor} {e.action}" for e in result.not_anchored[-MAX_LISTED:])
    return "\n".join(lines)
