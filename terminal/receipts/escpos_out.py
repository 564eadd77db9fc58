"""Receipts on ESC/POS printers through python-escpos (network, USB, serial, or a file/device).

Japanese needs care: the usual code pages have no kanji. Two ways work, chosen per printer:
- ``IMAGE`` (default, any ESC/POS printer): rows with non-ASCII text are drawn with a Japanese
  font and sent as a raster picture (``GS v 0``); ASCII rows stay text.
- ``KANJI``: for Japanese-model printers (Epson TM-T88 JP, TM-T20 JP, ...): Shift_JIS text in
  Kanji mode (``FS C 1``, ``FS &`` ... ``FS .``) with the Japanese character set (``ESC R 8``,
  so ``0x5C`` prints as ``¥``). Smaller and faster, but garbage on a printer without Kanji ROM.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum

import serial
from escpos import exceptions as escpos_errors
from escpos.escpos import Escpos
from escpos.printer import File, Network, Serial, Usb

from terminal.config.model import PrinterKind, PrinterSettings
from terminal.receipts.errors import NoPrinterConfigured, PrinterUnavailable
from terminal.receipts.layout import as_text, split
from terminal.receipts.model import Align, Receipt, Row, Style
from terminal.receipts.raster import DOTS_PER_COLUMN, draw_rows

FS = b"\x1c"
ESC = b"\x1b"
KANJI_SHIFT_JIS = FS + b"C\x01"  # FS C 1: two-byte characters are Shift_JIS
KANJI_ON = FS + b"&"
KANJI_OFF = FS + b"."
CHARSET_JAPAN = ESC + b"R\x08"  # ESC R 8: international set Japan (0x5C is the yen sign)
QR_MODULE_DOTS = 6
PRINTER_TIMEOUT = 10.0  # seconds to reach a network or serial printer


class JapaneseMode(StrEnum):
    IMAGE = "image"
    KANJI = "kanji"


def _is_ascii(row: Row) -> bool:
    return (row.left + row.right).isascii()


def _groups(rows: Sequence[Row], mode: JapaneseMode) -> Iterator[tuple[bool, list[Row]]]:
    """Consecutive rows as (as_text, rows): in IMAGE mode, non-ASCII runs become one picture."""
    current: list[Row] = []
    current_text = True
    for row in rows:
        as_text_row = mode is JapaneseMode.KANJI or _is_ascii(row)
        if current and as_text_row != current_text:
            yield current_text, current
            current = []
        current_text = as_text_row
        current.append(row)
    if current:
        yield current_text, current


def _shift_jis(text: str) -> bytes:
    return text.replace("¥", "\\").encode("cp932", errors="replace")


def _write_text(printer: Escpos, rows: Sequence[Row], columns: int) -> None:
    for row in rows:
        large = row.style is Style.LARGE
        printer.set_with_default(bold=row.style is not Style.NORMAL, double_width=large, double_height=large)
        for piece in split(row, columns):
            line = as_text(piece, columns)
            if line.isascii():
                printer.textln(line)
            else:  # only reached in KANJI mode
                # python-escpos's text() re-encodes into single-byte code pages; Kanji mode
                # needs the Shift_JIS bytes exactly, so they go out raw.
                printer._raw(KANJI_ON + _shift_jis(line) + KANJI_OFF + b"\n")


def _tell_paper_width(printer: Escpos, dots: int) -> None:
    """The generic profile has no paper width (python-escpos then prints a warning to stdout for
    every picture); give this printer's profile object its own copy that knows the width."""
    data = printer.profile.profile_data
    media = dict(data.get("media", {}))
    media["width"] = {**media.get("width", {}), "pixels": dots}
    printer.profile.profile_data = {**data, "media": media}


def write_receipt(printer: Escpos, receipt: Receipt, columns: int,
                  mode: JapaneseMode = JapaneseMode.IMAGE) -> None:
    """Send one receipt to ``printer`` (any python-escpos printer, the Dummy one in tests)."""
    _tell_paper_width(printer, columns * DOTS_PER_COLUMN)
    printer.hw("INIT")
    if mode is JapaneseMode.KANJI:
        printer._raw(KANJI_SHIFT_JIS + CHARSET_JAPAN)
    for rows in (receipt.rows, None, receipt.footer):
        if rows is None:  # the QR code of the reference, between the body and the footer
            printer.set_with_default(align=Align.CENTER.value)
            printer.qr(receipt.qr_data, native=True, size=QR_MODULE_DOTS)
            printer.set_with_default()
            continue
        for text, group in _groups(rows, mode):
            if text:
                _write_text(printer, group, columns)
            else:
                printer.set_with_default()
                printer.image(draw_rows(group, columns), impl="bitImageRaster")
    printer.set_with_default()
    printer.cut()


def open_printer(settings: PrinterSettings) -> Escpos:
    """The python-escpos printer for the configured kind (not yet connected)."""
    kind = settings.kind
    if kind is PrinterKind.NETWORK and settings.host:
        return Network(settings.host, settings.port, timeout=PRINTER_TIMEOUT)
    if kind is PrinterKind.USB and settings.usb_vendor_id and settings.usb_product_id:
        return Usb(settings.usb_vendor_id, settings.usb_product_id, timeout=int(PRINTER_TIMEOUT * 1000))
    if kind is PrinterKind.SERIAL and settings.serial_port:
        return Serial(settings.serial_port, timeout=PRINTER_TIMEOUT)
    if kind is PrinterKind.FILE and settings.path:
        return File(str(settings.path))
    raise NoPrinterConfigured("no receipt printer is set (printer.kind = 'none'): save a PDF or PNG receipt")


@contextmanager
def _printer_errors(settings: PrinterSettings) -> Iterator[None]:
    try:
        yield
    except (escpos_errors.Error, OSError, serial.SerialException) as exc:
        where = {PrinterKind.NETWORK: f"{settings.host}:{settings.port}",
                 PrinterKind.USB: f"USB {settings.usb_vendor_id:04x}:{settings.usb_product_id:04x}"
                 if settings.usb_vendor_id and settings.usb_product_id else "USB",
                 PrinterKind.SERIAL: str(settings.serial_port),
                 PrinterKind.FILE: str(settings.path)}.get(settings.kind, settings.kind.value)
        raise PrinterUnavailable(f"the {settings.kind.value} printer at {where} cannot print: "
                                 f"{str(exc).strip() or type(exc).__name__}; check power, cable, paper "
                                 "and the printer.* settings") from exc


def print_receipt(receipt: Receipt, settings: PrinterSettings,
                  mode: JapaneseMode = JapaneseMode.IMAGE) -> None:
    """Print on the configured printer. Raises ``NoPrinterConfigured`` for kind ``none`` and
    ``PrinterUnavailable`` when it cannot be reached."""
    printer = open_printer(settings)
    with _printer_errors(settings):
        try:
            printer.open()
            write_receipt(printer, receipt, settings.width_chars, mode)
        finally:
            printer.close()
