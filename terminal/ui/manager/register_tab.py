"""The register itself: screen language, the manager PIN (changing it needs the old one),
signing out, and closing PayTerm (in kiosk mode the only way out)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal.config.model import Language
from terminal.register.manager_pin import MAX_PIN_LENGTH, PinCheck, PinOutcome, PinPolicyError
from terminal.ui.errors import error_text
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.tasks import Tasks

LANGUAGE_NAMES = {Language.JA: "日本語", Language.EN: "English"}


class RegisterTab(QWidget):
    language_chosen = Signal(object)  # Language
    quit_requested = Signal()
    sign_out = Signal()
    pin_changed = Signal(object)  # PinCheck, or the exception that stopped it

    def __init__(self, services: ManagerServices, current: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registerTab")
        self._services = services
        self._tasks = Tasks(self)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.language = QComboBox(self)
        self.language.setObjectName("languageBox")
        for lang, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, lang)
        self.language.setCurrentIndex(self.language.findData(current))
        self.language.currentIndexChanged.connect(
            lambda _: self.language_chosen.emit(Language(self.language.currentData())))
        form.addRow(self.tr("Language / 言語"), self.language)
        layout.addLayout(form)

        box = QGroupBox(self.tr("Change the manager PIN"), self)
        pin_form = QFormLayout(box)
        self.old_pin, self.new_pin, self.repeat_pin = (self._pin_field(box) for _ in range(3))
        pin_form.addRow(self.tr("Current PIN"), self.old_pin)
        pin_form.addRow(self.tr("New PIN (4 to 12 digits)"), self.new_pin)
        pin_form.addRow(self.tr("New PIN again"), self.repeat_pin)
        self.change_button = QPushButton(self.tr("Change the PIN"), box)
        self.change_button.clicked.connect(self.change_pin)
        pin_form.addRow(self.change_button)
        self.pin_message = QLabel(box)
        self.pin_message.setObjectName("managerMessage")
        self.pin_message.setWordWrap(True)
        pin_form.addRow(self.pin_message)
        layout.addWidget(box)
        layout.addStretch(1)
        self.sign_out_button = QPushButton(self.tr("Sign out"), self)
        self.sign_out_button.clicked.connect(self.sign_out)
        layout.addWidget(self.sign_out_button)
        self.quit_button = QPushButton(self.tr("Close PayTerm"), self)
        self.quit_button.setObjectName("quitButton")
        self.quit_button.clicked.connect(self.quit_requested)
        layout.addWidget(self.quit_button)

    def _pin_field(self, parent: QWidget) -> QLineEdit:
        field = QLineEdit(parent)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setMaxLength(MAX_PIN_LENGTH)
        return field

    def change_pin(self) -> None:
        old, new, again = self.old_pin.text(), self.new_pin.text(), self.repeat_pin.text()
        for field in (self.old_pin, self.new_pin, self.repeat_pin):
            field.clear()
        if new != again:
            self.pin_message.setText(self.tr("The two new PINs differ."))
            return
        self.change_button.setEnabled(False)
        self.pin_message.setText(self.tr("Checking…"))
        self._tasks.run(lambda: self._services.pin.change(old, new), self._changed, self._changed)

    def _changed(self, result: PinCheck | Exception) -> None:
        self.change_button.setEnabled(True)
        if isinstance(result, PinPolicyError):
            self.pin_message.setText(self.tr("Not changed: %1").replace("%1", error_text(result)))
        elif isinstance(result, Exception):
            self.pin_message.setText(self.tr("Not changed: %1").replace("%1", error_text(result)))
        elif result.outcome is PinOutcome.OK:
            self.pin_message.setText(self.tr("The manager PIN was changed."))
        elif result.outcome is PinOutcome.LOCKED:
            self.pin_message.setText(self.tr("Too many wrong PINs: manager mode is locked."))
            self.sign_out.emit()
        else:
            self.pin_message.setText(self.tr("The current PIN is wrong: the PIN was not changed."))
        self.pin_changed.emit(result)
