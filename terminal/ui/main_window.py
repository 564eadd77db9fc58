"""The cashier window: top bar; the flow panel, with the camera view beside it only while a code
is awaited (every other panel, the verdict above all, has the whole width); the strip of recent
sales along the bottom. It draws ``register.sale`` whenever the register says it changed, and
passes the cashier's requests (charge, code, PIN/OTP, cancel, next) to the register. It keeps no
sale state itself."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QVBoxLayout, QWidget

from terminal.config.model import Language
from terminal.domain.amount_guard import AmountLimits
from terminal.domain.flow import Sale
from terminal.domain.money import Money
from terminal.domain.paymentcode import Classification, Symbology
from terminal.register.register import RegisterStatus
from terminal.scan.types import Quad, ScanResult, SourceState
from terminal.ui.bridge import RegisterBridge
from terminal.ui.camera_view import CameraColumn, CameraView
from terminal.ui.code_reader import CodeReader, ReadAnswer
from terminal.ui.customer_display import CustomerDisplay, place_customer_display
from terminal.ui.errors import error_text
from terminal.ui.i18n import Languages, format_time
from terminal.ui.keyboard import Command, KeyRouter
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manual_entry import ManualEntryDialog
from terminal.ui.panels.stack import FlowView
from terminal.ui.ports import RegisterPort, WalletLink
from terminal.ui.recent import RecentSales
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import Cue, SoundPlayer
from terminal.ui.texts import camera_text, rejection_text
from terminal.ui.topbar import TopBar
from terminal.ui.wallet_watch import Reach, WalletHealth, WalletWatch

if TYPE_CHECKING:
    from terminal.ui.manager.dialog import ManagerDialog
    from terminal.ui.manager.pin_dialog import ManagerPinDialog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeptCode:
    """A payment code read while the wallet cannot be reached: held in memory only (a code is a
    bearer token: never logged or written), sent when the wallet is back, dropped on cancel."""

    text: str
    symbology: Symbology
    quad: Quad | None = None
    verdict: Classification | None = None

    def __repr__(self) -> str:
        return f"KeptCode(…{self.text[-4:]})"


class CashierWindow(QMainWindow):
    finished = Signal()  # the manager closed PayTerm

    def __init__(
        self,
        register: RegisterPort,
        hub: ScannerHub,
        languages: Languages,
        *,
        currency: str,
        sounds: SoundPlayer | None = None,
        manager: ManagerServices | None = None,
        kiosk: bool = False,
        limits: AmountLimits | None = None,
        wallet: WalletLink | None = None,
        customer_display: bool = False,
        timezone: str | None = None,
        register_name: str | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("cashierWindow")
        self.register = register
        register.hold_receipts()  # an approved sale's receipt waits for "Next sale" or "No receipt"
        self.hub = hub
        self.languages = languages
        self.sounds = sounds or SoundPlayer(self)
        self.kiosk = kiosk
        self._manager = manager
        self._currency = currency
        self._zone = ZoneInfo(timezone) if timezone else None  # the store's: one clock on every screen
        self._may_close = not kiosk
        self.ready = True
        self._kept: KeptCode | None = None  # read while the wallet was unreachable; memory only
        self.bridge = RegisterBridge(self)
        self.bridge.attach(register.hooks)
        self.reader = CodeReader(register, self)
        self.keys = KeyRouter(hub.wedge, self)
        self.dialog: ManualEntryDialog | ManagerPinDialog | ManagerDialog | None = None

        self.topbar = TopBar(self)
        self.topbar.register_name = register_name
        self.camera = CameraView(self)
        self.camera.set_frames(hub.latest_frame)
        self.camera_column = CameraColumn(self.camera, self)
        self.recent = RecentSales(self)
        self.flow = FlowView(currency, self)
        self.flow.set_limits(limits or AmountLimits())
        self.customer = CustomerDisplay() if customer_display else None
        self._build_layout()
        self._connect()
        self.watch = WalletWatch(wallet, self) if wallet is not None else None
        if self.watch is not None:
            self.watch.changed.connect(self._wallet_changed)
            self.watch.start()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(1000)
        self._status_timer.timeout.connect(self._refresh_status)
        self._status_timer.start()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.retranslate()
        self._refresh_status()
        self.show_sale(register.sale)
        if kiosk:
            self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)

    def _build_layout(self) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.topbar)
        body = QHBoxLayout()
        body.setContentsMargins(12, 12, 12, 6)
        body.setSpacing(12)
        body.addWidget(self.camera_column, 2)
        body.addWidget(self.flow, 3)
        outer.addLayout(body, 1)
        strip = QHBoxLayout()
        strip.setContentsMargins(12, 0, 12, 6)
        strip.addWidget(self.recent)
        outer.addLayout(strip)
        self.setCentralWidget(central)
        self.camera_column.setVisible(self.flow.current.wants_camera)

    def _connect(self) -> None:
        self.bridge.sale_changed.connect(self.show_sale)
        self.bridge.scanner_wanted.connect(self.hub.set_running)
        self.bridge.sound.connect(lambda sound: self.sounds.play(Cue.of(sound)))
        self.bridge.error.connect(lambda exc: log.error("register error: %s", exc))
        self.bridge.notice.connect(self.topbar.show_note)
        self.hub.scanned.connect(self._scanned)
        self.hub.state_changed.connect(self._camera_state)
        self.reader.answered.connect(self._read_answered)
        self.reader.failed.connect(lambda exc: self.flow.awaiting.show_problem(error_text(exc)))
        self.keys.typed.connect(lambda text: self.flow.current.type_text(text))
        self.keys.command.connect(self._command)
        self.flow.charge.connect(self._charge)
        self.flow.secret.connect(self.register.step_up_input)
        self.flow.cancel.connect(self._cancel)
        self.flow.next_sale.connect(self._next_sale)
        self.flow.no_receipt.connect(self._no_receipt)
        self.flow.manual_entry.connect(self.open_manual_entry)
        self.flow.panel_changed.connect(lambda panel: self.camera_column.setVisible(panel.wants_camera))
        if self.customer is not None:
            self.flow.set_pads_elsewhere(True)
            self.customer.secret.connect(self.flow.take_secret)

    # -- the sale -------------------------------------------------------------------------------

    def show_sale(self, sale: Sale) -> None:
        if self._kept is not None and not sale.accepts_code():
            self._kept = None  # cancelled (or over) while kept: the code is dropped, never sent
        self.flow.show_sale(sale)
        if self.customer is not None:
            self.customer.show_page(self.flow.current.customer_page, sale)
        self.recent.add(sale, self.store_now())

    def _charge(self, amount: Money) -> None:
        if self.ready:
            self.register.start_sale(amount)

    def store_now(self) -> datetime:
        """Now in the store's time zone (the machine's own when the window has none)."""
        return datetime.now(self._zone) if self._zone is not None else datetime.now().astimezone()

    def _cancel(self) -> None:
        if self._kept is not None:  # the cashier stops the sale: a kept code is dropped, never sent
            self._kept = None
            self.flow.awaiting.show_waiting(False)
        self.register.cancel()

    def _next_sale(self) -> None:
        self.register.next_sale()

    def _no_receipt(self) -> None:
        """The customer wants no receipt: nothing is printed, the audit log says so, next sale."""
        if self.register.decline_receipt():
            self.topbar.show_note(self.tr("No receipt: nothing was printed."))
        self.register.next_sale()

    def _wallet_changed(self, health: WalletHealth) -> None:
        self.topbar.show_wallet(health)
        self.flow.set_wallet_reachable(health.reach is not Reach.UNREACHABLE)
        if health.reach is not Reach.UNREACHABLE and self._kept is not None:
            self._send_kept()

    def set_ready(self, ready: bool, note: str = "") -> None:
        """False while unfinished sales are recovered: no new sale before that."""
        self.ready = ready
        self.topbar.show_note(note)

    # -- codes ----------------------------------------------------------------------------------

    def _scanned(self, result: ScanResult) -> None:
        if not self.register.sale.accepts_code():
            return  # between sales the camera may see anything; only a waiting sale takes a code
        self._read_code(KeptCode(result.text, result.symbology, result.quad, result.verdict))

    def _read_code(self, code: KeptCode) -> None:
        """To the register, or, while the wallet cannot be reached, kept in memory (never written
        anywhere) until it is back: then sent, unless the cashier cancelled the sale meanwhile."""
        if self.watch is not None and not self.watch.reachable:
            self._kept = code  # a newer read replaces an older one: the customer's latest code
            self.flow.awaiting.show_waiting(True)
            return
        self.reader.read(code.text, code.symbology, code.quad, code.verdict)

    def _send_kept(self) -> None:
        code, self._kept = self._kept, None
        self.flow.awaiting.show_waiting(False)
        if code is not None and self.register.sale.accepts_code():
            self.reader.read(code.text, code.symbology, code.quad, code.verdict)

    @property
    def keeps_code(self) -> bool:
        return self._kept is not None

    def _read_answered(self, answer: ReadAnswer) -> None:
        self.camera.highlight(answer.quad, answer.rejection is None)
        if answer.rejection is None:
            self.sounds.play(Cue.READ)
            self.flow.awaiting.show_problem(None)
        else:
            self.flow.awaiting.show_problem(rejection_text(answer.rejection))

    def open_manual_entry(self) -> None:
        if not self.register.sale.accepts_code():
            return
        dialog = ManualEntryDialog(self)
        dialog.code_entered.connect(lambda text: self._read_code(KeptCode(text, Symbology.KEYED)))
        self._open(dialog)

    def _camera_state(self, state: SourceState) -> None:
        self.camera.set_message(camera_text(state))
        if not state.ok:
            self.camera.clear_picture()

    # -- keys -----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.keys.key_press(event):
            super().keyPressEvent(event)

    def _command(self, command: Command) -> None:
        panel = self.flow.current
        if command is Command.ENTER:
            panel.enter()
        elif command is Command.BACKSPACE:
            panel.backspace()
        elif command is Command.ESCAPE:
            panel.escape()
        elif command is Command.MANUAL_ENTRY:
            self.open_manual_entry()
        elif command is Command.REPRINT:
            self.register.reprint_last_receipt()
            self.topbar.show_note(self.reprint_note())
        else:
            self.open_manager()

    def reprint_note(self) -> str:
        """What the top bar says on F4: which sale is reprinted ("REPRINT" with its reference and time)."""
        last = next(iter(self.recent.entries), None)
        if last is None or not last.sale.reference:
            return self.tr("Printing the last receipt again…")
        return self.tr("REPRINT of sale %1 (%2): printing…").replace("%1", last.sale.reference) \
            .replace("%2", format_time(last.at))

    # -- manager, language, kiosk ---------------------------------------------------------------

    def open_manager(self) -> None:
        """F10: the manager PIN, then manager mode. Without a manager PIN store (a window on a
        test register) there is no manager mode, and a kiosk then has no way out, by design."""
        if self._manager is None:
            return
        from terminal.ui.manager.pin_dialog import ManagerPinDialog  # loaded on first F10, not at start-up

        dialog = ManagerPinDialog(self._manager, parent=self)
        dialog.accepted.connect(self._open_manager_mode)
        self._open(dialog)

    def _open_manager_mode(self) -> None:
        if self._manager is None:
            return
        from terminal.ui.manager.dialog import ManagerDialog  # loaded on first use, not at start-up

        dialog = ManagerDialog(self._manager, self.languages.current, self._currency, self)
        dialog.language_chosen.connect(self.switch_language)
        dialog.quit_requested.connect(self.quit_by_manager)
        self._open(dialog)
        if self.kiosk:
            dialog.showFullScreen()

    def _open(self, dialog: ManualEntryDialog | ManagerPinDialog | ManagerDialog) -> None:
        if self.dialog is not None and self.dialog is not dialog:
            self.dialog.close()
        self.dialog = dialog
        dialog.finished.connect(lambda _: self.setFocus())
        dialog.open()

    def switch_language(self, language: Language) -> None:
        self.languages.switch(language)

    def quit_by_manager(self) -> None:
        self._may_close = True
        if self.dialog is not None:
            self.dialog.close()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close:
            event.ignore()  # kiosk: the way out is F10 and the manager PIN
            return
        self._status_timer.stop()
        if self.watch is not None:
            self.watch.stop()
        if self.customer is not None:
            self.customer.may_close = True
            self.customer.close()
        self.hub.close()
        self.reader.close()
        super().closeEvent(event)
        self.finished.emit()

    def show_kiosk_or_normal(self) -> None:
        if self.kiosk:
            self.showFullScreen()
        else:
            self.resize(1280, 800)
            self.show()
        if self.customer is not None:
            place_customer_display(self.customer, kiosk=self.kiosk)

    # -- language -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("PayTerm register"))
        self.camera.set_message(self.tr("The camera starts when a sale waits for a code."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.show_sale(self.register.sale)
        super().changeEvent(event)

    def _refresh_status(self) -> None:
        status = self.register.status()
        self.topbar.show_status(status)
        self.topbar.show_time(self.store_now())
        self.flow.set_payee(payee_name(status))
        if self.customer is not None:
            self.customer.set_payee(payee_name(status))


def payee_name(status: RegisterStatus) -> str:
    """Whom the customer pays: the merchant and the store, as the wallet enrolled them."""
    return " ".join(dict.fromkeys(n for n in (status.merchant_name, status.store_name) if n))
