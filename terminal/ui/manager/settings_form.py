"""The register's settings in a form: the config model's fields a manager may change, each
checked against the model before anything is written to the local file. Values IT fixed in
the system file (or the environment) are shown, disabled, with a lock."""

from __future__ import annotations

import types
from enum import Enum
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from terminal.config.loader import LoadedSettings
from terminal.config.model import Language, Settings
from terminal.config.writer import ConfigWriter, FieldError, Lock, Value
from terminal.journal.states import AuditAction
from terminal.ui.errors import error_text
from terminal.ui.i18n import current_language
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.tasks import Tasks

# Settings a store manager may change; paths, keys and the wallet URL are IT's (docs/deploy.md).
EDITABLE: tuple[tuple[str, str], ...] = (
    ("register.name", QT_TRANSLATE_NOOP("SettingsForm", "Register name")),
    ("register.language", QT_TRANSLATE_NOOP("SettingsForm", "Language")),
    ("register.currency", QT_TRANSLATE_NOOP("SettingsForm", "Currency (ISO 4217)")),
    ("register.kiosk", QT_TRANSLATE_NOOP("SettingsForm", "Kiosk mode (full screen)")),
    ("register.customer_display", QT_TRANSLATE_NOOP("SettingsForm", "Customer display (second screen)")),
    ("register.max_sale", QT_TRANSLATE_NOOP("SettingsForm", "Largest amount per sale (minor units)")),
    ("register.confirm_above",
     QT_TRANSLATE_NOOP("SettingsForm", "Ask to confirm amounts above (minor units)")),
    ("scanner.camera", QT_TRANSLATE_NOOP("SettingsForm", "Camera (index or device)")),
    ("scanner.resolution", QT_TRANSLATE_NOOP("SettingsForm", "Camera resolution")),
    ("scanner.fps", QT_TRANSLATE_NOOP("SettingsForm", "Camera frames per second")),
    ("scanner.serial_port", QT_TRANSLATE_NOOP("SettingsForm", "Serial scanner port")),
    ("scanner.wedge.max_gap_ms", QT_TRANSLATE_NOOP("SettingsForm", "Handheld scanner key gap (ms)")),
    ("printer.kind", QT_TRANSLATE_NOOP("SettingsForm", "Receipt printer")),
    ("printer.host", QT_TRANSLATE_NOOP("SettingsForm", "Printer host (network)")),
    ("printer.port", QT_TRANSLATE_NOOP("SettingsForm", "Printer port (network)")),
    ("printer.serial_port", QT_TRANSLATE_NOOP("SettingsForm", "Printer serial port")),
    ("printer.path", QT_TRANSLATE_NOOP("SettingsForm", "Printer file or device")),
    ("printer.width_chars", QT_TRANSLATE_NOOP("SettingsForm", "Characters per line")),
    ("printer.customer_copy", QT_TRANSLATE_NOOP("SettingsForm", "Print a customer copy")),
    ("wallet.timeouts.charge", QT_TRANSLATE_NOOP("SettingsForm", "Charge answer timeout (s)")),
    ("manager.session_timeout", QT_TRANSLATE_NOOP("SettingsForm", "Manager sign-out after idle (s)")),
)
# Fields a store manager rarely touches and IT sets up: in their own section, below.
IT_ONLY = frozenset({
    "scanner.camera", "scanner.resolution", "scanner.fps", "scanner.serial_port", "scanner.wedge.max_gap_ms",
    "printer.host", "printer.port", "printer.serial_port", "printer.path", "printer.width_chars",
    "wallet.timeouts.charge",
})
Widget = QLineEdit | QCheckBox | QComboBox

# Choices in words. A language is named in itself, so that anyone finds their own.
CHOICES: dict[str, str] = {
    "ja": "日本語",
    "en": "English",
    "none": QT_TRANSLATE_NOOP("SettingsForm", "No receipt printer"),
    "usb": QT_TRANSLATE_NOOP("SettingsForm", "USB receipt printer"),
    "serial": QT_TRANSLATE_NOOP("SettingsForm", "Serial receipt printer"),
    "network": QT_TRANSLATE_NOOP("SettingsForm", "Network receipt printer"),
    "file": QT_TRANSLATE_NOOP("SettingsForm", "Write receipts to a file"),
    "image": QT_TRANSLATE_NOOP("SettingsForm", "Print Japanese as an image (any printer)"),
    "kanji": QT_TRANSLATE_NOOP("SettingsForm", "Print Japanese as text (Shift_JIS printers)"),
}


def choice_text(value: str) -> str:
    text = CHOICES.get(value, value)
    return text if value in ("ja", "en") else QCoreApplication.translate("SettingsForm", text)


def field_type(key: str) -> Any:
    """The model's annotation of a dotted setting, optional unwrapped."""
    model: type[BaseModel] = Settings
    annotation: Any = None
    for part in key.split("."):
        annotation = model.model_fields[part].annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    if get_origin(annotation) in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        annotation = options[0] if len(options) == 1 else str
    return annotation


def current_value(settings: Settings, key: str) -> Any:
    node: Any = settings
    for part in key.split("."):
        node = getattr(node, part)
    return node


class SettingsForm(QWidget):
    saved = Signal(object)  # LoadedSettings after a save
    failed = Signal(object)  # list[FieldError]

    def __init__(self, services: ManagerServices, writer: ConfigWriter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsForm")
        self._services = services
        self._writer = writer
        self._tasks = Tasks(self)
        self.fields: dict[str, Widget] = {}
        self.errors: dict[str, QLabel] = {}
        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        column = QVBoxLayout(body)
        store = QGroupBox(self.tr("This register"), body)
        store.setObjectName("storeSettings")
        it = QGroupBox(self.tr("For IT: devices and timings"), body)
        it.setObjectName("itSettings")
        forms = {False: QFormLayout(store), True: QFormLayout(it)}
        column.addWidget(store)
        column.addWidget(it)
        column.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        for key, label in EDITABLE:
            self._form = forms[key in IT_ONLY]
            self._add_row(key, QCoreApplication.translate("SettingsForm", label))
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("okButton")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        self.message = QLabel(self)
        self.message.setObjectName("managerMessage")
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        outer.addLayout(row)
        self.show_values(writer.loaded)

    def _add_row(self, key: str, label: str) -> None:
        kind = field_type(key)
        widget: Widget
        if kind is bool:
            widget = QCheckBox(self)
        elif isinstance(kind, type) and issubclass(kind, Enum):
            widget = QComboBox(self)
            for member in kind:
                widget.addItem(choice_text(str(member.value)), str(member.value))
        else:
            widget = QLineEdit(self)
        widget.setObjectName(key)
        cell = QVBoxLayout()
        cell.addWidget(widget)
        error = QLabel(self)
        error.setObjectName("fieldError")
        error.setStyleSheet("color: #7a0000;")
        error.setWordWrap(True)
        error.hide()
        cell.addWidget(error)
        lock = self._writer.lock(key)
        if lock is not None:
            widget.setEnabled(False)
            note = self.tr("Locked: set by IT in the system file") if lock is Lock.SYSTEM else \
                self.tr("Locked: set by IT in the environment")
            locked = QLabel(note, self)
            locked.setObjectName("lockedNote")
            cell.addWidget(locked)
        self.fields[key] = widget
        self.errors[key] = error
        self._form.addRow(label, cell)

    def show_values(self, loaded: LoadedSettings) -> None:
        for key, widget in self.fields.items():
            value = current_value(loaded.settings, key)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(widget.findData(str(value)))
            else:
                widget.setText("" if value is None else str(value))

    def changes(self) -> tuple[dict[str, Value], list[FieldError]]:
        """Fields whose value differs from the effective settings, typed as the model wants;
        text that cannot be read as the field's type is an error of that field."""
        settings = self._writer.loaded.settings
        changed: dict[str, Value] = {}
        errors: list[FieldError] = []
        for key, widget in self.fields.items():
            if not widget.isEnabled():
                continue
            before = current_value(settings, key)
            value: Value
            if isinstance(widget, QCheckBox):
                value = widget.isChecked()
            elif isinstance(widget, QComboBox):
                value = str(widget.currentData())
                before = str(before)
            else:
                text = widget.text().strip()
                try:
                    value = self._typed(key, text)
                except ValueError:
                    errors.append(FieldError(key, self.tr("expected a number, got %1").replace("%1", repr(text))))
                    continue
                before = None if before is None else (str(before) if isinstance(value, str) else before)
            if value != before:
                changed[key] = value
        return changed, errors

    @staticmethod
    def _typed(key: str, text: str) -> Value:
        if not text:
            return None  # back to the default
        kind = field_type(key)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        return text

    def save(self) -> None:
        changes, errors = self.changes()
        for label in self.errors.values():
            label.hide()
        if errors:
            self._show_errors(errors)
            return
        if not changes:
            self.message.setText(self.tr("Nothing changed."))
            return
        writer, pin = self._writer, self._services.pin

        def work() -> LoadedSettings | list[FieldError]:
            problems = writer.check(changes)
            if problems:
                return problems
            loaded = writer.write(changes)
            pin.record(AuditAction.MANAGER_SETTINGS_CHANGED,
                       {"changed": {k: None if v is None else str(v) for k, v in changes.items()}})
            return loaded
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        self._tasks.run(work, self._done, lambda exc: self._done([FieldError("", error_text(exc))]))

    def _done(self, result: LoadedSettings | list[FieldError]) -> None:
        self.save_button.setEnabled(True)
        if isinstance(result, list):
            self._show_errors(result)
            return
        self.show_values(result)
        self.message.setText(self.tr("Saved. Scanner, printer and timing changes take effect when PayTerm "
                                     "restarts."))
        self.saved.emit(result)

    def _show_errors(self, errors: list[FieldError]) -> None:
        general: list[str] = []
        for error in errors:
            label = self.errors.get(error.key)
            if label is None:  # a rule across fields of a section ("printer") or the file
                general.append(field_error_text(error.message))
                continue
            label.setText("⚠ " + field_error_text(error.message))
            label.show()
        self.message.setText(self.tr("Not saved: correct the marked fields.") +
                             ("\n" + "\n".join(general) if general else ""))
        self.failed.emit(errors)


def field_error_text(message: str) -> str:
    """The settings model's refusal (English, from pydantic) in the manager's language: on a
    Japanese screen a sentence saying what to do; on an English one, the model's own words."""
    if current_language() is Language.EN:
        return message
    return QCoreApplication.translate("SettingsForm", "This value is not allowed here. Check it, or ask IT.")
