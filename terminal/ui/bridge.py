"""The register's callbacks arrive on its worker threads; Qt widgets may only be touched on the
UI thread. The bridge turns each callback into a signal (queued across threads by Qt), so the
window reacts on its own thread and the register's threads never wait for the window."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from terminal.domain.flow import PlaySound, Sale
from terminal.register.runner import Hooks


class RegisterBridge(QObject):
    sale_changed = Signal(object)  # Sale, already committed to the journal
    scanner_wanted = Signal(bool)  # start (True) or stop (False) the scanners
    sound = Signal(object)  # terminal.domain.flow.Sound
    receipt = Signal(object)  # Sale to print
    error = Signal(object)  # BaseException from the register's threads
    notice = Signal(str)  # a word for the cashier (e.g. the printer failed, the receipt is a PDF)

    def attach(self, hooks: Hooks) -> None:
        """Point the register's hooks at this bridge. Call before the first sale."""
        hooks.on_sale = self._on_sale
        hooks.start_scanner = lambda: self.scanner_wanted.emit(True)
        hooks.stop_scanner = lambda: self.scanner_wanted.emit(False)
        hooks.play_sound = self._on_sound
        hooks.print_receipt = self.receipt.emit
        hooks.on_error = self.error.emit
        hooks.on_notice = self.notice.emit

    def _on_sale(self, sale: Sale) -> None:
        self.sale_changed.emit(sale)

    def _on_sound(self, effect: PlaySound) -> None:
        self.sound.emit(effect.sound)
