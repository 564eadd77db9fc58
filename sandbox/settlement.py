"""End-of-day totals for one register, to reconcile with its journal.

For a store-local date: the charges this device made that day (each with its current status and
refunded amount), and per currency: approved (count, amount), cancelled (count, amount), refunds
made that day on this device's charges (count, amount), and net = approved - refunded.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date

from sandbox.charges import Device, refresh
from terminal.wallet.messages import ChargeStatus, SettlementCharge, SettlementResponse, SettlementTotal


def settlement(conn: sqlite3.Connection, device: Device, day: date, now: int) -> SettlementResponse:
    rows = conn.execute(
        "SELECT * FROM charges WHERE device_id = ? AND business_date = ? ORDER BY rowid",
        (device.id, day.isoformat()),
    ).fetchall()
    rows = [refresh(conn, r, now) for r in rows]
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        t = totals[r["currency"]]
        if r["status"] == ChargeStatus.APPROVED.value:
            t["approved_count"] += 1
            t["approved_amount"] += r["amount"]
        elif r["status"] == ChargeStatus.CANCELLED.value:
            t["cancelled_count"] += 1
            t["cancelled_amount"] += r["amount"]
    for ref in conn.execute(
        "SELECT r.currency, r.amount FROM refunds r JOIN charges c ON c.id = r.charge_id"
        " WHERE c.device_id = ? AND r.business_date = ?",
        (device.id, day.isoformat()),
    ):
        t = totals[ref["currency"]]
        t["refunded_count"] += 1
        t["refunded_amount"] += ref["amount"]
    return SettlementResponse(
        date=day, device_id=device.id, store_id=device.store_id, timezone=device.timezone,
        totals=[
            SettlementTotal(
                currency=cur,
                approved_count=t["approved_count"], approved_amount=t["approved_amount"],
                cancelled_count=t["cancelled_count"], cancelled_amount=t["cancelled_amount"],
                refunded_count=t["refunded_count"], refunded_amount=t["refunded_amount"],
                net_amount=t["approved_amount"] - t["refunded_amount"],
            )
            for cur, t in sorted(totals.items())
        ],
        charges=[
            SettlementCharge(id=r["id"], merchant_reference=r["merchant_reference"],
                             status=ChargeStatus(r["status"]), amount=r["amount"], currency=r["currency"],
                             refunded_amount=r["refunded_amount"])
            for r in rows
        ],
    )
