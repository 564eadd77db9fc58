"""A Z close as the CLI prints it: plain text, or one JSON object (every figure in minor units)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from terminal.domain.money import format_signed
from terminal.journal.records import DayCloseRecord


def _local(at: datetime, timezone: str) -> str:
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S")


def close_as_json(close: DayCloseRecord) -> dict[str, object]:
    def span(value: tuple[str, datetime] | None) -> dict[str, str] | None:
        return None if value is None else {"reference": value[0], "at": value[1].isoformat()}
    return {
        "z_number": close.z_number, "business_day": close.business_day.isoformat(),
        "closed_at": close.closed_at.isoformat(), "timezone": close.timezone, "actor": close.actor,
        "sales": close.sale_count, "refunds_and_voids": close.operation_count,
        "first_sale": span(close.first_sale), "last_sale": span(close.last_sale),
        "figures": [f.as_json() for f in close.figures],
    }


def close_as_text(close: DayCloseRecord) -> str:
    tz = close.timezone
    lines = [f"Z {close.z_number}: business day {close.business_day.isoformat()} ({tz}), "
             f"closed {_local(close.closed_at, tz)} by {close.actor}",
             f"{close.sale_count} sale(s), {close.operation_count} refund(s)/void(s)"]
    if close.first_sale is not None and close.last_sale is not None:
        lines.append(f"sales from {close.first_sale[0]} ({_local(close.first_sale[1], tz)}) "
                     f"to {close.last_sale[0]} ({_local(close.last_sale[1], tz)})")
    for f in close.figures:
        c = f.currency
        lines += [f"{c} approved  {f.approved_count:>5}  {format_signed(f.approved_amount, c):>14}",
                  f"{c} declined  {f.declined_count:>5}",
                  f"{c} reversed  {f.reversed_count:>5}",
                  f"{c} refunded  {f.refunded_count:>5}  {format_signed(-f.refunded_amount, c):>14}",
                  f"{c} voided    {f.voided_count:>5}  {format_signed(-f.voided_amount, c):>14}",
                  f"{c} net              {format_signed(f.net_amount, c):>14}"]
    if not close.figures:
        lines.append("no sales")
    return "\n".join(lines)
