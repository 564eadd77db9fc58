"""Reading Z closes back exactly as they were frozen (``terminal.journal.day_close`` writes them)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from terminal.domain.day_close import DayFigures
from terminal.journal.records import DayCloseRecord, from_db_time

CLOSE_COLUMNS = ("z_number, business_day, closed_at, timezone, actor, sale_count, operation_count, first_sale, "
                 "last_sale, figures, members_sha256")


def members_digest(members: Sequence[tuple[str, str]]) -> str:
    """SHA-256 over the sorted "kind:key" lines of the rows a close took."""
    text = "\n".join(sorted(f"{kind}:{key}" for kind, key in members))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def has_day_closes(conn: sqlite3.Connection) -> bool:
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'day_closes'").fetchone() is not None


def _span_from(text: str | None) -> tuple[str, datetime] | None:
    if text is None:
        return None
    reference, at = json.loads(text)
    return str(reference), from_db_time(str(at))


def close_from_row(row: tuple[Any, ...]) -> DayCloseRecord:
    z, day, closed_at, timezone, actor, sales, operations, first, last, figures, _digest = row
    return DayCloseRecord(
        z_number=int(z), business_day=date.fromisoformat(day), closed_at=from_db_time(closed_at),
        timezone=timezone, actor=actor, sale_count=int(sales), operation_count=int(operations),
        first_sale=_span_from(first), last_sale=_span_from(last),
        figures=tuple(DayFigures.from_json(f) for f in json.loads(figures)),
    )


def last_close(conn: sqlite3.Connection) -> DayCloseRecord | None:
    if not has_day_closes(conn):
        return None
    row = conn.execute(f"SELECT {CLOSE_COLUMNS} FROM day_closes ORDER BY z_number DESC LIMIT 1").fetchone()
    return None if row is None else close_from_row(row)


def get_close(conn: sqlite3.Connection, z_number: int) -> DayCloseRecord | None:
    row = conn.execute(f"SELECT {CLOSE_COLUMNS} FROM day_closes WHERE z_number = ?", (z_number,)).fetchone()
    return None if row is None else close_from_row(row)


def list_closes(conn: sqlite3.Connection, limit: int = 1000) -> list[DayCloseRecord]:
    """The latest closes, newest first."""
    rows = conn.execute(f"SELECT {CLOSE_COLUMNS} FROM day_closes ORDER BY z_number DESC LIMIT ?", (limit,))
    return [close_from_row(r) for r in rows]


