"""`payterm doctor`: can this register take payments? Config, enrollment, device key, wallet
(reachable, latency, clock skew), journal and audit chain, camera, serial scanner: each OK, WARN
or FAIL with a one-line fix. Exit 0 when nothing FAILs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json

from terminal.commands.common import Exit
from terminal.register.doctor import CheckResult, CheckStatus, run_checks

SOMETHING_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="check that this register can take payments",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    results = run_checks()
    ok = not any(r.status is CheckStatus.FAIL for r in results)
    if args.json:
        print(json.dumps({"ok": ok, "checks": [as_json(r) for r in results]}, ensure_ascii=False))
    else:
        print(as_text(results))
    return int(Exit.OK) if ok else SOMETHING_FAILED


def as_json(result: CheckResult) -> dict[str, str]:
    return {"check": result.check.value, "status": result.status.value, "detail": result.detail,
            "hint": result.hint}


def as_text(results: list[CheckResult]) -> str:
    lines: list[str] = []
    for r in results:
        lines.append(f"{r.status.value.upper():<8}{r.check.value:<16}{r.detail}")
        if r.hint and r.status in {CheckStatus.WARN, CheckStatus.FAIL}:
            lines.append(f"{'':24}fix: {r.hint}")
    return "\n".join(lines)
