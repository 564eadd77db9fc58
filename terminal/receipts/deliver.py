"""Issuing a sale's receipts: printed where a printer is set, saved as PDF where none is. (Finding
the sale to (re)print is in ``lookup``, which needs no drawing library.)"""

from __future__ import annotations

from pathlib import Path

from terminal.config.model import Language, PrinterKind, PrinterSettings
from terminal.journal.records import SaleRecord
from terminal.receipts.escpos_out import JapaneseMode, print_receipt
from terminal.receipts.lookup import last_final_sale, sale_by_reference
from terminal.receipts.model import Issued, ReceiptCopy, SaleValues, StoreInfo, render_receipt
from terminal.receipts.raster import receipt_pdf

__all__ = ["Issued", "copies", "issue_receipts", "last_final_sale", "sale_by_reference"]


def copies(settings: PrinterSettings) -> tuple[ReceiptCopy, ...]:
    if settings.customer_copy:
        return (ReceiptCopy.MERCHANT, ReceiptCopy.CUSTOMER)
    return (ReceiptCopy.MERCHANT,)


def issue_receipts(
    sale: SaleRecord | SaleValues,
    store: StoreInfo,
    printer: PrinterSettings,
    *,
    pdf_dir: Path,
    language: Language = Language.JA,
    reprint: bool = False,
    only: ReceiptCopy | None = None,
    mode: JapaneseMode = JapaneseMode.IMAGE,
) -> list[Issued]:
    """Every copy the settings ask for (or ``only`` one): to the printer, or with
    ``printer.kind = none`` as ``<pdf_dir>/<reference>-<copy>.pdf``. Printer errors propagate
    (``PrinterUnavailable``): the caller decides whether to offer a PDF instead."""
    issued: list[Issued] = []
    for copy in (only,) if only is not None else copies(printer):
        receipt = render_receipt(sale, copy, store, language=language, reprint=reprint)
        if printer.kind is PrinterKind.NONE:
            given = receipt.sale.given_back
            what = "" if given is None else f"-{given.kind.value}-{given.at:%Y%m%dT%H%M%S%f}"
            name = f"{_safe(receipt.sale.reference)}{what}-{copy.value}{'-reprint' if reprint else ''}.pdf"
            issued.append(Issued(copy, False, receipt_pdf(receipt, pdf_dir / name, printer.width_chars)))
        else:
            print_receipt(receipt, printer, mode)
            issued.append(Issued(copy, True))
    return issued


def _safe(reference: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in reference) or "receipt"
