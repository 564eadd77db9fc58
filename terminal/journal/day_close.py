"""The Z close in the journal: recording a close (inside one write transaction: the rule, the
figures, the Z number, the rows it takes and its audit entry commit together or not at all) and
reading closes back exactly as they were frozen.

Which rows a close takes is kept row by row (``day_close_members``), not as a time or rowid range:
a clock set back after a close, or a VACUUM renumbering rowids, cannot move a sale from one day
to another. The members' digest is in the close's row and its audit entry, so a row slipped into
or out of a closed day is found by ``payterm audit verify`` (``terminal.journal.rowcheck``).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from terminal.domain.affordance import Allowed
from terminal.domain.day_close import ClosingOperation, ClosingSale, can_close, figures_of
from terminal.domain.money import Money
from terminal.journal.audit import JsonValue, canonical_json
from terminal.journal.errors import JournalError
from terminal.journal.closes import CLOSE_COLUMNS, get_close, last_close, members_digest
from terminal.journal.queries import OPERATION_COLUMNS, SALE_COLUMNS, operation_from_row, sale_from_row
from terminal.journal.records import DayCloseRecord, to_db_time
from terminal.journal.states import FINAL_OPERATION_STATES, FINAL_STATES


class DayCloseRefused(JournalError):
    """The day may not be closed now (``allowed`` says why); ``last`` is the latest close, if any."""

    def __init__(self, allowed: Allowed, last: DayCloseRecord | None) -> None:
        super().__init__(allowed.detail)
        self.allowed = allowed
        self.last = last


def _sale_span(value: tuple[str, datetime] | None) -> str | None:
    return None if value is None else canonical_json([value[0], to_db_time(value[1])])


_OPEN_SALES = ("FROM sales s WHERE NOT EXISTS (SELECT 1 FROM day_close_members m "
               "WHERE m.kind = 'sale' AND m.key = s.idempotency_key)")
_OPEN_OPERATIONS = ("FROM operations o JOIN sales s ON s.idempotency_key = o.sale_key WHERE NOT EXISTS "
                    "(SELECT 1 FROM day_close_members m WHERE m.kind = 'operation' AND m.key = o.idempotency_key)")


def close_day(conn: sqlite3.Connection, *, day: date, today: date, at: datetime, timezone: str,
              actor: str) -> tuple[DayCloseRecord, dict[str, JsonValue]]:
    """Inside the caller's write transaction: check the rule, freeze the figures of every row no
    close took yet, insert the close and its members. Returns the close and its audit details
    (the caller appends the entry in the same transaction). Raises ``DayCloseRefused``."""
    previous = last_close(conn)
    sales = [sale_from_row(r) for r in conn.execute(
        f"SELECT {', '.join('s.' + c.strip() for c in SALE_COLUMNS.split(','))} {_OPEN_SALES} "
        "ORDER BY s.created_at, s.rowid")]
    operations = [operation_from_row(r) for r in conn.execute(
        f"SELECT {OPERATION_COLUMNS} {_OPEN_OPERATIONS} ORDER BY o.created_at, o.rowid")]
    allowed = can_close(day, today, None if previous is None else previous.business_day,
                        sum(1 for s in sales if s.state not in FINAL_STATES),
                        sum(1 for o in operations if o.state not in FINAL_OPERATION_STATES))
    if not allowed:
        raise DayCloseRefused(allowed, previous)
    figures = figures_of((ClosingSale(s.merchant_reference, s.created_at, s.state, s.money) for s in sales),
                         (ClosingOperation(o.kind, o.state, Money(o.amount, o.currency)) for o in operations))
    z = 1 if previous is None else previous.z_number + 1
    members = [("sale", s.idempotency_key) for s in sales] + [("operation", o.idempotency_key) for o in operations]
    first = (sales[0].merchant_reference, sales[0].created_at) if sales else None
    last = (sales[-1].merchant_reference, sales[-1].created_at) if sales else None
    figures_json: list[JsonValue] = [dict(f.as_json()) for f in figures]
    digest = members_digest(members)
    conn.execute(
        f"INSERT INTO day_closes ({CLOSE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (z, day.isoformat(), to_db_time(at), timezone, actor, len(sales), len(operations), _sale_span(first),
         _sale_span(last), canonical_json(figures_json), digest))
    conn.executemany("INSERT INTO day_close_members (kind, key, z_number) VALUES (?,?,?)",
                     [(kind, key, z) for kind, key in members])
    record = get_close(conn, z)
    if record is None:  # pragma: no cover - inserted just above, in this transaction
        raise JournalError(f"Z {z} was not recorded")
    details: dict[str, JsonValue] = {
        "z": z, "day": day.isoformat(), "closed_at": to_db_time(at), "timezone": timezone,
        "sales": len(sales), "operations": len(operations), "first_sale": _sale_span(first),
        "last_sale": _sale_span(last), "figures": figures_json, "members_sha256": digest,
    }
    return record, details
