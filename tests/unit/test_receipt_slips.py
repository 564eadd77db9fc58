"""Refund and void slips and the reprint's header: what they say, in Japanese and English."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from terminal.config.model import Language
from terminal.domain.flow import SaleState
from terminal.journal.records import OperationRecord, SaleRecord
from terminal.journal.states import OperationKind, OperationState
from terminal.receipts import NoReceiptForSale, ReceiptCopy, SaleValues, StoreInfo, render_receipt
from terminal.receipts.layout import as_text, split, text_width
from terminal.receipts.model import Style

STORE = StoreInfo("テスト商店", "渋谷店", "レジ2", "Asia/Tokyo")
AT = datetime(2025, 1, 1, 3, 4, tzinfo=UTC)
SALE = SaleRecord("k1", 1200, "JPY", "h", "4321", "ORDER-2025-000123", "PayPay", SaleState.APPROVED, AT, AT,
                  "ch_1", "A1B2C3", None, None, None, None, None)
REFUND = OperationRecord("op1", OperationKind.REFUND, "k1", "ch_1", 300, "JPY", OperationState.SUCCEEDED, "manager",
                         "damaged", datetime(2025, 1, 2, 5, 6, tzinfo=UTC), AT, "re_77", None, None)


@pytest.mark.parametrize(("language", "words"), [
    (Language.JA, ("返金", "元の取引", "ORDER-2025-000123", "元の取引日時", "2025-01-01 12:04", "元の金額", "¥1,200",
                   "返金番号", "re_77", "返金額", "-¥300", "2025-01-02 14:06")),
    (Language.EN, ("REFUND", "Original sale", "ORDER-2025-000123", "Sale date", "2025-01-01 12:04", "Sale amount",
                   "¥1,200", "Refund no.", "re_77", "REFUNDED", "-¥300", "2025-01-02 14:06")),
])
def test_a_refund_slip_names_the_original_sale_and_the_amount_given_back(language: Language,
                                                                       words: tuple[str, ...]) -> None:
    slip = render_receipt(SaleValues.for_operation(SALE, REFUND), ReceiptCopy.CUSTOMER, STORE, language=language)
    for word in words:
        assert word in slip.text, word
    assert "TOTAL" not in slip.text and "合計" not in slip.text  # not the sale's receipt
    for columns in (24, 32, 42):  # every line fits the paper
        for row in slip.rows + slip.footer:
            limit = columns // 2 if row.style is Style.LARGE else columns
            assert all(text_width(as_text(piece, columns)) <= limit for piece in split(row, columns)), row


def test_a_void_slip_says_void_and_hides_the_charge_id() -> None:
    void = replace(REFUND, kind=OperationKind.VOID, amount=1200, wallet_ref="ch_1")
    ja = render_receipt(SaleValues.for_operation(SALE, void), ReceiptCopy.MERCHANT, STORE, language=Language.JA).text
    en = render_receipt(SaleValues.for_operation(SALE, void), ReceiptCopy.MERCHANT, STORE, language=Language.EN).text
    assert "取消金額 -¥1,200" in ja and "VOIDED -¥1,200" in en and "VOID" in en
    assert "ch_1" not in ja and "ch_1" not in en


@pytest.mark.parametrize("state", [OperationState.FAILED, OperationState.IN_DOUBT, OperationState.REQUESTED])
def test_only_a_refund_that_succeeded_has_a_slip(state: OperationState) -> None:
    with pytest.raises(NoReceiptForSale):
        SaleValues.for_operation(SALE, replace(REFUND, state=state))


def test_a_reprint_says_which_sale_it_reprints() -> None:
    values = SaleValues.from_record(SALE)
    en = render_receipt(values, ReceiptCopy.CUSTOMER, STORE, language=Language.EN, reprint=True).text.splitlines()
    ja = render_receipt(values, ReceiptCopy.CUSTOMER, STORE, language=Language.JA, reprint=True).text.splitlines()
    assert en[en.index("** REPRINT **") + 1:][:2] == ["Reprint of sale ORDER-2025-000123", "Sale time 2025-01-01 12:04"]
    assert ja[ja.index("** 再発行 **") + 1:][:2] == ["再発行の取引 ORDER-2025-000123", "取引日時 2025-01-01 12:04"]
