"""Receipts for a running register: after each approved sale, and "reprint last receipt".

Nothing of a receipt happens on the payment flow's thread or in the register's process: the flow
hands over the sale's idempotency key (``issue`` only queues it), the service's own thread reads
the sale from the journal, and a worker process (``terminal.receipts.worker``) draws and prints
it, so that neither the sale, the journal's writer nor the window waits for paper or for the
GIL. A printer that fails gets the receipt saved as PDF instead, and the problem is reported
through ``on_problem``.
"""

from __future__ import annotations

import logging
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

    def issue(self, idempotency_key: str) -> Future[list[Issued]]:
        """The receipts of a sale just finished (looked up in the journal, where it is committed).
        Only queues the work: safe to call from the payment flow's thread."""
        self._last = self._thread.submit(self._issue, idempotency_key, False)
        return self._last

    def reprint_last(self) -> Future[list[Issued]]:
        self._last = self._thread.submit(self._issue, None, True)
        return self._last

    def close(self) -> None:
        """Issue what is queued (waiting a bounded time), then stop the worker process."""
        self._thread.shutdown(wait=False)
        last = self._last
        if last is not None:
            try:
                last.result(timeout=2 * STOP_WAIT)
            except (FutureTimeout, ReceiptError):
                pass
        self.worker.close()
        self._thread.shutdown(wait=True)

    def _sale(self, key: str | None) -> SaleValues:
        sale = last_final_sale(self.journal.reader) if key is None else self.journal.sale(key)
        if sale is None:
            raise ReceiptError(f"no sale {key} in the journal")
        return SaleValues.from_record(sale)

    def _issue(self, key: str | None, reprint: bool) -> list[Issued]:
        try:
            job = Job(self._sale(key), self.store, self.printer, self.pdf_dir, self.language, reprint)
            outcome = self.worker.run(job)
        except ReceiptError as exc:
            log.warning("no receipt: %s", exc)
            self.on_problem(str(exc))
            return []
        if outcome.problem is not None:
            log.warning("receipt: %s", outcome.problem)
            self.on_problem(outcome.problem)
        return outcome.issued
