"""Receipts: the customer and merchant copies of a sale, printed on ESC/POS printers through
python-escpos (Japanese as Kanji-mode Shift_JIS or as pictures), or saved as PDF/PNG.

API for the window and the commands::

    receipt = render_receipt(sale_record_or_values, ReceiptCopy.CUSTOMER, store_info, language=...)
    print_receipt(receipt, settings.printer)         # NoPrinterConfigured / PrinterUnavailable
    receipt_pdf(receipt, path); receipt_png(receipt, path)
    issue_receipts(sale, store_info, settings.printer, pdf_dir=...)  # all copies, print or PDF

A running register issues them through ``service.ReceiptService``, which draws and prints in a
worker process (``worker``). The names below are imported on first use, so that importing
``terminal.receipts.service`` does not load PIL, qrcode or python-escpos into the register's
process.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from terminal.receipts.deliver import copies, issue_receipts
    from terminal.receipts.errors import (
        FontNotFound,
        NoPrinterConfigured,
        NoReceiptForSale,
        PrinterUnavailable,
        ReceiptError,
    )
    from terminal.receipts.escpos_out import JapaneseMode, open_printer, print_receipt, write_receipt
    from terminal.receipts.lookup import last_final_sale, sale_by_reference
    from terminal.receipts.model import (
        Issued,
        Receipt,
        ReceiptCopy,
        Row,
        SaleValues,
        StoreInfo,
        render_receipt,
    )
    from terminal.receipts.raster import receipt_image, receipt_pdf, receipt_png

_WHERE = {
    "Issued": "model", "copies": "deliver", "issue_receipts": "deliver",
    "FontNotFound": "errors", "NoPrinterConfigured": "errors", "NoReceiptForSale": "errors",
    "PrinterUnavailable": "errors", "ReceiptError": "errors",
    "JapaneseMode": "escpos_out", "open_printer": "escpos_out", "print_receipt": "escpos_out",
    "write_receipt": "escpos_out",
    "last_final_sale": "lookup", "sale_by_reference": "lookup",
    "Receipt": "model", "ReceiptCopy": "model", "Row": "model", "SaleValues": "model", "StoreInfo": "model",
    "render_receipt": "model",
    "receipt_image": "raster", "receipt_pdf": "raster", "receipt_png": "raster",
}

__all__ = [
    "FontNotFound", "Issued", "JapaneseMode", "NoPrinterConfigured", "NoReceiptForSale",
    "PrinterUnavailable", "Receipt", "ReceiptCopy", "ReceiptError", "Row", "SaleValues", "StoreInfo",
    "copies", "issue_receipts", "last_final_sale", "open_printer", "print_receipt", "receipt_image",
    "receipt_pdf", "receipt_png", "render_receipt", "sale_by_reference", "write_receipt",
]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
