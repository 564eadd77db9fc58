"""A strip of the last few finished sales (time, amount, verdict), newest first, so the cashier
can answer "did that one go through?" at a glance. It lists what this window has shown; the
journal (``payterm history``) is the record.

The strip runs along the bottom of the window and shows as many sales as fit its width; it never
asks for more width than it has (the window must never grow because sales piled up)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from terminal.domain.flow import Sale, SaleState
from terminal.ui.i18n import format_money, format_time

KEPT = 10
ITEM_WIDTH = 150  # px, one sale in the strip
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
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._title = QLabel(self)
        self._title.setObjectName("recentTitle")
        self._row.addWidget(self._title)
        self._items: list[QLabel] = []
        for _ in range(KEPT):
            label = QLabel(self)
            label.setProperty("role", "recentItem")
            label.setFixedWidth(ITEM_WIDTH)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.hide()
            self._items.append(label)
            self._row.addWidget(label)
        self._row.addStretch(1)
        self._finished: deque[Finished] = deque(maxlen=KEPT)
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

    def fitting(self) -> int:
        """How many sales the strip's width has room for."""
        spare = self.width() - self._title.sizeHint().width() - self._row.spacing()
        return max(0, spare // (ITEM_WIDTH + self._row.spacing()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._redraw()

    def _redraw(self) -> None:
        shown = list(self._finished)[: self.fitting()]
        for label, item in zip(self._items, [*shown, *[None] * KEPT]):
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
