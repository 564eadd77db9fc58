"""End of day: the journal's totals beside the wallet's settlement (differences marked with
"≠" and colour, never colour alone), the charge-by-charge differences, a CSV export and the
comparison as PDF; below, the Z close of the business day and the earlier closes
(``day_close_view``). Asking the wallet runs on a worker; the run is recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from terminal.config.model import Language
from terminal.domain.money import Money
from terminal.journal.states import AuditAction
from terminal.register.reconcile import Difference, DifferenceKind, Reconciliation
from terminal.ui.errors import error_text
from terminal.ui.i18n import current_language, format_money
from terminal.ui.manager.day_close_view import DayCloseView
from terminal.ui.manager.day_export import figures, write_csv
from terminal.ui.manager.history import qdate
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.tasks import Tasks
from terminal.ui.manager.zreport import figure_name, report_lines, write_zreport

DIFFERS = QColor("#fbe4e2")


class EndOfDayTab(QWidget):
    reconciled = Signal(object)  # Reconciliation, or the exception that stopped it
    exported = Signal(object)  # Path of the file written

    def __init__(self, services: ManagerServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("endOfDayTab")
        self._services = services
        self._tasks = Tasks(self)
        self.result: Reconciliation | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        today = services.today()
        self.day = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        row.addWidget(QLabel(self.tr("Business day"), self))
        row.addWidget(self.day)
        self.run_button = QPushButton(self.tr("Compare with the wallet"), self)
        self.run_button.setObjectName("okButton")
        self.run_button.clicked.connect(self.run)
        row.addWidget(self.run_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("eodVerdict")
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("eodTotals")
        self.table.setHorizontalHeaderLabels([self.tr("Figure"), self.tr("Journal"), self.tr("Wallet"), ""])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        compared = QHBoxLayout()  # the figures and the differences side by side: room for the Z below
        compared.addWidget(self.table, 1)
        column = QVBoxLayout()
        column.addWidget(QLabel(self.tr("Differences, charge by charge"), self))
        self.differences = QListWidget(self)
        self.differences.setObjectName("eodDifferences")
        self.differences.setWordWrap(True)  # a difference is a sentence: read whole, never scrolled sideways
        self.differences.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.addWidget(self.differences, 1)
        compared.addLayout(column, 1)
        layout.addLayout(compared, 1)
        buttons = QHBoxLayout()
        self.csv_button = QPushButton(self.tr("Export CSV"), self)
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button = QPushButton(self.tr("Comparison (PDF)"), self)
        self.pdf_button.clicked.connect(self.export_pdf)
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(False)
            buttons.addWidget(button)
        self.saved = QLabel(self)
        self.saved.setWordWrap(True)
        buttons.addWidget(self.saved, 1)
        layout.addLayout(buttons)
        heading = QLabel(self.tr("Closing the day"), self)
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)
        self.z = DayCloseView(services, self.selected_day, self)
        self.day.dateChanged.connect(lambda _: self.z.disarm())  # another day: ask again before closing it
        layout.addWidget(self.z)

    def selected_day(self) -> date:
        return qdate(self.day.date())

    def run(self) -> None:
        day = self.selected_day()
        services = self._services

        def work() -> Reconciliation:
            rec = services.reconcile(day)
            services.pin.record(AuditAction.MANAGER_END_OF_DAY, {
                "day": day.isoformat(), "agree": rec.agree, "differences": len(rec.differences)})
            services.anchor_audit()  # the day's last entry anchored at the wallet (failure: logged)
            return rec
        self.run_button.setEnabled(False)
        self.verdict.setText(self.tr("Asking the wallet for its settlement…"))
        self._tasks.run(work, self._show, self._failed)

    def _show(self, rec: Reconciliation) -> None:
        self.run_button.setEnabled(True)
        self.result = rec
        rows = [(pair.currency, f) for pair in rec.totals for f in figures(pair)]
        self.table.setRowCount(len(rows))
        for index, (currency, f) in enumerate(rows):
            if f.name.endswith("amount"):
                ours, theirs = format_money(Money(f.journal, currency)), format_money(Money(f.wallet, currency))
            else:
                ours, theirs = str(f.journal), str(f.wallet)
            cells = (f"{currency} {figure_name(f.name)}", ours, theirs, "≠" if f.differs else "=")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if f.differs:
                    item.setBackground(QBrush(DIFFERS))
                self.table.setItem(index, column, item)
        self.differences.clear()
        for d in rec.differences:
            where = " ".join(x for x in (d.reference, d.charge_id) if x)
            text = difference_text(d)
            self.differences.addItem(f"≠ {where}: {text}" if where else f"≠ {text}")
        if rec.agree:
            self.verdict.setText(self.tr("✔ Journal and wallet agree: %1 sale(s).").replace("%1", str(rec.journal_sales)))
        else:
            self.verdict.setText(self.tr("✖ %1 difference(s) between the journal and the wallet: check each "
                                         "one before closing the day.").replace("%1", str(len(rec.differences))))
        self.verdict.setProperty("agree", rec.agree)
        self.csv_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.reconciled.emit(rec)

    def _failed(self, exc: Exception) -> None:
        self.run_button.setEnabled(True)
        self.verdict.setText(self.tr("The wallet could not be asked: %1").replace("%1", error_text(exc)))
        self.reconciled.emit(exc)

    def export_csv(self) -> None:
        rec = self.result
        if rec is not None:
            self._export(lambda: write_csv(rec, self._services.reports_dir), "csv")

    def export_pdf(self) -> None:
        rec = self.result
        if rec is None:
            return
        services = self._services
        path = services.reports_dir / f"comparison-{rec.day.isoformat()}.pdf"
        self._export(lambda: write_zreport(path, report_lines(
            rec, services.store_name, services.register_name, services.now(), services.journal.audit_head())), "pdf")

    def _export(self, write: Callable[[], Path], kind: str) -> None:
        """Write the file and record it in the audit log, on a worker (both wait on the disk)."""
        services = self._services

        def work() -> Path:
            path = write()
            services.pin.record(AuditAction.MANAGER_END_OF_DAY, {"export": kind, "file": path.name})
            return path
        self._tasks.run(work, self._saved, lambda exc: self.saved.setText(error_text(exc)))

    def _saved(self, path: Path) -> None:
        self.saved.setText(self.tr("Saved: %1").replace("%1", str(path)))
        self.exported.emit(path)


_DIFFERENCES = {
    DifferenceKind.MISSING_AT_WALLET: QT_TRANSLATE_NOOP("EndOfDayTab", "The wallet does not know this sale."),
    DifferenceKind.MISSING_IN_JOURNAL: QT_TRANSLATE_NOOP(
        "EndOfDayTab", "The wallet has a charge this register does not know."),
    DifferenceKind.AMOUNT: QT_TRANSLATE_NOOP(
        "EndOfDayTab", "The amount differs between the register and the wallet."),
    DifferenceKind.STATE: QT_TRANSLATE_NOOP(
        "EndOfDayTab", "The register and the wallet disagree on how this sale ended (for example, cancelled at "
        "the wallet)."),
    DifferenceKind.REFUNDED: QT_TRANSLATE_NOOP("EndOfDayTab", "The refunded amounts differ."),
    DifferenceKind.UNFINISHED: QT_TRANSLATE_NOOP(
        "EndOfDayTab", "This sale, or its refund or void, is not finished."),
    DifferenceKind.TOTALS: QT_TRANSLATE_NOOP("EndOfDayTab", "A total differs (see the table above)."),
}


def difference_text(d: Difference) -> str:
    """A difference in the manager's language; the reconciler's English detail only on an
    English screen (it names the figures, for IT and the back office)."""
    text = QCoreApplication.translate("EndOfDayTab", _DIFFERENCES[d.kind])
    return f"{text} ({d.message})" if current_language() is Language.EN else text
