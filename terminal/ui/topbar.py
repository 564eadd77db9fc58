"""The strip along the top: register name, wallet connection with its latency, a clock-skew
warning, the store's time, and the TRAINING banner when the wallet is a sandbox (no real money)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from terminal.register.register import RegisterStatus
from terminal.ui.i18n import format_time
from terminal.ui.wallet_watch import Reach, WalletHealth

SKEW_WARNING_S = 60.0  # the wallet refuses requests beyond 300 s; warn well before that


class TopBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        self.name = QLabel(self)
        self.name.setObjectName("registerName")
        self.training = QLabel(self)
        self.training.setObjectName("trainingBanner")
        self.training.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.training.hide()
        # keys.development_mode: the KEK file beside the device key (docs/keys.md). Shown by
        # show_development_mode(settings.keys.development_mode), called where the window is built.
        self.development = QLabel(self)
        self.development.setObjectName("developmentBanner")
        self.development.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.development.hide()
        self.note = QLabel(self)
        self.note.setObjectName("topNote")
        self.skew = QLabel(self)
        self.skew.setObjectName("skewWarning")
        self.skew.hide()
        self.wallet = QLabel(self)
        self.wallet.setObjectName("walletStatus")
        self.clock = QLabel(self)
        self.clock.setObjectName("storeClock")
        row.addWidget(self.name)
        row.addWidget(self.training, 1)
        row.addWidget(self.development, 1)
        row.addWidget(self.note)
        row.addWidget(self.skew)
        row.addWidget(self.wallet)
        row.addWidget(self.clock)
        self.register_name: str | None = None  # the register's own name (settings), as on slips and history
        self._status: RegisterStatus | None = None
        self._health: WalletHealth | None = None
        self._note = ""
        self.retranslate()

    def show_status(self, status: RegisterStatus) -> None:
        self._status = status
        self.name.setText(f"{status.store_name} · {self.register_name or status.terminal_name}")
        self.training.setVisible(status.training)
        if self._health is None:  # no watch on the wallet (a window without one): the last call
            self._draw_wallet(WalletHealth(Reach.CHECKING) if status.latency is None
                              else WalletHealth(Reach.CONNECTED, status.latency))
        offset = status.clock_offset
        skewed = offset is not None and abs(offset) > SKEW_WARNING_S
        self.skew.setVisible(skewed)
        if skewed and offset is not None:
            self.skew.setText(self.tr("⚠ Clock off by %1 s: check the time").replace("%1", str(round(offset))))

    def show_time(self, now: datetime) -> None:
        """The store's time (the same clock as history, receipts and reports)."""
        self.clock.setText(format_time(now))

    def show_wallet(self, health: WalletHealth) -> None:
        """The wallet watch's word (terminal/ui/wallet_watch.py): it follows reality within 2 s."""
        self._health = health
        self._draw_wallet(health)

    def _draw_wallet(self, health: WalletHealth) -> None:
        if health.reach is Reach.UNREACHABLE:
            text = self.tr("⚠ Wallet unreachable: retrying")
        elif health.reach is Reach.SLOW:
            text = self.tr("Wallet: slow to answer")
        elif health.reach is Reach.CONNECTED and health.latency is not None:
            text = self.tr("Wallet: connected · %1 ms").replace("%1", str(round(health.latency * 1000)))
        else:
            text = self.tr("Wallet: checking the connection…")
        self.wallet.setText(text)
        if self.wallet.property("reach") != health.reach.value:  # restyle only on a change of state
            self.wallet.setProperty("reach", health.reach.value)
            self.wallet.style().unpolish(self.wallet)
            self.wallet.style().polish(self.wallet)

    def show_development_mode(self, on: bool) -> None:
        """The banner saying that this register's device key is not protected (demo, tests)."""
        self.development.setVisible(on)

    def show_note(self, text: str) -> None:
        """A passing word from the window (recovery running, scanner problem)."""
        self._note = text
        self.note.setText(text)

    def retranslate(self) -> None:
        self.training.setText(self.tr("TRAINING · test money only"))
        self.development.setText(self.tr("DEVELOPMENT MODE · device key not protected"))
        if self._status is not None:
            self.show_status(self._status)
        if self._health is not None:
            self._draw_wallet(self._health)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
