"""History: find sales by day, amount, last four digits of the code, reference and state; open
one to see its detail and timeline, and void or refund it from there."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from terminal.domain.money import MoneyError, parse_major
from terminal.journal.records import HistoryQuery, SaleRecord
from terminal.journal.records import SaleEntry
from terminal.journal.states import SaleState
from terminal.ui.errors import error_text
from terminal.ui.i18n import format_money
import terminal.ui.manager.labels as labels
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.tasks import Tasks


def qdate(value: QDate) -> date:
    day = value.toPython()
    if not isinstance(day, date):
        raise TypeError(f"not a date: {day!r}")
    return day


class HistoryTab(QWidget):
    open_sale = Signal(object)  # SaleRecord
    searched = Signal(int)  # rows found (tests wait on it)

    def __init__(self, services: ManagerServices, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyTab")
        self._services = services
        self._currency = currency
        self._tasks = Tasks(self)
        self.sales: list[SaleRecord] = []
        self._generation = 0  # the latest search; answers of older ones are dropped
        layout = QVBoxLayout(self)
        form = QFormLayout()
        today = QDate(services.today().year, services.today().month, services.today().day)
        days = QHBoxLayout()
        self.since = QDateEdit(today, self)
        self.until = QDateEdit(today, self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            days.addWidget(edit)
        form.addRow(self.tr("From / to (store day)"), days)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(self.tr("e.g. 1200"))
        form.addRow(self.tr("Amount"), self.amount)
        self.last4 = QLineEdit(self)
        self.last4.setMaxLength(4)
        form.addRow(self.tr("Last 4 digits of the code"), self.last4)
        self.reference = QLineEdit(self)
        form.addRow(self.tr("Reference"), self.reference)
        self.state = QComboBox(self)
        self.state.addItem(self.tr("Any"), None)
        for state in labels.STORED_STATES:
            self.state.addItem(labels.sale_state(state), state.value)
        form.addRow(self.tr("State"), self.state)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.search_button = QPushButton(self.tr("Search"), self)
        self.search_button.setObjectName("okButton")
        self.search_button.clicked.connect(self.search)
        row.addWidget(self.search_button)
        self.message = QLabel(self)
        self.message.setObjectName("managerMessage")
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Amount"), self.tr("Code"),
                                              self.tr("Wallet"), self.tr("State"), self.tr("Reference")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.cellDoubleClicked.connect(lambda row, _: self.open_sale.emit(self.sales[row]))
        layout.addWidget(self.table, 1)
        self.open_button = QPushButton(self.tr("Open the selected sale"), self)
        self.open_button.clicked.connect(self._open_selected)
        layout.addWidget(self.open_button)

    def query(self) -> HistoryQuery:
        """The filters as typed; raises ``MoneyError`` for an amount that is not one."""
        zone = ZoneInfo(self._services.timezone)
        since = datetime.combine(qdate(self.since.date()), time(), zone)
        until = datetime.combine(qdate(self.until.date()) + timedelta(days=1), time(), zone)
        amount = parse_major(self.amount.text(), self._currency) if self.amount.text().strip() else None
        return HistoryQuery(since=since, until=until,
                            amount=None if amount is None else amount.amount,
                            currency=None if amount is None else amount.currency,
                            last4=self.last4.text().strip() or None,
                            reference=self.reference.text().strip() or None,
                            state=SaleState(state) if (state := self.state.currentData()) else None, limit=500)

    def search(self) -> None:
        try:
            query = self.query()
        except MoneyError as exc:
            self.message.setText(self.tr("Not an amount: %1").replace("%1", error_text(exc)))
            return
        self.message.setText(self.tr("Searching…"))
        self._generation = generation = self._generation + 1
        self._tasks.run(lambda: self._services.journal.reader.history_entries(query),
                        lambda entries: self._show(entries, generation), self._failed)

    def _show(self, entries: list[SaleEntry], generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return  # a newer search is on its way: only the last one is shown
        self.sales = sales = [entry.sale for entry in entries]
        self.table.setRowCount(len(sales))
        zone = ZoneInfo(self._services.timezone)
        for row, entry in enumerate(entries):
            sale = entry.sale
            state = labels.standing(sale.state, entry.balance.standing)
            cells = (sale.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), format_money(sale.money),
                     f"…{sale.code_last4}", sale.wallet, state, sale.merchant_reference)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.message.setText(self.tr("%n sale(s) found.", "", len(sales)))
        self.searched.emit(len(sales))

    def _failed(self, exc: Exception) -> None:
        self.message.setText(self.tr("The journal could not be read: %1").replace("%1", error_text(exc)))

    def _open_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.sales):
            self.open_sale.emit(self.sales[row])
