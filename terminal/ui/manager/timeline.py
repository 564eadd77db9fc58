"""A sale's life as the audit log tells it (intent, each wallet answer, voids and refunds and
their answers), and the latest entries for the audit view. Read-only connections: safe while
the register writes."""

from __future__ import annotations

import json
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from terminal.journal.db import open_read_connection
from terminal.journal.records import AuditEntry, OperationRecord, SaleRecord, from_db_time, to_db_time


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    actor: str
    action: str  # an AuditAction value
    details: dict[str, object]


def sale_timeline(path: Path, sale: SaleRecord, operations: list[OperationRecord]) -> list[TimelineEvent]:
    keys = [sale.idempotency_key, *(op.idempotency_key for op in operations)]
    marks = ", ".join("?" for _ in keys)
    sql = (f"SELECT at, actor, action, details FROM audit WHERE at >= ? AND "
           f"(json_extract(details, '$.key') IN ({marks}) OR json_extract(details, '$.sale') = ?) ORDER BY seq")
    with closing(open_read_connection(path)) as conn:
        rows = conn.execute(sql, (to_db_time(sale.created_at), *keys, sale.idempotency_key)).fetchall()
    return [TimelineEvent(from_db_time(at), actor, action, json.loads(details)) for at, actor, action, details in rows]


def latest_entries(path: Path, limit: int = 200) -> list[AuditEntry]:
    with closing(open_read_connection(path)) as conn:
        rows = conn.execute("SELECT seq, at, actor, action, details, prev_hash, hash FROM audit "
                            "ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
    return [AuditEntry(*row) for row in rows]
