"""The Z close on the end-of-day screen: "Close the day" (the register decides whether the day
may be closed; a refusal is shown in words), the earlier closes, the selected one's figures
exactly as frozen, and its reprint as a PDF marked REPRINT. Closing and reading run on a worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.day_close import DayFigures
from terminal.domain.money import Money
from terminal.journal.records import DayCloseRecord
from terminal.register.day_close import DayCloseRefused
from terminal.ui.errors import error_text
from terminal.ui.i18n import format_money
from terminal.ui.manager import labels
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.tasks import Tasks
from terminal.ui.manager.zreport import write_zreport


def signed_money(amount: int, currency: str) -> str:
    shown = format_money(Money(abs(amount), currency))
    return f"−{shown}" if amount < 0 else shown


_FIGURES = (
    QT_TRANSLATE_NOOP("DayClose", "Approved sales"), QT_TRANSLATE_NOOP("DayClose", "Declined"),
    QT_TRANSLATE_NOOP("DayClose", "Cancelled (reversed)"), QT_TRANSLATE_NOOP("DayClose", "Refunds"),
    QT_TRANSLATE_NOOP("DayClose", "Voids"), QT_TRANSLATE_NOOP("DayClose", "Net"),
)


def figure_rows(figures: tuple[DayFigures, ...]) -> list[tuple[str, str, str]]:
    """(figure, count, amount) rows of a close, currency by currency."""
    rows: list[tuple[str, str, str]] = []
    for f in figures:
        c = f.currency
        values = ((str(f.approved_count), signed_money(f.approved_amount, c)), (str(f.declined_count), ""),
                  (str(f.reversed_count), ""), (str(f.refunded_count), signed_money(-f.refunded_amount, c)),
                  (str(f.voided_count), signed_money(-f.voided_amount, c)), ("", signed_money(f.net_amount, c)))
        rows += [(f"{c} {_tr(name)}", count, amount) for name, (count, amount) in zip(_FIGURES, values, strict=True)]
    return rows


def _local(at: datetime, timezone: str) -> str:
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _fill(text: str, *values: str) -> str:
    """``text`` (already translated) with %1, %2, … replaced by ``values``."""
    for index, value in enumerate(values, start=1):
        text = text.replace(f"%{index}", value)
    return text


def _tr(text: str) -> str:
    return QCoreApplication.translate("DayClose", text)


def close_summary(close: DayCloseRecord) -> str:
    """"Z 3 · business day 2026-12-03 · closed 2026-12-03 21:04 by manager · 12 sales, from … to …"."""
    tz = close.timezone
    parts = [
        _fill(QCoreApplication.translate("DayClose", "Z %1"), str(close.z_number)),
        _fill(QCoreApplication.translate("DayClose", "business day %1"), close.business_day.isoformat()),
        _fill(QCoreApplication.translate("DayClose", "closed %1 by %2"), _local(close.closed_at, tz),
              labels.actor(close.actor)),
        _fill(QCoreApplication.translate("DayClose", "%1 sale(s), %2 refund(s) or void(s)"), str(close.sale_count),
              str(close.operation_count)),
    ]
    if close.first_sale is not None and close.last_sale is not None:
        parts.append(_fill(QCoreApplication.translate("DayClose", "sales %1 (%2) to %3 (%4)"),
                           close.first_sale[0], _local(close.first_sale[1], tz),
                           close.last_sale[0], _local(close.last_sale[1], tz)))
    return " · ".join(parts)


def close_report_lines(close: DayCloseRecord, store: str, register: str, printed: datetime,
                       *, reprint: bool) -> list[tuple[str, str, str, str]]:
    """The Z slip's rows (label, count, amount, mark) from the frozen close; a reprint says so."""
    tz = close.timezone
    notes = [_fill(QCoreApplication.translate("DayClose", "Z-report %1"), str(close.z_number))]
    if reprint:
        notes.append(_fill(QCoreApplication.translate("DayClose", "REPRINT — printed %1"),
                           printed.strftime("%Y-%m-%d %H:%M")))
    notes += [
        store,
        _fill(QCoreApplication.translate("DayClose", "Register: %1"), register),
        _fill(QCoreApplication.translate("DayClose", "Business day: %1 (%2)"), close.business_day.isoformat(), tz),
        _fill(QCoreApplication.translate("DayClose", "Closed: %1 by %2"), _local(close.closed_at, tz),
              labels.actor(close.actor)),
    ]
    if close.first_sale is not None and close.last_sale is not None:
        notes += [_fill(QCoreApplication.translate("DayClose", "First sale: %1 (%2)"), close.first_sale[0],
                        _local(close.first_sale[1], tz)),
                  _fill(QCoreApplication.translate("DayClose", "Last sale: %1 (%2)"), close.last_sale[0],
                        _local(close.last_sale[1], tz))]
    rows: list[tuple[str, str, str, str]] = [(note, "", "", "") for note in notes]
    rows.append(("", QCoreApplication.translate("DayClose", "Count"), QCoreApplication.translate("DayClose", "Amount"),
                 ""))
    rows += [(name, count, amount, "") for name, count, amount in figure_rows(close.figures)]
    if not close.figures:
        rows.append((QCoreApplication.translate("DayClose", "No sales in this close."), "", "", ""))
    return rows


class DayCloseView(QWidget):
    closed = Signal(object)  # the DayCloseRecord, or the exception that stopped the close
    reprinted = Signal(object)  # Path of the PDF written

    def __init__(self, services: ManagerServices, selected_day: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dayCloseView")
        self._services = services
        self._selected_day = selected_day
        self._tasks = Tasks(self)
        self.records: list[DayCloseRecord] = []
        self._armed: date | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.close_button = QPushButton(self.tr("Close the day (Z)"), self)
        self.close_button.setObjectName("closeDayButton")
        self.close_button.clicked.connect(self.close_day)
        row.addWidget(self.close_button)
        self.status = QLabel(self)
        self.status.setObjectName("dayCloseStatus")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        body = QHBoxLayout()  # left: the closes and the selected one's words; right: its figures
        left = QVBoxLayout()
        self.list = QListWidget(self)
        self.list.setObjectName("dayCloses")
        self.list.setMaximumHeight(110)
        self.list.currentRowChanged.connect(self._show_selected)
        left.addWidget(self.list)
        self.summary = QLabel(self)
        self.summary.setObjectName("dayCloseSummary")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.summary, 1)
        self.reprint_button = QPushButton(self.tr("Reprint this Z-report (PDF)"), self)
        self.reprint_button.setObjectName("reprintZButton")
        self.reprint_button.setEnabled(False)
        self.reprint_button.clicked.connect(self.reprint)
        left.addWidget(self.reprint_button)
        body.addLayout(left, 1)
        self.figures = QTableWidget(0, 3, self)
        self.figures.setObjectName("dayCloseFigures")
        self.figures.setHorizontalHeaderLabels([self.tr("Figure"), self.tr("Count"), self.tr("Amount")])
        header = self.figures.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.figures.verticalHeader().setVisible(False)
        self.figures.verticalHeader().setDefaultSectionSize(26)
        self.figures.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # one currency's six figures without scrolling
        self.figures.setMinimumHeight(26 * 6 + self.figures.horizontalHeader().sizeHint().height() + 4)
        body.addWidget(self.figures, 1)
        layout.addLayout(body)
        self.load()

    def load(self) -> None:
        """Read the closes again (a worker: the journal may wait on the disk)."""
        closer = self._services.day_closer()
        self._tasks.run(closer.closes, self._fill, lambda exc: self.status.setText(error_text(exc)))

    def _fill(self, records: list[DayCloseRecord]) -> None:
        self.records = records
        self.list.clear()
        for r in records:
            item = QListWidgetItem(_fill(self.tr("Z %1 · %2 · %3 sale(s)"), str(r.z_number),
                                         r.business_day.isoformat(), str(r.sale_count)))
            self.list.addItem(item)
        if records:
            self.list.setCurrentRow(0)
        else:
            self.summary.setText(self.tr("No day has been closed on this register yet."))
            self.figures.setRowCount(0)
            self.reprint_button.setEnabled(False)

    def selected(self) -> DayCloseRecord | None:
        row = self.list.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def _show_selected(self, _row: int) -> None:
        close = self.selected()
        self.reprint_button.setEnabled(close is not None)
        if close is None:
            return
        self.summary.setText(close_summary(close))
        rows = figure_rows(close.figures)
        self.figures.setRowCount(len(rows))
        for index, cells in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.figures.setItem(index, column, item)

    @property
    def armed(self) -> date | None:
        """The day the next press closes (a first press arms it: a close cannot be undone)."""
        return self._armed

    def disarm(self) -> None:
        self._armed = None
        self.close_button.setText(self.tr("Close the day (Z)"))

    def close_day(self) -> None:
        """First press: say what closing means and arm; second press (same day): close."""
        day = self._selected_day()
        if self._armed != day:
            self._armed = day
            self.close_button.setText(_fill(self.tr("Press again to close %1"), day.isoformat()))
            self.status.setText(_fill(self.tr("Closing %1 cannot be undone: its figures are frozen and every later "
                                              "sale belongs to the next business day. Press again to close it."),
                                      day.isoformat()))
            return
        self.disarm()
        closer = self._services.day_closer()
        self.close_button.setEnabled(False)
        self.status.setText(self.tr("Closing the business day…"))
        self._tasks.run(lambda: closer.close(day), self._closed, self._refused)

    def _closed(self, record: DayCloseRecord) -> None:
        self.close_button.setEnabled(True)
        self.status.setText(_fill(self.tr("✔ Business day %1 closed: Z %2. Sales from now on belong to the next "
                                          "business day."), record.business_day.isoformat(), str(record.z_number)))
        self.load()
        self.closed.emit(record)

    def _refused(self, exc: Exception) -> None:
        self.close_button.setEnabled(True)
        if isinstance(exc, DayCloseRefused):
            text = labels.why_not(exc.allowed)
            if exc.last is not None:
                last = exc.last
                text += " " + _fill(self.tr("(Latest close: Z %1, business day %2, closed %3.)"), str(last.z_number),
                                    last.business_day.isoformat(), _local(last.closed_at, last.timezone))
            self.status.setText("✖ " + text)
        else:
            self.status.setText("✖ " + error_text(exc))
        self.closed.emit(exc)

    def reprint(self) -> None:
        close = self.selected()
        if close is None:
            return
        services = self._services
        path = services.reports_dir / f"z-{close.z_number:04d}-{close.business_day.isoformat()}.pdf"
        rows = close_report_lines(close, services.store_name, services.register_name, services.now(), reprint=True)
        self._tasks.run(lambda: write_zreport(path, rows), self._reprinted,
                        lambda exc: self.status.setText("✖ " + error_text(exc)))

    def _reprinted(self, path: Path) -> None:
        self.status.setText(self.tr("Saved: %1").replace("%1", str(path)))
        self.reprinted.emit(path)
