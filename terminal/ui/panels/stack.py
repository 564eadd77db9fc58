"""Chooses the panel for the sale on hand: one per SaleState, and one per step-up method."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from terminal.domain.amount_guard import AmountLimits
from terminal.domain.flow import Sale, SaleState, StepUpMethod
from terminal.domain.money import Money
from terminal.ui.panels.amount_confirm import AmountConfirmPanel
from terminal.ui.panels.authorizing import AuthorizingPanel
from terminal.ui.panels.awaiting import AwaitingCodePanel
from terminal.ui.panels.base import Panel
from terminal.ui.panels.entry import EntryPanel
from terminal.ui.panels.final import ApprovedPanel, DeclinedPanel, ReversedPanel
from terminal.ui.panels.in_doubt import InDoubtPanel
from terminal.ui.panels.reversing import ReversingPanel
from terminal.ui.panels.stepup_app import StepUpAppPanel
from terminal.ui.panels.stepup_base import SecretStepUpPanel, StepUpPanel
from terminal.ui.panels.stepup_otp import StepUpOtpPanel
from terminal.ui.panels.stepup_pin import StepUpPinPanel

PanelKey = SaleState | StepUpMethod


def panel_key(sale: Sale) -> PanelKey:
    if sale.state is SaleState.STEP_UP and sale.step_up is not None:
        return sale.step_up.method
    return sale.state


class FlowView(QStackedWidget):
    """Every panel's requests, gathered: the window connects these to the register."""

    charge = Signal(object)
    secret = Signal(str)
    cancel = Signal()
    next_sale = Signal()
    no_receipt = Signal()
    manual_entry = Signal()
    panel_changed = Signal(object)  # the Panel now on screen

    def __init__(self, currency_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.awaiting = AwaitingCodePanel(self)
        self.entry = EntryPanel(currency_code, self)
        self.confirm = AmountConfirmPanel(self)  # not a state of the sale: a second look before it starts
        self.panels: dict[PanelKey, Panel] = {
            SaleState.IDLE: self.entry,
            SaleState.AWAITING_CODE: self.awaiting,
            SaleState.AUTHORIZING: AuthorizingPanel(self),
            StepUpMethod.APP_CONFIRM: StepUpAppPanel(self),
            StepUpMethod.PIN: StepUpPinPanel(self),
            StepUpMethod.OTP: StepUpOtpPanel(self),
            SaleState.STEP_UP: StepUpAppPanel(self),  # a step-up without its details: wait for the app
            SaleState.IN_DOUBT: InDoubtPanel(self),
            SaleState.REVERSING: ReversingPanel(self),
            SaleState.APPROVED: ApprovedPanel(self),
            SaleState.DECLINED: DeclinedPanel(self),
            SaleState.REVERSED: ReversedPanel(self),
        }
        for panel in self.panels.values():
            self.addWidget(panel)
            panel.charge.connect(self.charge)
            panel.secret.connect(self.secret)
            panel.cancel.connect(self.cancel)
            panel.next_sale.connect(self.next_sale)
            panel.no_receipt.connect(self.no_receipt)
            panel.manual_entry.connect(self.manual_entry)
        self.addWidget(self.confirm)
        self.confirm.charge.connect(self.charge)
        self.confirm.back.connect(self._back_to_amount)
        self.entry.confirm.connect(self._confirm_amount)
        self.setCurrentWidget(self.panels[SaleState.IDLE])

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        """No: the stack fills the space the window gives it. Otherwise every layout pass (each
        panel switch, each verdict) asks QStackedLayout for the height of every one of the twelve
        panels at this width, which lays out and shapes the text of all their word-wrapped
        labels again: the longest event-loop stall of a sale, measured by bench/stall.py."""
        return False

    def set_limits(self, limits: AmountLimits) -> None:
        """The register's amount guard (maximum per sale, confirm threshold)."""
        self.entry.set_limits(limits)
        self.confirm.limits = limits

    def _confirm_amount(self, money: Money) -> None:
        self.confirm.ask(money)
        self._switch(self.confirm)

    def _back_to_amount(self) -> None:
        self._switch(self.entry, activate=False)
        self.entry.keep_amount()

    def _switch(self, panel: Panel, *, activate: bool = True) -> None:
        if panel is not self.currentWidget():
            self.current.deactivate()
            if activate:
                panel.activate()
            self.setCurrentWidget(panel)
            self.panel_changed.emit(panel)

    @property
    def current(self) -> Panel:
        widget = self.currentWidget()
        if not isinstance(widget, Panel):
            raise TypeError("the flow view holds only panels")
        return widget

    def show_sale(self, sale: Sale) -> None:
        panel = self.panels[panel_key(sale)]
        if panel is self.entry and self.currentWidget() is self.confirm:
            return  # the amount is being confirmed; the sale has not started yet
        self._switch(panel)
        panel.show_sale(sale)

    def set_pads_elsewhere(self, elsewhere: bool) -> None:
        """A customer display takes the PIN and one-time-code pads."""
        for panel in self.panels.values():
            if isinstance(panel, SecretStepUpPanel):
                panel.set_pad_elsewhere(elsewhere)

    def take_secret(self, secret: str) -> None:
        """Digits from the customer display, for the step-up panel on screen (if any)."""
        if isinstance(self.current, SecretStepUpPanel):
            self.current.take_secret(secret)

    def set_wallet_reachable(self, reachable: bool) -> None:
        for panel in self.panels.values():
            if isinstance(panel, SecretStepUpPanel):
                panel.set_reachable(reachable)

    def set_payee(self, name: str) -> None:
        """Whom the customer pays, for every panel that asks the customer to approve."""
        for panel in self.panels.values():
            if isinstance(panel, StepUpPanel):
                panel.set_payee(name)
