"""The receipt's content and layout: what each copy says, in Japanese and English, at any width."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from terminal.config.model import Language
from terminal.domain.flow import SaleState
from terminal.receipts import NoReceiptForSale, ReceiptCopy, SaleValues, StoreInfo, render_receipt
from terminal.receipts.layout import as_text, split, text_width
from terminal.receipts.model import Row, Style

STORE = StoreInfo("テスト商店", "渋谷店", "レジ2", "Asia/Tokyo")
SALE = SaleValues("ORDER-2025-000123", 1200, "JPY", SaleState.APPROVED,
                  datetime(2025, 1, 1, 3, 4, tzinfo=UTC), "PayPay", "4321", "A1B2C3")


def test_customer_copy_in_japanese_has_every_fact_of_the_sale() -> None:
    receipt = render_receipt(SALE, ReceiptCopy.CUSTOMER, STORE, language=Language.JA)
    text = receipt.text
    for fact in ("テスト商店", "渋谷店", "お客様控え", "レジ2", "PayPay", "****4321", "A1B2C3",
                 "ORDER-2025-000123", "¥1,200", "承認"):
        assert fact in text, fact
    assert "2025-01-01 12:04" in text  # 03:04 UTC in the store's zone (JST)
    assert receipt.qr_data == "ORDER-2025-000123"
    assert "再発行" not in text


def test_merchant_copy_in_english_marked_as_reprint_and_training() -> None:
    store = StoreInfo("Demo Mart", "Main St", "register-1", "UTC", training=True)
    receipt = render_receipt(SALE, ReceiptCopy.MERCHANT, store, language=Language.EN, reprint=True)
    assert "MERCHANT COPY" in receipt.text and "REPRINT" in receipt.text
    assert "TRAINING" in receipt.text
    assert "2025-01-01 03:04" in receipt.text


def test_declined_sale_has_no_approval_code_line() -> None:
    declined = SaleValues("R1", 500, "JPY", SaleState.DECLINED, SALE.at, "PayPay", "0001")
    receipt = render_receipt(declined, ReceiptCopy.CUSTOMER, STORE, language=Language.EN)
    assert "DECLINED" in receipt.text and "Approval" not in receipt.text


@pytest.mark.parametrize("state", [SaleState.AUTHORIZING, SaleState.IN_DOUBT, SaleState.STEP_UP,
                                   SaleState.REVERSING])
def test_unfinished_sale_has_no_receipt(state: SaleState) -> None:
    with pytest.raises(NoReceiptForSale, match=state.value):
        render_receipt(SaleValues("R1", 1, "JPY", state, SALE.at, "PayPay", "0001"), ReceiptCopy.CUSTOMER, STORE)


def test_wide_characters_count_two_columns() -> None:
    assert text_width("合計") == 4
    assert text_width("¥1,200") == 6
    line = as_text(split(Row("合計", "¥1,200"), 20)[0], 20)
    assert text_width(line) == 20 and line.startswith("合計") and line.endswith("¥1,200")


@pytest.mark.parametrize("columns", [16, 24, 32, 42, 48])
def test_every_line_fits_the_paper(columns: int) -> None:
    receipt = render_receipt(SALE, ReceiptCopy.CUSTOMER, STORE)
    for row in receipt.rows + receipt.footer:
        limit = columns // 2 if row.style is Style.LARGE else columns
        for piece in split(row, columns):
            assert text_width(as_text(piece, columns)) <= limit, piece


def test_value_too_long_for_its_label_moves_under_it_flush_right() -> None:
    pieces = split(Row("取引番号", "ORDER-2025-000123"), 20)
    assert [p.left for p in pieces] == ["取引番号", ""]
    assert as_text(pieces[1], 20) == "   ORDER-2025-000123"
    wrapped = split(Row("取引番号", "ORDER-2025-000123"), 12)
    assert "".join(p.right for p in wrapped) == "ORDER-2025-000123"
    assert all(text_width(as_text(p, 12)) <= 12 for p in wrapped)


def test_receipts_import_nothing_from_the_register_or_the_surfaces() -> None:
    """Receipts sit below the register (docs/architecture.md): what they need of the enrollment
    comes as a ``StoreInfo`` built by the composition root."""
    import ast
    from pathlib import Path

    upward = ("terminal.register", "terminal.ui", "terminal.commands", "terminal.cli", "terminal.pos",
              "terminal.demo_cli")
    package = Path(__file__).resolve().parents[2] / "terminal" / "receipts"
    found = {
        f"{path.name}: {node.module}"
        for path in package.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(upward)
    } | {
        f"{path.name}: {alias.name}"
        for path in package.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith(upward)
    }
    assert found == set()
