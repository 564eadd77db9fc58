"""`payterm doctor`: can this register take payments? Config, enrollment, device key, wallet
(reachable, latency, clock skew), journal (schema) and audit chain, camera, serial scanner: each
OK, WARN or FAIL with a one-line fix. Exit 0 when nothing FAILs, 1 otherwise.

``--json`` prints one object: ``ok``, the facts a fleet dashboard wants (``version``,
``device_id``, ``timestamp``, ``wallet_latency_ms``, ``clock_skew_s``, ``key_store``,
``journal_schema``, ``program_schema``, ``last_sale_at``, ``unfinished_sales``; null when
unknown) and ``checks``.
"""

from __future__ import annotations

import argparse
import json

from terminal import __version__
from terminal.commands.common import Exit
from terminal.register.doctor import CheckResult, CheckStatus, Facts, diagnose

SOMETHING_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="check that this register can take payments",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = diagnose(version=__version__)
    if args.json:
        print(json.dumps({"ok": report.ok, **facts_json(report.facts), "checks": [as_json(r) for r in report.checks]},
                         ensure_ascii=False))
    else:
        print(as_text(report.checks))
    return int(Exit.OK) if report.ok else SOMETHING_FAILED


def facts_json(facts: Facts) -> dict[str, object]:
    return {
        "version": facts.version,
        "device_id": facts.device_id,
        "timestamp": facts.timestamp.isoformat().replace("+00:00", "Z"),
        "wallet_latency_ms": None if facts.wallet_latency_s is None else round(facts.wallet_latency_s * 1000, 1),
        "clock_skew_s": None if facts.clock_skew_s is None else round(facts.clock_skew_s, 2),
        "key_store": facts.key_store,
        "journal_schema": facts.journal_schema,
        "program_schema": facts.program_schema,
        "last_sale_at": None if facts.last_sale_at is None else facts.last_sale_at.isoformat().replace("+00:00", "Z"),
        "unfinished_sales": facts.unfinished_sales,
    }


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
