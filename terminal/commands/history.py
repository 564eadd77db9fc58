"""`payterm history`: one day's sales from the journal, with the day's totals."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

from terminal.commands.amount_arg import minor_units
from terminal.config import ConfigError, configured_journal_path
from terminal.domain.money import format_signed
from terminal.domain.operation import Standing
from terminal.journal import CurrencyTotals, HistoryQuery, JournalError, Reader, SaleEntry, SaleState


def register(sub: argparse._SubParsersAction) -> None:
    history = sub.add_parser("history", help="list a day's sales from the journal")
    history.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD, local time (default: today)")
    history.add_argument("--journal", type=Path, help="journal file (default: journal.path from the config)")
    history.add_argument("--state", type=SaleState, choices=sorted(SaleState, key=str), metavar="STATE")
    history.add_argument("--last4", help="last four characters of the payment code")
    history.add_argument("--reference", help="merchant reference")
    history.add_argument("--amount", type=minor_units, help="amount in minor units")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(func=run)


def local_day(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in the register's local time zone."""
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return start, end


def run(args: argparse.Namespace) -> int:
    day = args.date or datetime.now().astimezone().date()
    since, until = local_day(day)
    query = HistoryQuery(
        since=since,
        until=until,
        amount=args.amount,
        last4=args.last4,
        reference=args.reference,
        state=args.state,
    )
    try:
        reader = Reader(configured_journal_path(args.journal))
        sales = reader.history_entries(query)
        totals = reader.totals(since, until)
    except (ConfigError, JournalError) as exc:
        print(f"payterm history: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(
                {
                    "date": day.isoformat(),
                    "sales": [sale_json(s) for s in sales],
                    "totals": [t.as_json() for t in totals],
                },
                ensure_ascii=False,
            )
        )
    else:
        print(as_text(day, sales, totals))
    return 0


def sale_json(entry: SaleEntry) -> dict[str, object]:
    sale, balance = entry.sale, entry.balance
    return {
        "idempotency_key": sale.idempotency_key,
        "created_at": sale.created_at.isoformat(),
        "state": sale.state.value,
        "amount": sale.amount,
        "currency": sale.currency,
        "last4": sale.code_last4,
        "wallet": sale.wallet,
        "reference": sale.merchant_reference,
        "charge_id": sale.charge_id,
        "approval_code": sale.approval_code,
        "decline_code": sale.decline_code,
        "standing": balance.standing.value,
        "left_to_refund": balance.left.amount if balance.approved else 0,
        "operations": [
            {"kind": op.kind.value, "state": op.state.value, "amount": op.amount, "currency": op.currency,
             "created_at": op.created_at.isoformat(), "idempotency_key": op.idempotency_key,
             "wallet_ref": op.wallet_ref, "actor": op.actor}
            for op in entry.operations
        ],
    }


def shown_state(entry: SaleEntry) -> str:
    """The sale's state, or once money went back, what it came to (refunded, voided…)."""
    standing = entry.balance.standing
    return entry.sale.state.value if standing in {Standing.OTHER, Standing.APPROVED} else standing.value


def as_text(day: date, sales: list[SaleEntry], totals: list[CurrencyTotals]) -> str:
    lines = [f"sales on {day.isoformat()}: {len(sales)}"]
    for entry in sales:
        s = entry.sale
        outcome = s.approval_code or s.decline_code or ""
        lines.append(
            f"{s.created_at.astimezone():%H:%M:%S}  {shown_state(entry):<15} {s.money.format():>14}  "
            f"…{s.code_last4}  {s.wallet:<12} {s.merchant_reference:<16} {outcome}"
        )
        for op in entry.operations:
            lines.append(f"          {op.kind.value} {op.money.format()} {op.state.value}"
                         f" ({op.created_at.astimezone():%H:%M:%S})")
        if entry.operations and entry.balance.approved:
            lines.append(f"          left to refund: {entry.balance.left.format()}")
    for t in totals:
        lines.append(
            f"{t.currency}: approved {t.approved_count} ({format_signed(t.approved_amount, t.currency)}), "
            f"refunded {t.refunded_count} ({format_signed(t.refunded_amount, t.currency)}), "
            f"voided {t.voided_count} ({format_signed(t.voided_amount, t.currency)}), "
            f"declined {t.declined_count}, reversed {t.reversed_count}, "
            f"net {format_signed(t.net_amount, t.currency)}"
        )
    return "\n".join(lines)
