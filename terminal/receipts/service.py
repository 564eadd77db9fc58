"""Receipts for a running register: after each approved sale, and "reprint last receipt".

Nothing of a receipt happens on the payment flow's thread or in the register's process: the flow
hands over the sale's idempotency key (``issue`` only queues it), the service's own thread reads
the sale from the journal, and a worker process (``terminal.receipts.worker``) draws and prints
it, so that neither the sale, the journal's writer nor the window waits for paper or for the
GIL. A printer that fails gets the receipt saved as PDF instead, and the problem is reported
through ``on_problem``.

Behind a cashier window (``hold_for_choice``), an approved sale's receipt waits for the cashier:
"Next sale" prints it (``release_pending``), "No receipt" drops it (``decline_pending``: nothing
is printed, and the audit log says the customer declined a receipt). A receipt never waits for
longer than its sale's verdict: the next approved sale, or closing the register, prints a
receipt still waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from terminal.config.model import Language, PrinterSettings
from terminal.journal.store import Journal
from terminal.receipts.errors import ReceiptError
from terminal.receipts.lookup import last_final_sale
from terminal.receipts.model import Issued, SaleValues, StoreInfo
from terminal.receipts.worker import STOP_WAIT, Job, ReceiptWorker

log = logging.getLogger(__name__)


class ReceiptService:
    def __init__(
        self,
        journal: Journal,
        store: StoreInfo,
        printer: PrinterSettings,
        pdf_dir: Path,
        *,
        language: Language = Language.JA,
        on_problem: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.journal = journal
        self.store = store
        self.printer = printer
        self.pdf_dir = pdf_dir
        self.language = language
        self.on_problem = on_problem
        self.worker = ReceiptWorker()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="payterm-receipts")
        self._last: Future[list[Issued]] | None = None
        self._hold = False
        self._pending: str | None = None  # the approved sale whose receipt waits for the cashier
        self._lock = threading.Lock()

    def hold_for_choice(self) -> None:
        """From now on an approved sale's receipt waits for the cashier's choice (the window)."""
        self._hold = True

    @property
    def pending(self) -> str | None:
        """The idempotency key of the sale whose receipt waits for the cashier's choice."""
        with self._lock:
            return self._pending

    def issue(self, idempotency_key: str) -> Future[list[Issued]] | None:
        """The receipts of a sale just finished (looked up in the journal, where it is committed).
        Only queues the work: safe to call from the payment flow's thread. While holding for the
        cashier's choice, the receipt waits instead (None): a receipt still waiting from an
        earlier sale is printed now."""
        if self._hold:
            with self._lock:
                earlier, self._pending = self._pending, idempotency_key
            if earlier is not None:
                self._submit(earlier)
            return None
        return self._submit(idempotency_key)

    def _submit(self, idempotency_key: str) -> Future[list[Issued]]:
        self._last = self._thread.submit(self._issue, idempotency_key, False)
        return self._last

    def release_pending(self) -> Future[list[Issued]] | None:
        """Print the receipt waiting for the cashier's choice, if any (never blocks)."""
        with self._lock:
            key, self._pending = self._pending, None
        return None if key is None else self._submit(key)

    def decline_pending(self, record: Callable[[str], None]) -> bool:
        """The customer wants no receipt: drop the waiting one (nothing is printed) and run
        ``record(key)`` (the audit entry) on the service's thread. False: none was waiting."""
        with self._lock:
            key, self._pending = self._pending, None
        if key is None:
            return False
        self._thread.submit(self._record, record, key)
        return True

    @staticmethod
    def _record(record: Callable[[str], None], key: str) -> None:
        try:
            record(key)
        except Exception as exc:  # noqa: BLE001 - a lost audit note must not stop the next receipts
            log.warning("could not record the declined receipt of %s: %s", key, exc)

    def reprint_last(self) -> Future[list[Issued]]:
        self._last = self._thread.submit(self._issue, None, True)
        return self._last

    def close(self) -> None:
        """Issue what is queued (a receipt waiting for the cashier too; waiting a bounded time),
        then stop the worker process."""
        self.release_pending()
        self._thread.shutdown(wait=False)
        last = self._last
        if last is not None:
            try:
                last.result(timeout=2 * STOP_WAIT)
            except (FutureTimeout, ReceiptError):
                pass
        self.worker.close()
        self._thread.shutdown(wait=True)

    def issue_slip(self, operation_key: str) -> Future[list[Issued]]:
        """The slip of a refund or void that succeeded (never blocks: looked up and drawn off the
        caller's thread, like a sale's receipts)."""
        self._last = self._thread.submit(self._issue_values, lambda: self._slip(operation_key), False)
        return self._last

    def _slip(self, operation_key: str) -> SaleValues:
        operation = self.journal.operation(operation_key)
        sale = None if operation is None else self.journal.sale(operation.sale_key)
        if operation is None or sale is None:
            raise ReceiptError(f"no refund or void {operation_key} in the journal")
        return SaleValues.for_operation(sale, operation)

    def _sale(self, key: str | None) -> SaleValues:
        sale = last_final_sale(self.journal.reader) if key is None else self.journal.sale(key)
        if sale is None:
            raise ReceiptError(f"no sale {key} in the journal")
        return SaleValues.from_record(sale)

    def _issue(self, key: str | None, reprint: bool) -> list[Issued]:
        return self._issue_values(lambda: self._sale(key), reprint)

    def _issue_values(self, values: Callable[[], SaleValues], reprint: bool) -> list[Issued]:
        try:
            job = Job(values(), self.store, self.printer, self.pdf_dir, self.language, reprint)
            outcome = self.worker.run(job)
        except ReceiptError as exc:
            log.warning("no receipt: %s", exc)
            self.on_problem(str(exc))
            return []
        if outcome.problem is not None:
            log.warning("receipt: %s", outcome.problem)
            self.on_problem(outcome.problem)
        return outcome.issued
