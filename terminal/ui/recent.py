"""A strip of the last few finished sales (time, amount, verdict), newest first, so the cashier
can answer "did that one go through?" at a glance. It lists what this window has shown; the
journal (``payterm history``) is the record."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from terminal.domain.flow import Sale, SaleState
from terminal.ui.i18n import format_money, format_time

SHOWN = 5
_MARKS = {SaleState.APPROVED: "✓", SaleState.DECLINED: "✕", SaleState.REVERSED: "↺"}


@dataclass(frozen=True)
class Finished:
    sale: Sale
    at: datetime


def verdict_word(state: SaleState) -> str:
    words = {
        SaleState.APPROVED: QCoreApplication.translate("RecentSales", "Approved"),
        SaleState.DECLINED: QCoreApplication.translate("RecentSales", "Declined"),
        SaleState.REVERSED: QCoreApplication.translate("RecentSales", "Cancelled"),
    }
    return words[state]


class RecentSales(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recentSales")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._title = QLabel(self)
        self._title.setObjectName("recentTitle")
        self._row.addWidget(self._title)
        self._items: list[QLabel] = []
        for _ in range(SHOWN):
            label = QLabel(self)
            label.setProperty("role", "recentItem")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.hide()
            self._items.append(label)
            self._row.addWidget(label)
        self._row.addStretch(1)
        self._finished: deque[Finished] = deque(maxlen=SHOWN)
        self.retranslate()

    def add(self, sale: Sale, at: datetime) -> None:
        if not sale.state.is_final:
            return
        if self._finished and sale.reference and self._finished[0].sale.reference == sale.reference:
            return  # the same sale seen again (a repeated notification)
        self._finished.appendleft(Finished(sale, at))
        self._redraw()

    @property
    def entries(self) -> list[Finished]:
        return list(self._finished)

    def _redraw(self) -> None:
        for label, item in zip(self._items, [*self._finished, *[None] * SHOWN]):
            if item is None:
                label.hide()
                continue
            money = format_money(item.sale.amount) if item.sale.amount else ""
            label.setText(f"{format_time(item.at)}  {money}\n"
                          f"{_MARKS[item.sale.state]} {verdict_word(item.sale.state)}")
            label.setProperty("verdict", item.sale.state.value)
            label.style().unpolish(label)
            label.style().polish(label)
            label.show()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Recent"))
        self._redraw()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
