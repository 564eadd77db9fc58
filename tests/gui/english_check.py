"""Finding English left on a Japanese screen: every visible text of a window (labels, buttons,
combo items, tabs, table headers and cells, titles, placeholders) with its data values and a few
names that stay in Latin letters (PayTerm, PIN, OK, Enter, …) taken out; any word of three or more
Latin letters left over is English that was not translated."""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QTabWidget,
    QWidget,
)

# Names, keys and units that are written in Latin letters in Japanese too.
KEPT = ("PayTerm", "PIN", "OK", "Enter", "Esc", "IT", "ms", "QR", "CSV", "PDF", "ESC/POS", "USB", "ISO", "TLS",
        "PKCS#11", "TPM", "HSM", "Backspace", "Tab", "SoftHSM", "Sandbox", "Shift_JIS", "POS",
        "JPY", "USD", "EUR")
WORD = re.compile(r"[A-Za-z]{3,}")
HEX = re.compile(r"\b(?:[a-z]{2}_)?[0-9a-f]{6,}\b")  # hashes, and wallet ids such as ch_… or re_…


def texts(window: QWidget) -> Iterable[tuple[str, str]]:
    """(where, text) for everything a person can read on ``window``."""
    yield "window title", window.windowTitle()
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window):
            continue
        name = f"{type(w).__name__}#{w.objectName() or '?'}"
        if isinstance(w, (QLabel, QAbstractButton)):
            yield name, w.text()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield f"{name} item {i}", w.itemText(i)
        elif isinstance(w, QLineEdit):
            yield f"{name} placeholder", w.placeholderText()
        if isinstance(w, QGroupBox):
            yield name, w.title()
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield f"{name} tab {i}", w.tabText(i)
        if isinstance(w, QListWidget):
            for i in range(w.count()):
                yield f"{name} item {i}", w.item(i).text()
        if isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                header = w.horizontalHeaderItem(c)
                yield f"{name} header {c}", header.text() if header else ""
            for r in range(min(w.rowCount(), 20)):
                for c in range(w.columnCount()):
                    item = w.item(r, c)
                    yield f"{name} cell {r},{c}", item.text() if item else ""


def has_english(text: str, data: Iterable[str] = ()) -> bool:
    rest = re.sub(r"<[^>]+>", " ", text)  # rich text: the tags are not read
    rest = HEX.sub(" ", rest)  # hashes, ids
    for value in sorted({*data, *KEPT}, key=len, reverse=True):
        rest = rest.replace(value, " ")
    return WORD.search(rest) is not None


def english_left(window: QWidget, data: Iterable[str] = ()) -> list[str]:
    """Each visible text with an English word in it, as 'where: text'."""
    return [f"{where}: {text!r}" for where, text in texts(window) if has_english(text, data)]
