"""Receipts for a running register: after each approved sale, and "reprint last receipt".

Printing is slow (a network or USB printer) and may fail; it runs on its own worker thread so that
neither the payment flow nor the window waits for paper. A printer that fails gets the receipt
saved as PDF instead, and the problem is reported through ``on_problem``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from terminal.config.model import Language, PrinterKind, PrinterSettings
from terminal.journal.store import Journal
from terminal.receipts.deliver import Issued, issue_receipts, last_final_sale
from terminal.receipts.errors import ReceiptError
from terminal.receipts.escpos_out import JapaneseMode
from terminal.receipts.model import StoreInfo

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
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="payterm-receipts")

    def issue(self, idempotency_key: str) -> Future[list[Issued]]:
        """The receipts of a sale just finished (looked up in the journal, where it is committed)."""
        return self._worker.submit(self._issue, idempotency_key, False)

    def reprint_last(self) -> Future[list[Issued]]:
        return self._worker.submit(self._issue, None, True)

    def close(self) -> None:
        self._worker.shutdown(wait=True)

    def _issue(self, key: str | None, reprint: bool) -> list[Issued]:
        try:
            sale = last_final_sale(self.journal.reader) if key is None else self.journal.sale(key)
            if sale is None:
                raise ReceiptError(f"no sale {key} in the journal")
            try:
                return issue_receipts(sale, self.store, self.printer, pdf_dir=self.pdf_dir,
                                      language=self.language, reprint=reprint,
                                      mode=JapaneseMode(self.printer.japanese.value))
            except ReceiptError as exc:
                if self.printer.kind is PrinterKind.NONE:
                    raise
                saved = issue_receipts(sale, self.store, self.printer.model_copy(update={"kind": PrinterKind.NONE}),
                                       pdf_dir=self.pdf_dir, language=self.language, reprint=reprint)
                self.on_problem(f"printer: {exc}; the receipt was saved as PDF in {self.pdf_dir}")
                return saved
        except ReceiptError as exc:
            log.warning("no receipt: %s", exc)
            self.on_problem(str(exc))
            return []
