"""The end of day as a CSV file for the back office: one row per figure (journal beside wallet,
and whether they differ) and one per difference found charge by charge."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from terminal.config.writer import write_atomically
from terminal.register.reconcile import Reconciliation, TotalsPair

HEADER = ("kind", "currency", "figure", "journal", "wallet", "differs", "reference", "charge_id", "message")


@dataclass(frozen=True)
class Figure:
    name: str  # "approved count", "approved amount", …
    journal: int
    wallet: int

    @property
    def differs(self) -> bool:
        return self.journal != self.wallet


def figures(pair: TotalsPair) -> list[Figure]:
    return [
        Figure("approved count", pair.journal_approved_count, pair.wallet_approved_count),
        Figure("approved amount", pair.journal_approved_amount, pair.wallet_approved_amount),
        Figure("refunded count", pair.journal_refunded_count, pair.wallet_refunded_count),
        Figure("refunded amount", pair.journal_refunded_amount, pair.wallet_refunded_amount),
        Figure("net amount", pair.journal_net, pair.wallet_net),
    ]


def reconciliation_csv(rec: Reconciliation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for pair in rec.totals:
        for f in figures(pair):
            writer.writerow(("total", pair.currency, f.name, f.journal, f.wallet, int(f.differs), "", "", ""))
    for d in rec.differences:
        writer.writerow(("difference", "", d.kind.value, "", "", 1, d.reference or "", d.charge_id or "", d.message))
    return out.getvalue()


def write_csv(rec: Reconciliation, directory: Path) -> Path:
    path = directory / f"end-of-day-{rec.day.isoformat()}.csv"
    write_atomically(path, reconciliation_csv(rec))
    return path
