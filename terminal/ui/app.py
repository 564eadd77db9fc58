"""Putting the window together: the QApplication, language and style, the scanners, the window
on a register, and recovery of unfinished sales (off the UI thread) before the first sale."""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from terminal.config.model import Settings
from terminal.domain.amount_guard import AmountLimits
from terminal.register.register import Register
from terminal.scan.sources import FrameSource
from terminal.ui.assets import style_sheet
from terminal.ui.errors import error_text
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.manager import ManagerServices
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer

log = logging.getLogger(__name__)


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (the existing one, in tests), styled."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("PayTerm")
    app.setStyleSheet(style_sheet())
    return app


class Recovery(QObject):
    """Runs ``Register.recover()`` (it waits for the wallet) on a thread; the window takes no
    sale until it is done."""

    done = Signal(object)  # list[Sale], or the exception that stopped it

    def __init__(self, register: Register, window: CashierWindow) -> None:
        super().__init__(window)
        self._register = register
        self._window = window
        self.done.connect(self._finished)

    def start(self) -> None:
        self._window.set_ready(False, self._window.tr("Checking unfinished sales with the wallet…"))
        threading.Thread(target=self._run, name="payterm-recover", daemon=True).start()

    def _run(self) -> None:
        try:
            self.done.emit(self._register.recover())
        except Exception as exc:
            log.exception("recovery failed")
            self.done.emit(exc)

    def _finished(self, result: object) -> None:
        if isinstance(result, Exception):
            self._window.set_ready(False, self._window.tr("Unfinished sales could not be checked: %1")
                                   .replace("%1", error_text(result)))
        else:
            self._window.set_ready(True)


def build_window(
    register: Register,
    settings: Settings,
    languages: Languages,
    *,
    kiosk: bool = False,
    manager: ManagerServices | None = None,
    camera: FrameSource | None = None,
    muted: bool = False,
) -> CashierWindow:
    """The cashier window on an opened register; ``camera`` replaces the configured one (the
    demo's virtual camera). Recovery starts at once."""
    hub = ScannerHub.from_settings(settings.scanner, camera)
    limits = AmountLimits(maximum=settings.register.max_sale, confirm_above=settings.register.confirm_above)
    window = CashierWindow(register, hub, languages, currency=settings.register.currency,
                           sounds=SoundPlayer(muted=muted), manager=manager, kiosk=kiosk, limits=limits,
                           wallet=register.client, customer_display=settings.register.customer_display,
                           timezone=register.enrollment.timezone, register_name=settings.register.name)
    Recovery(register, window).start()
    window.topbar.show_development_mode(settings.keys.development_mode)  # the key is not protected
    return window
