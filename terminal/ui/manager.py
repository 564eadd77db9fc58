"""The manager's way in (F10): settings (the screen language) and, in kiosk mode, the only way
out. In kiosk mode the manager PIN is asked first; the check (argon2id, deliberately slow) runs
off the UI thread.

Storing the PIN hash and locking after failures is issue #6; here the gate is given a hash."""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from terminal.config.model import Language
from terminal.ui.ports import ManagerGate

LANGUAGE_NAMES = {Language.JA: "日本語", Language.EN: "English"}


class Argon2Gate:
    """A ManagerGate over one argon2id hash (``argon2.PasswordHasher().hash(pin)``)."""

    def __init__(self, pin_hash: str) -> None:
        self._hash = pin_hash
        self._hasher = PasswordHasher()

    def check_pin(self, pin: str) -> bool:
        try:
            return self._hasher.verify(self._hash, pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


class PinCheck(QObject):
    """Runs one gate check on a thread of its own; the answer comes back as ``done``."""

    done = Signal(bool)

    def __init__(self, gate: ManagerGate, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gate = gate

    def start(self, pin: str) -> None:
        threading.Thread(target=lambda: self.done.emit(self._gate.check_pin(pin)), name="payterm-pin",
                         daemon=True).start()


class PinDialog(QDialog):
    pin_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerPinDialog")
        self.setWindowTitle(self.tr("Manager"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Manager PIN"), self))
        self.field = QLineEdit(self)
        self.field.setObjectName("pinField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMaxLength(16)
        layout.addWidget(self.field)
        self.message = QLabel(self)
        self.message.setObjectName("pinMessage")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Back"))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _submit(self) -> None:
        pin = self.field.text()
        self.field.clear()
        if pin:
            self.message.setText(self.tr("Checking…"))
            self.setEnabled(False)
            self.pin_entered.emit(pin)

    def wrong(self) -> None:
        self.setEnabled(True)
        self.message.setText(self.tr("Wrong PIN."))
        self.field.setFocus()


class SettingsDialog(QDialog):
    language_chosen = Signal(object)  # Language
    quit_requested = Signal()

    def __init__(self, current: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        form = QFormLayout(self)
        self.language = QComboBox(self)
        self.language.setObjectName("languageBox")
        for lang, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, lang)
        self.language.setCurrentIndex(self.language.findData(current))
        self.language.currentIndexChanged.connect(lambda _: self.language_chosen.emit(Language(self.language.currentData())))
        form.addRow(self.tr("Language / 言語"), self.language)
        self.quit_button = QPushButton(self.tr("Close PayTerm"), self)
        self.quit_button.setObjectName("quitButton")
        self.quit_button.clicked.connect(self.quit_requested)
        form.addRow(self.quit_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Back"))
        close.rejected.connect(self.reject)
        form.addRow(close)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
