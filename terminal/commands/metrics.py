"""`payterm metrics [--textfile PATH]`: the register's counters in the Prometheus text format, for
node_exporter's textfile collector (the package's `payterm-metrics.timer` writes
/var/lib/prometheus/node-exporter/payterm.prom every minute).

Counters come from the journal and its audit log (so they survive restarts and never go back
unless a journal is restored); gauges say how the register stands now. With ``--textfile`` the
file is replaced atomically (written beside it, then renamed), as the collector requires.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from terminal import __version__
from terminal.commands.common import CommandError, Exit, fail, settings
from terminal.journal.errors import JournalError
from terminal.journal.schema import LATEST_VERSION
from terminal.register.doctor import FINAL_OUTCOMES, Counters, journal_counters, journal_facts


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("metrics", help="print the register's counters for Prometheus (textfile collector)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--textfile", type=Path, metavar="PATH",
                   help="write PATH atomically instead of printing (e.g. .../node-exporter/payterm.prom)")
    p.add_argument("--journal", type=Path, help="the journal file (default: journal.path from the config)")
    p.set_defaults(func=run)


def _sample(name: str, value: float, labels: dict[str, str] | None = None) -> str:
    shown = "" if not labels else "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"
    return f"{name}{shown} {value}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _family(name: str, kind: str, text: str, samples: list[str]) -> list[str]:
    return [f"# HELP {name} {text}", f"# TYPE {name} {kind}", *samples]


def render(counters: Counters | None, schema: int | None, last_sale: datetime | None, unfinished: int | None,
           now: float) -> str:
    """The exposition text. Without counters (no journal yet, or one this program cannot read)
    only the gauges that are known are given, and ``payterm_journal_readable`` is 0."""
    lines = _family("payterm_build_info", "gauge", "PayTerm version and the journal schema it reads.",
                    [_sample("payterm_build_info", 1, {"version": __version__, "schema": str(LATEST_VERSION)})])
    lines += _family("payterm_journal_readable", "gauge",
                     "1 when this program can read the register's journal (it can take sales).",
                     [_sample("payterm_journal_readable", int(counters is not None))])
    if schema is not None:
        lines += _family("payterm_journal_schema_version", "gauge", "The journal file's schema version.",
                         [_sample("payterm_journal_schema_version", schema)])
    if counters is not None:
        lines += _family("payterm_sales_total", "counter", "Sales that ended, by outcome.",
                         [_sample("payterm_sales_total", n, {"outcome": o}) for o, n in counters.sales.items()])
        lines += _family("payterm_sales_in_doubt_total", "counter",
                         "Times a sale's outcome was unknown (timeout, dropped connection, 5xx, unverifiable answer).",
                         [_sample("payterm_sales_in_doubt_total", counters.in_doubt)])
        lines += _family("payterm_reversals_total", "counter", "Sales reversed at the wallet.",
                         [_sample("payterm_reversals_total", counters.reversals)])
        lines += _family("payterm_wallet_errors_total", "counter",
                         "Wallet calls that ended without a usable answer (sales, refunds and voids put in doubt).",
                         [_sample("payterm_wallet_errors_total", counters.wallet_errors)])
        lines += _family("payterm_scanner_reads_total", "counter",
                         "Payment codes read by the scanner or camera and sent to the wallet.",
                         [_sample("payterm_scanner_reads_total", counters.codes_read)])
        ops = [_sample("payterm_operations_total", n, {"kind": key.split(":")[0], "state": key.split(":")[1]})
               for key, n in sorted(counters.operations.items())]
        if ops:
            lines += _family("payterm_operations_total", "counter", "Refunds and voids, by kind and state.", ops)
    if unfinished is not None:
        lines += _family("payterm_unfinished_sales", "gauge", "Sales not yet approved, declined or reversed.",
                         [_sample("payterm_unfinished_sales", unfinished)])
    if last_sale is not None:
        lines += _family("payterm_last_sale_timestamp_seconds", "gauge", "When the newest sale was started.",
                         [_sample("payterm_last_sale_timestamp_seconds", round(last_sale.timestamp(), 3))])
    lines += _family("payterm_metrics_timestamp_seconds", "gauge", "When these figures were written.",
                     [_sample("payterm_metrics_timestamp_seconds", round(now, 3))])
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(part, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        part.chmod(0o644)  # the collector runs as another user; nothing secret in here
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    try:
        journal = args.journal if args.journal is not None else settings().settings.journal.path
        schema, last_sale, unfinished = journal_facts(journal)
        counters: Counters | None = None
        if schema is None and not journal.exists():  # a new register: nothing counted yet
            counters = Counters({o: 0 for o in FINAL_OUTCOMES}, 0, 0, 0, 0, {})
        elif schema == LATEST_VERSION:
            try:
                counters = journal_counters(journal)
            except JournalError as exc:
                print(f"payterm metrics: {exc}", file=sys.stderr)
        text = render(counters, schema, last_sale, unfinished, time.time())
        if args.textfile is None:
            sys.stdout.write(text)
        else:
            write_atomically(args.textfile, text)
    except CommandError as exc:
        return fail("metrics", exc)
    except OSError as exc:
        return fail("metrics", CommandError(f"cannot write {args.textfile}: {exc}"))
    return int(Exit.OK)
