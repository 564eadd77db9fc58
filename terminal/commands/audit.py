"""`payterm audit verify`: check the journal's hash-chained audit log (exit 1 on a break)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from terminal.config import ConfigError, configured_journal_path
from terminal.journal import ChainVerification, JournalError, verify_chain

EXIT_OK, EXIT_BROKEN, EXIT_UNUSABLE = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="check the journal's tamper-evident audit log")
    actions = audit.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="walk the hash chain; exit 1 at the first broken link")
    verify.add_argument("--journal", type=Path, help="journal file (default: journal.path from the config)")
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    verify.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    try:
        result = verify_chain(configured_journal_path(args.journal))
    except (ConfigError, JournalError) as exc:
        print(f"payterm audit verify: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(json.dumps(as_json(result)) if args.json else as_text(result))
    return EXIT_OK if result.ok else EXIT_BROKEN


def as_json(result: ChainVerification) -> dict[str, object]:
    broken = result.broken
    return {
        "ok": result.ok,
        "count": result.count,
        "head": result.head_hash,
        "broken": None
        if broken is None
        else {"seq": broken.seq, "kind": broken.kind.value, "message": broken.message},
    }


def as_text(result: ChainVerification) -> str:
    if result.broken is None:
        if result.head_hash is None:
            return "audit log intact: no entries yet"
        return f"audit log intact: {result.count} entries, head {result.head_hash}"
    broken = result.broken
    return (
        f"audit log BROKEN at entry {broken.seq} ({broken.kind.value}): {broken.message}\n"
        f"{result.count} entries before it verified"
    )
