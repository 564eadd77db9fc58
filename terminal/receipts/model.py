"""A receipt as data: what it says, in which language, for whom. Printers, PDF and PNG all draw
the same ``Receipt``, so the copies cannot disagree. A refund or void slip is a receipt too: the
sale's values with what was given back (``GivenBackValues``), naming the original sale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from terminal.config.model import Language
from terminal.domain.flow import FINAL_STATES, SaleState
from terminal.domain.money import Money
from terminal.journal.records import OperationRecord, SaleRecord
from terminal.journal.states import OperationKind, OperationState
from terminal.receipts.errors import NoReceiptForSale


class ReceiptCopy(StrEnum):
    CUSTOMER = "customer"
    MERCHANT = "merchant"


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"


class Style(StrEnum):
    NORMAL = "normal"
    BOLD = "bold"
    LARGE = "large"  # double width and height: the amount


@dataclass(frozen=True)
class Row:
    """One printed line: ``left`` text, and an optional ``right`` value flush to the right edge."""

    left: str
    right: str = ""
    align: Align = Align.LEFT
    style: Style = Style.NORMAL


RULE = Row("-")  # a full-width rule; each renderer draws it to its own width


@dataclass(frozen=True)
class StoreInfo:
    """Who issues the receipt. Built once at start-up by the composition root
    (``terminal.register.setup.store_info``, from the enrollment and the settings): receipts
    know nothing of enrollment or of the register."""

    merchant_name: str
    store_name: str
    register_name: str
    timezone: str = "Asia/Tokyo"
    training: bool = False  # a sandbox wallet: the slip says no money moved


@dataclass(frozen=True)
class GivenBackValues:
    """A refund or void that succeeded, for its slip."""

    kind: OperationKind  # REFUND or VOID (a reversal refund is the register's own: no slip)
    amount: int  # minor units of the sale's currency
    at: datetime
    wallet_ref: str | None = None


@dataclass(frozen=True)
class SaleValues:
    """What a receipt needs of a sale: from a journal ``SaleRecord`` or given directly."""

    reference: str
    amount: int  # minor units of ``currency``
    currency: str
    state: SaleState
    at: datetime  # timezone-aware
    wallet: str
    last4: str
    approval_code: str | None = None
    given_back: GivenBackValues | None = None  # set: this is the slip of a refund or void of the sale

    @classmethod
    def from_record(cls, sale: SaleRecord) -> SaleValues:
        return cls(sale.merchant_reference, sale.amount, sale.currency, sale.state, sale.created_at,
                   sale.wallet, sale.code_last4, sale.approval_code)

    @classmethod
    def for_operation(cls, sale: SaleRecord, operation: OperationRecord) -> SaleValues:
        """The slip of a refund or void of ``sale``; only one that succeeded has a slip."""
        if operation.state is not OperationState.SUCCEEDED or operation.kind is OperationKind.REVERSAL:
            raise NoReceiptForSale(f"the {operation.kind.value} {operation.idempotency_key} is "
                                   f"{operation.state.value}: no slip")
        return cls(sale.merchant_reference, sale.amount, sale.currency, sale.state, sale.created_at, sale.wallet,
                   sale.code_last4, sale.approval_code,
                   GivenBackValues(operation.kind, operation.amount, operation.created_at, operation.wallet_ref))


@dataclass(frozen=True)
class Receipt:
    copy: ReceiptCopy
    language: Language
    rows: tuple[Row, ...]
    qr_data: str  # the sale reference, printed as a QR code under the rows
    footer: tuple[Row, ...]
    sale: SaleValues
    store: StoreInfo
    reprint: bool = False

    @property
    def text(self) -> str:
        """Every word on the receipt, one row per line (for logs of what was printed, and tests)."""
        return "\n".join(f"{r.left} {r.right}".strip() for r in self.rows + self.footer)


@dataclass(frozen=True)
class Issued:
    """One copy: printed, or saved at ``path``. (Here, not in ``deliver``: it comes back from the
    worker process, and unpickling it must not load the drawing and printer libraries.)"""

    copy: ReceiptCopy
    printed: bool
    path: Path | None = None


_LABELS: dict[Language, dict[str, str]] = {
    Language.JA: {
        "customer": "お客様控え", "merchant": "加盟店控え", "reprint": "再発行", "time": "日時",
        "register": "端末", "result": "取引結果", "wallet": "決済サービス", "code": "コード",
        "approval": "承認番号", "reference": "取引番号", "total": "合計",
        "training": "トレーニング: 実際の支払いではありません", "thanks": "ありがとうございました",
        SaleState.APPROVED: "承認", SaleState.DECLINED: "不承認", SaleState.REVERSED: "取消",
        "reprint_of": "再発行の取引", "sale_time": "取引日時",
        OperationKind.REFUND: "返金", OperationKind.VOID: "取消", "original": "元の取引",
        "original_time": "元の取引日時", "original_amount": "元の金額", "wallet_ref": "返金番号",
        "given_back_refund": "返金額", "given_back_void": "取消金額",
    },
    Language.EN: {
        "customer": "CUSTOMER COPY", "merchant": "MERCHANT COPY", "reprint": "REPRINT", "time": "Date",
        "register": "Register", "result": "Result", "wallet": "Wallet", "code": "Code",
        "approval": "Approval code", "reference": "Reference", "total": "TOTAL",
        "training": "TRAINING: no money was moved", "thanks": "Thank you",
        SaleState.APPROVED: "APPROVED", SaleState.DECLINED: "DECLINED", SaleState.REVERSED: "REVERSED",
        "reprint_of": "Reprint of sale", "sale_time": "Sale time",
        OperationKind.REFUND: "REFUND", OperationKind.VOID: "VOID", "original": "Original sale",
        "original_time": "Sale date", "original_amount": "Sale amount", "wallet_ref": "Refund no.",
        "given_back_refund": "REFUNDED", "given_back_void": "VOIDED",
    },
}


def _local_time(at: datetime, timezone: str) -> datetime:
    try:
        return at.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        return at.astimezone()


def render_receipt(
    sale: SaleRecord | SaleValues,
    copy: ReceiptCopy,
    store: StoreInfo,
    *,
    language: Language = Language.JA,
    reprint: bool = False,
) -> Receipt:
    """The receipt of a final sale. A sale still in progress has no receipt: it could yet end
    otherwise (raises ``NoReceiptForSale``)."""
    values = SaleValues.from_record(sale) if isinstance(sale, SaleRecord) else sale
    if values.state not in FINAL_STATES:
        raise NoReceiptForSale(f"sale {values.reference} is {values.state.value}: no receipt until it is final")
    t = _LABELS[language]
    rows = [
        Row(store.merchant_name, align=Align.CENTER, style=Style.BOLD),
        Row(store.store_name, align=Align.CENTER),
        Row(t[copy.value], align=Align.CENTER, style=Style.BOLD),
    ]
    given = values.given_back
    if given is not None:
        rows.append(Row(t[given.kind], align=Align.CENTER, style=Style.LARGE))
    if reprint:
        rows += [Row(f"** {t['reprint']} **", align=Align.CENTER, style=Style.BOLD),
                 Row(t["reprint_of"], values.reference),
                 Row(t["sale_time"], f"{_local_time(values.at, store.timezone):%Y-%m-%d %H:%M}")]
    if given is not None:
        return _slip(values, given, copy, store, language, reprint, rows)
    rows += [
        RULE,
        Row(t["time"], f"{_local_time(values.at, store.timezone):%Y-%m-%d %H:%M}"),
        Row(t["register"], store.register_name),
        Row(t["result"], t[values.state]),
        Row(t["wallet"], values.wallet),
        Row(t["code"], f"****{values.last4}"),
    ]
    if values.approval_code:
        rows.append(Row(t["approval"], values.approval_code))
    rows += [
        Row(t["reference"], values.reference),
        RULE,
        Row(t["total"], Money(values.amount, values.currency).format(), style=Style.LARGE),
        RULE,
    ]
    footer = [Row(t["thanks"], align=Align.CENTER)]
    if store.training:
        footer.insert(0, Row(t["training"], align=Align.CENTER, style=Style.BOLD))
    return Receipt(copy, language, tuple(rows), values.reference, tuple(footer), values, store, reprint)


def _slip(values: SaleValues, given: GivenBackValues, copy: ReceiptCopy, store: StoreInfo, language: Language,
          reprint: bool, rows: list[Row]) -> Receipt:
    """A refund or void slip: when, the original sale (reference, time, amount) and what was given back."""
    t = _LABELS[language]
    rows += [
        RULE,
        Row(t["time"], f"{_local_time(given.at, store.timezone):%Y-%m-%d %H:%M}"),
        Row(t["register"], store.register_name),
        Row(t["original"], values.reference),
        Row(t["original_time"], f"{_local_time(values.at, store.timezone):%Y-%m-%d %H:%M}"),
        Row(t["original_amount"], Money(values.amount, values.currency).format()),
        Row(t["wallet"], values.wallet),
        Row(t["code"], f"****{values.last4}"),
    ]
    if given.wallet_ref and given.kind is OperationKind.REFUND:  # a void's is the charge id
        rows.append(Row(t["wallet_ref"], given.wallet_ref))
    back = "-" + Money(given.amount, values.currency).format()
    rows += [RULE, Row(t[f"given_back_{given.kind.value}"], back, style=Style.LARGE), RULE]
    footer = [Row(t["thanks"], align=Align.CENTER)]
    if store.training:
        footer.insert(0, Row(t["training"], align=Align.CENTER, style=Style.BOLD))
    return Receipt(copy, language, tuple(rows), values.reference, tuple(footer), values, store, reprint)
