"""PDF/PNG receipts, the Japanese font they are drawn with, and `payterm receipt` on a real
journal (SQLite in tmp_path) and enrollment file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from PIL import Image, ImageFont

from terminal.cli import main
from terminal.config.model import Language
from terminal.crypto import Alg, VerifyKey
from terminal.domain.flow import SaleState
from terminal.domain.money import Money
from terminal.journal import Journal
from terminal.receipts import ReceiptCopy, SaleValues, StoreInfo, receipt_pdf, receipt_png, render_receipt
from terminal.receipts.fonts import draws_japanese, japanese_font
from terminal.register import enrollment as enrollment_file
from terminal.register.enrollment import Enrollment
from tests.journal_helpers import answer, record_intent

STORE = StoreInfo("テスト商店", "渋谷店", "register-1")
AT = datetime(2025, 3, 1, 1, 2, tzinfo=UTC)


def test_png_receipt_carries_a_readable_qr_of_the_reference(tmp_path: Path) -> None:
    sale = SaleValues("ORDER-77", 1200, "JPY", SaleState.APPROVED, AT, "PayPay", "4321", "A1")
    path = receipt_png(render_receipt(sale, ReceiptCopy.CUSTOMER, STORE), tmp_path / "r.png")
    image = Image.open(path)
    assert image.width == 42 * 12 + 32
    assert [r.text for r in zxingcpp.read_barcodes(image.convert("L"))] == ["ORDER-77"]


def test_pdf_receipt_is_a_one_page_pdf(tmp_path: Path) -> None:
    sale = SaleValues("ORDER-78", 500, "JPY", SaleState.APPROVED, AT, "PayPay", "4321", "A1")
    data = receipt_pdf(render_receipt(sale, ReceiptCopy.MERCHANT, STORE), tmp_path / "r.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/Count 1" in data and b"/Subtype /Image" in data


def test_the_receipt_font_has_japanese_glyphs_and_a_latin_font_is_refused() -> None:
    assert draws_japanese(japanese_font(24))
    latin = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 24)
    assert not draws_japanese(latin)


def test_receipt_font_can_be_configured_and_a_bad_one_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYTERM_RECEIPT_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    japanese_font.cache_clear()
    try:
        assert draws_japanese(japanese_font(20))  # DejaVu is tried first, refused, the next one taken
    finally:
        japanese_font.cache_clear()


# --- `payterm receipt` ------------------------------------------------------------------------

def enroll_file(home: Path) -> None:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    e = Enrollment(
        wallet_url="http://127.0.0.1:9", device_id="dev-1", merchant_id="m-1", store_id="s-1",
        terminal_name="register-1", wallet_keys={"w1": VerifyKey(Alg.ED25519, raw)}, pin_keyid="p1",
        pin_key=b"\x01" * 32, currency="JPY", timezone="Asia/Tokyo", merchant_name="テスト商店",
        store_name="渋谷店", step_up_max_seconds=120, key_alg=Alg.ED25519, enrolled_at=AT,
    )
    enrollment_file.save(e, enrollment_file.enrollment_path(home / "data"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path))
    for var in ("PAYTERM_CONFIG", "PAYTERM_PRINTER__KIND", "PAYTERM_REGISTER__LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    enroll_file(tmp_path)
    journal = Journal(tmp_path / "data" / "journal.sqlite3")
    try:
        for i, (ref, state) in enumerate([("R-1", SaleState.APPROVED), ("R-2", SaleState.DECLINED),
                                          ("R-3", SaleState.AUTHORIZING)]):
            sale = record_intent(journal, amount=Money(1000 + i, "JPY"), code=journal.fingerprint(f"99{i:016d}"), merchant_reference=ref, wallet="PayPay", created_at=AT + timedelta(minutes=i))
            if state is not SaleState.AUTHORIZING:
                approved = state is SaleState.APPROVED
                answer(journal, sale.idempotency_key, AT + timedelta(minutes=i), state, charge_id=f"ch-{ref}", approval_code="OK1" if approved else None, decline_code=None if approved else "insufficient_funds")
    finally:
        journal.close()
    return tmp_path


def test_receipt_command_saves_pdfs_when_no_printer_is_set(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["receipt", "--reference", "R-1"]) == 0
    out = capsys.readouterr().out
    saved = sorted((home / "data" / "receipts").iterdir())
    assert [p.name for p in saved] == ["R-1-customer.pdf", "R-1-merchant.pdf"]
    assert all(str(p) in out for p in saved)


def test_reprint_last_takes_the_newest_final_sale(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = home / "last.png"
    assert main(["receipt", "--reprint-last", "--png", str(png), "--copy", "merchant"]) == 0
    assert "saved merchant copy" in capsys.readouterr().out
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(png).convert("L"))] == ["R-2"]  # R-3 is open


def test_receipt_command_prints_on_a_file_printer(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    device = home / "printer.bin"
    monkeypatch.setenv("PAYTERM_PRINTER__KIND", "file")
    monkeypatch.setenv("PAYTERM_PRINTER__PATH", str(device))
    monkeypatch.setenv("PAYTERM_REGISTER__LANGUAGE", Language.EN.value)
    assert main(["receipt", "--reference", "R-1", "--copy", "customer", "--kanji"]) == 0
    assert capsys.readouterr().out.strip() == "printed customer copy"
    data = device.read_bytes()
    assert b"CUSTOMER COPY" in data and "テスト商店".encode("cp932") in data and b"OK1" in data


def test_receipt_command_refuses_an_unfinished_or_unknown_sale(home: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["receipt", "--reference", "R-3", "--pdf", str(home / "x.pdf")]) == 4
    assert "authorizing" in capsys.readouterr().err
    assert main(["receipt", "--reference", "NOPE"]) == 4
    assert "NOPE" in capsys.readouterr().err
    assert not (home / "x.pdf").exists()
