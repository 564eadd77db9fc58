"""What can go wrong making or delivering a receipt. Every error names what to fix."""

from __future__ import annotations


class ReceiptError(Exception):
    """Base of every receipt error."""


class NoReceiptForSale(ReceiptError):
    """The sale is not final (or not found): a receipt would state something not yet true."""


class NoPrinterConfigured(ReceiptError):
    """``printer.kind`` is ``none``: save a PDF/PNG receipt instead."""


class PrinterUnavailable(ReceiptError):
    """The configured printer could not be opened or written to (cable, power, address, rights)."""


class FontNotFound(ReceiptError):
    """No font with Japanese glyphs was found to draw the receipt as an image."""
