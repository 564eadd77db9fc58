"""Manager mode: opened from the cashier window (F10) once the manager PIN is right. Tabs for
history, end of day, settings, the audit log and the register; the manager is signed out
after ``session_timeout`` seconds without a key or a touch."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QVBoxLayout, QWidget

from terminal.config.loader import LoadedSettings
from terminal.config.model import Language
from terminal.journal.records import SaleRecord
from terminal.ui.manager.audit_view import AuditTab
from terminal.ui.manager.end_of_day import EndOfDayTab
from terminal.ui.manager.history import HistoryTab
from terminal.ui.manager.register_tab import RegisterTab
from terminal.ui.manager.sale_detail import SaleDetailDialog
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.settings_form import SettingsForm

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin}


class ManagerDialog(QDialog):
    language_chosen = Signal(object)  # Language
    quit_requested = Signal()

    def __init__(self, services: ManagerServices, language: Language, currency: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerDialog")
        self._services = services
        self._language = language
        self._currency = currency
        self.detail: SaleDetailDialog | None = None
        self._saved_language = None if services.config is None else services.config.loaded.settings.register.language
        self.tabs = QTabWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.resize(1100, 760)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(int(services.session_timeout * 1000))
        self._idle.timeout.connect(self.reject)
        self._build()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.finished.connect(self._stop_watching)
        self._idle.start()

    def _build(self) -> None:
        index = self.tabs.currentIndex()
        old = [self.tabs.widget(i) for i in range(self.tabs.count())]
        self.tabs.clear()
        for widget in old:
            if widget is not None:
                widget.deleteLater()
        self.history = HistoryTab(self._services, self._currency, self)
        self.history.open_sale.connect(self.open_sale)
        self.end_of_day = EndOfDayTab(self._services, self)
        self.settings = None if self._services.config is None else SettingsForm(
            self._services, self._services.config, self)
        self.audit = AuditTab(self._services, self)
        self.register = RegisterTab(self._services, self._language, self)
        self.register.language_chosen.connect(self._choose_language)
        self.register.quit_requested.connect(self.quit_requested)
        self.register.sign_out.connect(self.reject)
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.addTab(self.end_of_day, self.tr("End of day"))
        if self.settings is not None:
            self.settings.saved.connect(self._settings_saved)
            self.tabs.addTab(self.settings, self.tr("Settings"))
        self.tabs.addTab(self.audit, self.tr("Audit log"))
        self.tabs.addTab(self.register, self.tr("Register"))
        self.tabs.setCurrentIndex(max(index, 0))
        self.setWindowTitle(self.tr("Manager mode"))
        # today's sales and the latest audit entries are there on opening, not after a search
        self.history.search()
        self.audit.verify()

    def open_sale(self, sale: SaleRecord) -> None:
        if self.detail is not None:
            self.detail.close()
        self.detail = SaleDetailDialog(self._services, sale, self)
        self.detail.operated.connect(lambda _: self.history.search())  # the list shows what it came to
        self.detail.open()

    def _choose_language(self, language: Language) -> None:
        self._language = language
        self.language_chosen.emit(language)

    def _settings_saved(self, loaded: LoadedSettings) -> None:
        self._idle.setInterval(int(loaded.settings.manager.session_timeout * 1000))
        language = loaded.settings.register.language
        if language is not self._saved_language:  # the saved language changed: show it now
            self._saved_language = language
            self._choose_language(language)

    # -- sign-out when idle ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.isVisible():
            self._idle.start()
        return False

    def _stop_watching(self) -> None:
        self._idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    @property
    def idle_timer(self) -> QTimer:
        return self._idle

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._build()  # every tab draws its words again; results are read again on demand
        super().changeEvent(event)
