"""Rows to fixed-width text lines, counting East Asian wide characters as two columns (as
receipt printers do in Kanji mode, and as a Japanese receipt drawn as an image is laid out)."""

from __future__ import annotations

import unicodedata

from terminal.receipts.model import RULE, Align, Row, Style


def char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``columns`` columns (a wide character is never split)."""
    pieces: list[str] = []
    current, used = "", 0
    for ch in text:
        w = char_width(ch)
        if used + w > columns and current:
            pieces.append(current)
            current, used = "", 0
        current += ch
        used += w
    return pieces + [current] if current or not pieces else pieces


def row_columns(row: Row, columns: int) -> int:
    """The columns available to a row: half as many for double-width text."""
    return columns // 2 if row.style is Style.LARGE else columns


def split(row: Row, columns: int) -> list[Row]:
    """One row as rows that each fit on a line: rules filled, long text wrapped, a value too long
    to sit beside its label moved under it (flush right)."""
    width = row_columns(row, columns)
    if row == RULE:
        return [Row("-" * width, style=row.style)]
    if not row.right:
        return [Row(p, align=row.align, style=row.style) for p in wrap(row.left, width)]
    if text_width(row.left) + 1 + text_width(row.right) <= width:
        return [row]
    out = [Row(p, style=row.style) for p in wrap(row.left, width)]
    return out + [Row("", p, style=row.style) for p in wrap(row.right, width)]


def as_text(row: Row, columns: int) -> str:
    """A fitted row (from ``split``) as one fixed-width text line."""
    width = row_columns(row, columns)
    if row.right:
        return row.left + " " * (width - text_width(row.left) - text_width(row.right)) + row.right
    if row.align is Align.CENTER:
        return " " * ((width - text_width(row.left)) // 2) + row.left
    return row.left
