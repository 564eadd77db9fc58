"""What manager mode works on, gathered once when the window is built: the PIN, the journal,
the wallet client, the store's time zone, the local config writer. Qt-free, so the same object
serves the window's tests and the real register."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from terminal.config.writer import ConfigWriter
from terminal.journal.records import AnchorReceipt
from terminal.journal.store import Journal
from terminal.register.anchoring import anchor_audit
from terminal.register.day_close import DayCloser
from terminal.register.manager_pin import ManagerPin
from terminal.register.operations import Operations
from terminal.register.reconcile import Reconciliation, gather
from terminal.register.register import Register
from terminal.wallet.client import WalletClient

if TYPE_CHECKING:
    from terminal.receipts.service import ReceiptService

ACTOR = "manager"


@dataclass
class ManagerServices:
    pin: ManagerPin
    journal: Journal
    client: WalletClient
    timezone: str  # the store's (from enrollment): a "day" is the wallet's business day
    store_name: str
    register_name: str
    reports_dir: Path  # where CSV exports and Z-report PDFs are written
    config: ConfigWriter | None = None  # None: settings cannot be changed from this window
    session_timeout: float = 120.0
    clock: Callable[[], float] = field(default=time.time)
    receipts: ReceiptService | None = None  # prints refund and void slips (None: no slips)

    @classmethod
    def for_register(cls, register: Register, pin: ManagerPin, config: ConfigWriter | None,
                     reports_dir: Path, *, session_timeout: float = 120.0) -> ManagerServices:
        enrollment = register.enrollment
        return cls(pin=pin, journal=register.journal, client=register.client, timezone=enrollment.timezone,
                   store_name=f"{enrollment.merchant_name} / {enrollment.store_name}",
                   # the register's own name, as in the top bar, on slips and in references
                   register_name=register.register_name, reports_dir=reports_dir, config=config,
                   session_timeout=session_timeout, receipts=register.receipts)

    def operations(self) -> Operations:
        return Operations(self.journal, self.client, timezone=self.timezone, actor=ACTOR, clock=self.clock,
                          manager=self.pin)

    def issue_slip(self, operation_key: str) -> None:
        """The slip of a refund or void that succeeded, printed like a sale's receipts (never blocks)."""
        if self.receipts is not None:
            self.receipts.issue_slip(operation_key)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), ZoneInfo(self.timezone))

    def today(self) -> date:
        return self.now().date()

    def anchor_audit(self) -> AnchorReceipt | None:
        """Blocking (asks the wallet): anchor the audit head, as every end of day does."""
        return anchor_audit(self.journal, self.client)

    def day_closer(self) -> DayCloser:
        """Closes the business day (the register decides whether it may) and reads closes back."""
        return DayCloser(self.journal, self.timezone, actor=ACTOR, client=self.client, clock=self.clock)

    def reconcile(self, day: date) -> Reconciliation:
        """Blocking (asks the wallet): run it on a worker."""
        return gather(self.journal.reader, self.client, day, self.timezone)
