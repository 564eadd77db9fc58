"""The screen a kiosk shows when its journal was written by a newer PayTerm (a rollback without a
restore): what happened, what the cashier does, and what IT does. It stays up, instead of the
program exiting and systemd restarting it every few seconds on a blank screen; it takes no sale.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class JournalNotice(QWidget):
    def __init__(self, journal_version: int, program_version: int, restore_command: str) -> None:
        super().__init__()
        self.setObjectName("journalNotice")
        self._versions = (journal_version, program_version)
        self._restore = restore_command
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(24)
        self.title = QLabel(self)
        self.title.setObjectName("panelTitle")
        self.what = QLabel(self)
        self.cashier = QLabel(self)
        self.it = QLabel(self)
        self.it.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.what, self.cashier, self.it):
            label.setObjectName("panelBody")
        for label in (self.title, self.what, self.cashier, self.it):
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        found, reads = self._versions
        self.setWindowTitle(self.tr("PayTerm register"))
        self.title.setText(self.tr("This register cannot take payments"))
        self.what.setText(self.tr("Its records were written by a newer version of PayTerm (journal version %1; "
                                  "this version reads %2).").replace("%1", str(found)).replace("%2", str(reads)))
        self.cashier.setText(self.tr("Please call IT, and take payments another way until then."))
        self.it.setText(self.tr("IT: install the newer PayTerm again, or stop the register and restore the "
                                "backup made before the upgrade: %1").replace("%1", self._restore))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
