"""End-of-day papers as PDF, drawn with Qt's QPdfWriter (the receipts package has no PDF function
for them, and Qt already renders Japanese text with the system's fonts): the comparison with the
wallet (``report_lines``) and, from ``day_close_view``, the Z close as frozen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from terminal.domain.money import Money
from terminal.register.reconcile import Reconciliation
from terminal.ui.i18n import format_money
from terminal.ui.manager.day_export import figures

_COUNT = ("approved count", "refunded count")


FIGURE_NAMES = {
    "approved count": QT_TRANSLATE_NOOP("ZReport", "Approved sales"),
    "approved amount": QT_TRANSLATE_NOOP("ZReport", "Approved amount"),
    "refunded count": QT_TRANSLATE_NOOP("ZReport", "Refunds"),
    "refunded amount": QT_TRANSLATE_NOOP("ZReport", "Refunded amount"),
    "net amount": QT_TRANSLATE_NOOP("ZReport", "Net"),
}


def figure_name(name: str) -> str:
    return QCoreApplication.translate("ZReport", FIGURE_NAMES[name])


def report_lines(rec: Reconciliation, store: str, register: str, printed: datetime,
                 audit_head: tuple[int, str] | None) -> list[tuple[str, str, str, str]]:
    """(label, journal, wallet, mark) rows; a heading has empty value columns."""
    rows: list[tuple[str, str, str, str]] = [
        (QCoreApplication.translate("ZReport", "End of day: journal and wallet"), "", "", ""),
        (store, "", "", ""),
        (QCoreApplication.translate("ZReport", "Register: %1").replace("%1", register), "", "", ""),
        (QCoreApplication.translate("ZReport", "Business day: %1 (%2)").replace("%1", rec.day.isoformat()).replace("%2", rec.timezone), "", "", ""),
        (QCoreApplication.translate("ZReport", "Printed: %1").replace("%1", printed.strftime("%Y-%m-%d %H:%M")), "", "", ""),
        ("", QCoreApplication.translate("ZReport", "Journal"), QCoreApplication.translate("ZReport", "Wallet"), ""),
    ]
    for pair in rec.totals:
        for f in figures(pair):
            if f.name in _COUNT:
                ours, theirs = str(f.journal), str(f.wallet)
            else:
                ours, theirs = format_money(Money(f.journal, pair.currency)), format_money(Money(f.wallet, pair.currency))
            rows.append((f"{pair.currency} {figure_name(f.name)}", ours, theirs, "≠" if f.differs else ""))
    if rec.agree:
        rows.append((QCoreApplication.translate("ZReport", "Journal and wallet agree."), "", "", ""))
    else:
        rows.append((QCoreApplication.translate("ZReport", "%1 difference(s):").replace("%1", str(len(rec.differences))), "", "", ""))
        for d in rec.differences:
            where = " ".join(x for x in (d.reference, d.charge_id) if x)
            rows.append((f"≠ {where}: {d.message}" if where else f"≠ {d.message}", "", "", ""))
    if audit_head is not None:
        rows.append((QCoreApplication.translate("ZReport", "Audit log head: #%1 %2").replace("%1", str(audit_head[0]))
                     .replace("%2", audit_head[1][:16]), "", "", ""))
    return rows


def write_zreport(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    writer.setTitle(rows[0][0] if rows else "PayTerm")
    painter = QPainter(writer)
    try:
        draw_rows(painter, writer.width(), writer.height(), rows, writer.newPage)
    finally:
        painter.end()
    return path


def draw_rows(painter: QPainter, width: float, height: float, rows: list[tuple[str, str, str, str]],
              new_page: Callable[[], object]) -> None:
    """The slip's rows on any paint device (the PDF, or an image to look at)."""
    font = QFont()
    font.setPointSize(10)
    painter.setFont(font)
    line = painter.fontMetrics().height() * 1.5
    y = 0.0
    for index, (label, ours, theirs, mark) in enumerate(rows):
        if y + line > height:
            new_page()
            y = 0.0
        font.setBold(index == 0 or (not ours and not theirs and label.endswith(":")))
        font.setPointSize(16 if index == 0 else 10)
        painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignVCenter
        label_width = width * 0.55 if ours or theirs or mark else width  # a note spans the page
        painter.drawText(QRectF(0, y, label_width, line), int(flags | Qt.AlignmentFlag.AlignLeft), label)
        right = int(flags | Qt.AlignmentFlag.AlignRight)
        painter.drawText(QRectF(width * 0.55, y, width * 0.19, line), right, ours)
        painter.drawText(QRectF(width * 0.74, y, width * 0.19, line), right, theirs)
        painter.drawText(QRectF(width * 0.94, y, width * 0.06, line), right, mark)
        y += line * (2 if index == 0 else 1)
