"""One sale: what the journal holds, its timeline from the audit log, its voids and refunds, and
the two money-back actions. Each action is confirmed with the manager PIN, then sent by
``Operations`` on a worker (its intent is journalled first; asking twice is safe)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.affordance import Allowed, Why
from terminal.domain.money import Money, MoneyError, parse_major
from terminal.domain.operation import SaleBalance
from terminal.journal.records import OperationRecord, SaleRecord
from terminal.journal.states import OperationKind, OperationState
from terminal.register.operations import OperationResult
from terminal.ui.errors import error_text
from terminal.ui.i18n import format_money
import terminal.ui.manager.labels as labels
from terminal.register.manager_pin import PinCheck, PinOutcome
from terminal.ui.manager.pin_dialog import ManagerPinDialog
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.tasks import Tasks
from terminal.ui.manager.timeline import TimelineEvent, sale_timeline

_SAID_ELSEWHERE = frozenset({"key", "sale", "reference", "currency", "wallet"})  # shown in the facts


def facts_table(facts: list[tuple[str, str]]) -> str:
    """Two name/value pairs per row: the detail fits above the timeline on a register screen."""
    cells = [f"<td><b>{escape(name)}</b></td><td>{escape(value)}</td>" for name, value in facts]
    rows = ["".join(cells[i:i + 2]) for i in range(0, len(cells), 2)]
    return "<table cellspacing='4'>" + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>"


@dataclass(frozen=True)
class SaleView:
    sale: SaleRecord
    operations: list[OperationRecord]
    timeline: list[TimelineEvent]
    balance: SaleBalance  # what may be given back: the one refund and void rule
    void: Allowed  # the void affordance, with the store's day

    @property
    def left(self) -> Money:
        return self.balance.left


class SaleDetailDialog(QDialog):
    loaded = Signal()  # the detail was (re)read
    operated = Signal(object)  # OperationResult, or the exception that stopped it

    def __init__(self, services: ManagerServices, sale: SaleRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saleDetailDialog")
        self.setWindowTitle(self.tr("Sale %1").replace("%1", sale.merchant_reference))
        self.resize(900, 760)
        self._services = services
        self._tasks = Tasks(self)
        self.view: SaleView | None = None
        self.shown_facts: dict[str, str] = {}
        self.pin_dialog: ManagerPinDialog | None = None
        layout = QVBoxLayout(self)
        self.facts = QLabel(self)
        self.facts.setObjectName("saleFacts")
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        timeline_box = QGroupBox(self.tr("Timeline"), self)
        inner = QVBoxLayout(timeline_box)
        self.timeline = QListWidget(timeline_box)
        self.timeline.setObjectName("saleTimeline")
        self.timeline.setMinimumHeight(150)
        # a step is a sentence: wrapped to the dialog's width, never scrolled sideways
        self.timeline.setWordWrap(True)
        self.timeline.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner.addWidget(self.timeline)
        layout.addWidget(timeline_box, 2)
        actions = QGroupBox(self.tr("Give money back"), self)
        form = QFormLayout(actions)
        self.void_button = QPushButton(self.tr("Void the sale (same day only)"), actions)
        self.void_button.setObjectName("voidButton")
        self.void_button.clicked.connect(self.ask_void)
        form.addRow(self.void_button)
        self.refund_amount = QLineEdit(actions)
        self.refund_amount.setObjectName("refundAmount")
        self.refund_amount.setPlaceholderText(self.tr("empty: all that is left"))
        form.addRow(self.tr("Refund amount"), self.refund_amount)
        self.refund_reason = QLineEdit(actions)
        form.addRow(self.tr("Reason"), self.refund_reason)
        self.refund_button = QPushButton(self.tr("Refund"), actions)
        self.refund_button.setObjectName("refundButton")
        self.refund_button.clicked.connect(self.ask_refund)
        form.addRow(self.refund_button)
        self.why_not = QLabel(actions)
        self.why_not.setObjectName("whyNot")
        self.why_not.setWordWrap(True)
        form.addRow(self.why_not)
        layout.addWidget(actions)
        row = QHBoxLayout()
        self.message = QLabel(self)
        self.message.setObjectName("managerMessage")
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Back"))
        close.rejected.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self.reload(sale)

    # -- reading --------------------------------------------------------------------------------

    def reload(self, sale: SaleRecord) -> None:
        services = self._services

        def read() -> SaleView:
            fresh = services.journal.sale(sale.idempotency_key) or sale
            ops = services.journal.reader.operations_for_sale(fresh.idempotency_key)
            operations = services.operations()
            return SaleView(fresh, ops, sale_timeline(services.journal.path, fresh, ops),
                            operations.balance(fresh), operations.can_void(fresh))
        self._tasks.run(read, self._show, lambda exc: self.message.setText(error_text(exc)))

    def _show(self, view: SaleView) -> None:
        self.view = view
        sale, zone = view.sale, ZoneInfo(self._services.timezone)
        facts = [
            (self.tr("Amount"), format_money(sale.money)),
            (self.tr("State"), labels.standing(sale.state, view.balance.standing)),
            (self.tr("Time"), sale.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")),
            (self.tr("Wallet"), sale.wallet),
            (self.tr("Code"), f"…{sale.code_last4}"),
            (self.tr("Reference"), sale.merchant_reference),
            (self.tr("Charge"), sale.charge_id or "—"),
            (self.tr("Approval code"), sale.approval_code or "—"),
            (self.tr("Left to refund"), format_money(view.left)),
        ]
        if sale.decline_message:
            facts.append((self.tr("Decline"), sale.decline_message))
        for op in view.operations:
            why = labels.error_words(op.error_code, op.error_message) if op.error_code or op.error_message else ""
            facts.append((labels.operation(op.kind, op.state), format_money(op.money) + (f" ({why})" if why else "")))
        self.shown_facts = dict(facts)
        self.facts.setText(facts_table(facts))
        self._show_affordances(view)
        self.timeline.clear()
        for event in view.timeline:
            detail = labels.details_of({k: v for k, v in event.details.items() if k not in _SAID_ELSEWHERE},
                                       view.sale.currency)
            self.timeline.addItem(f"{event.at.astimezone(zone):%H:%M:%S}  {labels.action(event.action)}"
                                  f"  ({labels.actor(event.actor)})  {detail}".rstrip())
        self.loaded.emit()

    def _show_affordances(self, view: SaleView) -> None:
        """Each action enabled only when the sale allows it, the reason shown when not."""
        refund = view.balance.can_refund()
        for button, allowed in ((self.void_button, view.void), (self.refund_button, refund)):
            button.setEnabled(bool(allowed))
            button.setToolTip("" if allowed else labels.why_not(allowed))
        self.refund_amount.setEnabled(bool(refund))
        reasons = [labels.why_not(a) for a in (view.void, refund) if not a]
        if reasons and view.balance.approved:
            self.why_not.setText(self.tr("Not possible now: %1").replace("%1", " ".join(dict.fromkeys(reasons))))
        else:
            self.why_not.setText("")

    # -- void and refund ------------------------------------------------------------------------

    def ask_void(self) -> None:
        if self.view is None:
            return
        sale = self.view.sale
        if not self.view.void:
            self.message.setText(labels.why_not(self.view.void))
            return
        prompt = self.tr("Void %1 of sale %2? Enter the manager PIN to confirm.") \
            .replace("%1", format_money(sale.money)).replace("%2", sale.merchant_reference)
        self._confirm(prompt, lambda pin: self._services.operations().void(sale, manager_pin=pin))

    def ask_refund(self) -> None:
        if self.view is None:
            return
        sale, text = self.view.sale, self.refund_amount.text().strip()
        try:
            amount = parse_major(text, sale.currency) if text else None
        except MoneyError as exc:
            self.message.setText(self.tr("Not an amount: %1").replace("%1", error_text(exc)))
            return
        allowed = self.view.balance.can_refund(amount)
        if allowed.why is Why.OVER_REFUND:
            self.message.setText(self.tr("Only %1 is left to refund on this sale.")
                                 .replace("%1", format_money(self.view.left)))
            return
        if not allowed:
            self.message.setText(labels.why_not(allowed))
            return
        shown = format_money(amount or self.view.left)
        reason = self.refund_reason.text().strip()
        prompt = self.tr("Refund %1 of sale %2? Enter the manager PIN to confirm.") \
            .replace("%1", shown).replace("%2", sale.merchant_reference)
        self._confirm(prompt, lambda pin: self._services.operations().refund(sale, amount, reason, manager_pin=pin))

    def _confirm(self, prompt: str, operation: Callable[[str], OperationResult]) -> None:
        """The manager types the PIN; the operation carries it to the wallet, which checks it. A
        wrong PIN keeps the dialog open (tries left, or the lock-out); any other answer closes it
        and is shown here."""
        def submit(pin: str) -> tuple[PinCheck, object]:
            try:
                result = operation(pin)
            except Exception as exc:  # noqa: BLE001 - shown to the manager, as the worker would
                return PinCheck(PinOutcome.OK), exc
            if result.refused_by_manager_check and result.manager is not None:
                return result.manager, result
            return PinCheck(PinOutcome.OK), result

        dialog = ManagerPinDialog(self._services, prompt, self, submit=submit)
        dialog.accepted.connect(lambda: self._done(dialog.payload))  # type: ignore[arg-type]
        self.pin_dialog = dialog
        dialog.open()

    def _done(self, result: OperationResult | Exception) -> None:
        if isinstance(result, OperationResult) and result.state is OperationState.SUCCEEDED and not result.repeated:
            self._services.issue_slip(result.operation.idempotency_key)  # the customer's slip
        self.message.setText(self.describe(result))
        self.refund_amount.clear()
        if self.view is not None:
            self.reload(self.view.sale)
        self.operated.emit(result)

    def describe(self, result: OperationResult | Exception) -> str:
        if isinstance(result, Exception):
            return self.tr("Not done: %1").replace("%1", str(result))
        op = result.operation
        amount = format_money(op.money)
        if result.repeated:
            return self.tr("This sale was already voided: nothing was sent again.")
        if op.state is OperationState.SUCCEEDED:
            return (self.tr("Voided: %1.") if op.kind is OperationKind.VOID else self.tr("Refunded: %1.")) \
                .replace("%1", amount)
        if op.state is OperationState.FAILED:
            return self.tr("The wallet refused: %1").replace("%1", labels.error_words(op.error_code, op.error_message))
        return self.tr("No clear answer from the wallet: it is asked again with the same key at the next "
                       "start. Do not give the money back another way.")
