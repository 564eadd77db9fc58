"""Closing the business day (the Z close), for every surface: the manager's end-of-day screen and
``payterm report --close``.

The register gives the journal today's store date (the store's time zone from enrollment, the
register's clock); the journal applies the domain's rule (``terminal.domain.day_close``) and
freezes the figures in the same transaction as the close's audit entry. After a close the audit
head is anchored at the wallet, as at every end of day (a failure is logged and retried at the
next occasion: it never undoes or blocks the close, which is the register's own record).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from terminal.journal.day_close import DayCloseRefused
from terminal.journal.records import DayCloseRecord
from terminal.journal.store import Journal
from terminal.register.anchoring import anchor_audit
from terminal.wallet.client import WalletClient

log = logging.getLogger(__name__)

__all__ = ["DayCloseRefused", "DayCloser"]


@dataclass
class DayCloser:
    journal: Journal
    timezone: str  # the store's: a business day is a date there
    actor: str = "manager"
    client: WalletClient | None = None  # where the audit head is anchored after a close (None: not)
    clock: Callable[[], float] = time.time

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), ZoneInfo(self.timezone))

    def close(self, day: date | None = None) -> DayCloseRecord:
        """Close ``day`` (default: today in the store). Raises ``DayCloseRefused`` (why, and the
        latest close) for a day already closed, an earlier day than the latest closed one, a day to
        come, or while a sale, refund or void waits for the wallet."""
        now = self.now()
        record = self.journal.close_day(day or now.date(), now.date(), now, self.timezone, self.actor)
        log.info("business day %s closed: Z %d, %d sale(s), %d refund(s)/void(s)", record.business_day,
                 record.z_number, record.sale_count, record.operation_count)
        if self.client is not None:
            anchor_audit(self.journal, self.client)
        return record

    def closes(self, limit: int = 1000) -> list[DayCloseRecord]:
        """Earlier closes, newest first, exactly as frozen."""
        return self.journal.reader.day_closes(limit)

    def get(self, z_number: int) -> DayCloseRecord | None:
        return self.journal.reader.day_close(z_number)
