"""Issuing a sale's receipts: printed where a printer is set, saved as PDF where none is; and
finding the sale to (re)print in the journal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from terminal.config.model import Language, PrinterKind, PrinterSettings
from terminal.journal.queries import Reader
from terminal.journal.records import HistoryQuery, SaleRecord
from terminal.receipts.errors import NoReceiptForSale
from terminal.receipts.escpos_out import JapaneseMode, print_receipt
from terminal.receipts.model import ReceiptCopy, SaleValues, StoreInfo, render_receipt
from terminal.receipts.raster import receipt_pdf

LAST_SALE_WINDOW = 50  # newest sales looked at for the last final one


@dataclass(frozen=True)
class Issued:
    """One copy: printed, or saved at ``path``."""

    copy: ReceiptCopy
    printed: bool
    path: Path | None = None


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
            name = f"{_safe(receipt.sale.reference)}-{copy.value}{'-reprint' if reprint else ''}.pdf"
            issued.append(Issued(copy, False, receipt_pdf(receipt, pdf_dir / name, printer.width_chars)))
        else:
            print_receipt(receipt, printer, mode)
            issued.append(Issued(copy, True))
    return issued


def _safe(reference: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in reference) or "receipt"


def sale_by_reference(reader: Reader, reference: str) -> SaleRecord:
    found = reader.history(HistoryQuery(reference=reference, limit=1))
    if not found:
        raise NoReceiptForSale(f"no sale with reference {reference!r} in the journal")
    return found[0]


def last_final_sale(reader: Reader) -> SaleRecord:
    """The newest sale that is final: the one "reprint last receipt" means."""
    for sale in reader.history(HistoryQuery(limit=LAST_SALE_WINDOW)):
        if sale.state.is_final:
            return sale
    raise NoReceiptForSale("no finished sale in the journal yet: nothing to reprint")
