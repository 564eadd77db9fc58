"""The audit view: runs the hash-chain verification (``payterm audit verify``) and shows its
result with the latest entries, so that an edited, deleted or reordered entry is seen here."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from terminal.journal.records import AuditEntry, ChainVerification, from_db_time
from terminal.ui.errors import error_text
import terminal.ui.manager.labels as labels
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.tasks import Tasks
from terminal.ui.manager.timeline import latest_entries


@dataclass(frozen=True)
class AuditReport:
    verification: ChainVerification
    entries: list[AuditEntry]


class AuditTab(QWidget):
    verified = Signal(object)  # AuditReport, or the exception that stopped it

    def __init__(self, services: ManagerServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditTab")
        self._services = services
        self._tasks = Tasks(self)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.verify_button = QPushButton(self.tr("Verify the audit log"), self)
        self.verify_button.setObjectName("okButton")
        self.verify_button.clicked.connect(self.verify)
        row.addWidget(self.verify_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel(self.tr("Each entry holds the hash of the one before: any edit, deletion or "
                                     "reordering breaks the chain."), self)
        self.result.setObjectName("auditResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([self.tr("No."), self.tr("Time"), self.tr("Who"), self.tr("What"),
                                              self.tr("Details")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)

    def verify(self) -> None:
        journal = self._services.journal
        self.verify_button.setEnabled(False)
        self.result.setText(self.tr("Checking every entry…"))
        self._tasks.run(lambda: AuditReport(journal.verify_chain(), latest_entries(journal.path)),
                        self._show, self._failed)

    def _show(self, report: AuditReport) -> None:
        self.verify_button.setEnabled(True)
        check = report.verification
        if check.ok:
            self.result.setText(self.tr("✔ The audit log is intact: %1 entries, last hash %2.")
                                .replace("%1", str(check.count)).replace("%2", (check.head_hash or "—")[:16]))
        elif check.broken is not None:
            self.result.setText(self.tr("✖ The audit log was tampered with at entry %1 (%2): %3. Keep this "
                                        "register's journal and call IT.")
                                .replace("%1", str(check.broken.seq)).replace("%2", check.broken.kind.value)
                                .replace("%3", check.broken.message))
        self.result.setProperty("ok", check.ok)
        zone = ZoneInfo(self._services.timezone)
        self.table.setRowCount(len(report.entries))
        for row, entry in enumerate(report.entries):
            cells = (str(entry.seq), f"{from_db_time(entry.at).astimezone(zone):%Y-%m-%d %H:%M:%S}",
                     labels.actor(entry.actor), labels.action(entry.action), labels.details(entry.details))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.verified.emit(report)

    def _failed(self, exc: Exception) -> None:
        self.verify_button.setEnabled(True)
        self.result.setText(self.tr("The audit log could not be read: %1").replace("%1", error_text(exc)))
        self.verified.emit(exc)
