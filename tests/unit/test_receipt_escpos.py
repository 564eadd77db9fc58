"""Receipt bytes as an ESC/POS printer receives them (python-escpos Dummy, a real TCP socket,
a file), Japanese both as pictures and as Kanji-mode Shift_JIS."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageChops

from terminal.config.model import Language, PrinterKind, PrinterSettings
from terminal.domain.flow import SaleState
from terminal.receipts import (
    JapaneseMode,
    NoPrinterConfigured,
    PrinterUnavailable,
    ReceiptCopy,
    SaleValues,
    StoreInfo,
    print_receipt,
    render_receipt,
    write_receipt,
)
from terminal.receipts.raster import draw_rows

GS_RASTER = b"\x1dv0"
STORE = StoreInfo("テスト商店", "渋谷店", "register-1", "Asia/Tokyo")
SALE = SaleValues("R-0042", 1200, "JPY", SaleState.APPROVED, datetime(2025, 1, 1, 3, 4, tzinfo=UTC),
                  "PayPay", "4321", "A1B2C3")


def receipt(language: Language = Language.JA):  # type: ignore[no-untyped-def]
    return render_receipt(SALE, ReceiptCopy.CUSTOMER, STORE, language=language)


def dummy_bytes(mode: JapaneseMode, language: Language = Language.JA, columns: int = 42) -> bytes:
    printer = Dummy()
    write_receipt(printer, receipt(language), columns, mode)
    return printer.output


def rasters(data: bytes) -> list[Image.Image]:
    """Every GS v 0 picture in an ESC/POS stream, decoded back into an image."""
    images: list[Image.Image] = []
    at = data.find(GS_RASTER)
    while at >= 0:
        x_bytes = data[at + 4] + data[at + 5] * 256
        height = data[at + 6] + data[at + 7] * 256
        body = data[at + 8: at + 8 + x_bytes * height]
        # ESC/POS raster: 1 = black; PIL mode "1" raw: 1 = white.
        images.append(Image.frombytes("1", (x_bytes * 8, height), bytes(b ^ 0xFF for b in body)))
        at = data.find(GS_RASTER, at + 8 + len(body))
    return images


def qr_payload(data: bytes) -> bytes:
    """The data stored by the native QR command (GS ( k, cn=1 '1', fn=80 'P', m='0')."""
    at = data.index(b"\x1d(k")
    while data[at + 5: at + 7] != b"1P":
        at = data.index(b"\x1d(k", at + 1)
    length = data[at + 3] + data[at + 4] * 256 - 3
    return data[at + 8: at + 8 + length]


def test_image_mode_sends_japanese_rows_as_pictures_and_no_japanese_bytes() -> None:
    data = dummy_bytes(JapaneseMode.IMAGE)
    for word in ("テスト商店", "合計", "承認"):
        for encoding in ("utf-8", "cp932", "euc-jp"):
            assert word.encode(encoding) not in data
    pictures = rasters(data)
    assert pictures, "no raster picture in the stream"
    # The first picture is the store header: exactly the Japanese rows, drawn 42 columns wide.
    expected = draw_rows(receipt().rows[:3], 42)
    assert pictures[0].size == (504, expected.height)
    assert ImageChops.difference(pictures[0].convert("L"), expected.convert("L")).getbbox() is None
    assert pictures[0].convert("L").getextrema() == (0, 255)  # ink on paper, not blank
    # Rows with nothing but ASCII (the rules) stay text.
    assert b"-" * 42 + b"\n" in data


def test_kanji_mode_sends_shift_jis_inside_kanji_mode() -> None:
    data = dummy_bytes(JapaneseMode.KANJI)
    assert data.startswith(b"\x1b@\x1cC\x01\x1bR\x08")  # init, Shift_JIS, Japanese character set
    assert GS_RASTER not in data
    for word in ("テスト商店", "渋谷店", "お客様控え", "承認"):
        sjis = word.encode("cp932")
        at = data.index(sjis)
        assert data.rfind(b"\x1c&", 0, at) > data.rfind(b"\x1c.", 0, at), f"{word} outside Kanji mode"
    assert "テスト商店".encode() not in data  # never UTF-8
    assert b"\\1,200" in data  # the yen sign is 0x5C in the Japanese character set


def test_english_receipt_needs_no_picture_except_for_the_yen_sign() -> None:
    data = dummy_bytes(JapaneseMode.IMAGE, Language.EN)
    assert b"CUSTOMER COPY" in data and b"APPROVED" in data and b"Approval code" in data
    assert len(rasters(data)) == 2  # the Japanese store name rows and the ¥ amount


def test_qr_of_the_reference_and_a_cut() -> None:
    for mode in JapaneseMode:
        data = dummy_bytes(mode)
        assert qr_payload(data) == b"R-0042"
        assert data.endswith(b"\x1bd\x06\x1dV\x00")  # feed six lines, full cut


def test_network_printer_receives_the_same_bytes(tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def accept() -> None:
        conn, _ = server.accept()
        with conn:
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
            received.append(b"".join(chunks))

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings = PrinterSettings(kind=PrinterKind.NETWORK, host="127.0.0.1", port=server.getsockname()[1])
    print_receipt(receipt(), settings)
    thread.join(10)
    server.close()
    assert received == [dummy_bytes(JapaneseMode.IMAGE)]


def test_file_printer_writes_the_bytes(tmp_path: Path) -> None:
    out = tmp_path / "lp0"
    print_receipt(receipt(), PrinterSettings(kind=PrinterKind.FILE, path=out, width_chars=32),
                  JapaneseMode.KANJI)
    assert out.read_bytes() == dummy_bytes(JapaneseMode.KANJI, columns=32)


def test_unreachable_printer_is_a_clear_error() -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings = PrinterSettings(kind=PrinterKind.NETWORK, host="127.0.0.1", port=port)
    with pytest.raises(PrinterUnavailable, match=f"127.0.0.1:{port}"):
        print_receipt(receipt(), settings)


def test_no_printer_configured() -> None:
    with pytest.raises(NoPrinterConfigured, match="PDF"):
        print_receipt(receipt(), PrinterSettings())
