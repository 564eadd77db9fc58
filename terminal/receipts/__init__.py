"""Receipts: the customer and merchant copies of a sale, printed on ESC/POS printers through
python-escpos (Japanese as Kanji-mode Shift_JIS or as pictures), or saved as PDF/PNG.

API for the window and the commands::

    receipt = render_receipt(sale_record_or_values, ReceiptCopy.CUSTOMER, store_info, language=...)
    print_receipt(receipt, settings.printer)         # NoPrinterConfigured / PrinterUnavailable
    receipt_pdf(receipt, path); receipt_png(receipt, path)
    issue_receipts(sale, store_info, settings.printer, pdf_dir=...)  # all copies, print or PDF
"""

from terminal.receipts.deliver import Issued, copies, issue_receipts, last_final_sale, sale_by_reference
from terminal.receipts.errors import (
    FontNotFound,
    NoPrinterConfigured,
    NoReceiptForSale,
    PrinterUnavailable,
    ReceiptError,
)
from terminal.receipts.escpos_out import JapaneseMode, open_printer, print_receipt, write_receipt
from terminal.receipts.model import Receipt, ReceiptCopy, Row, SaleValues, StoreInfo, render_receipt
from terminal.receipts.raster import receipt_image, receipt_pdf, receipt_png

__all__ = [
    "FontNotFound", "Issued", "JapaneseMode", "NoPrinterConfigured", "NoReceiptForSale",
    "PrinterUnavailable", "Receipt", "ReceiptCopy", "ReceiptError", "Row", "SaleValues", "StoreInfo",
    "copies", "issue_receipts", "last_final_sale", "open_printer", "print_receipt", "receipt_image",
    "receipt_pdf", "receipt_png", "render_receipt", "sale_by_reference", "write_receipt",
]
