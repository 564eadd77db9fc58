"""Receipts drawn as pictures: the rows that a printer cannot print as text (Japanese without a
Kanji printer), and whole PDF/PNG receipts where no printer is set.

Sizes follow a 203 dpi receipt printer: 12 x 24 dots per half-width character (ESC/POS font A),
so a 42-column receipt is 504 dots wide and fits 80 mm paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw

from terminal.config.paths import open_private
from terminal.receipts.fonts import japanese_font
from terminal.receipts.layout import split
from terminal.receipts.model import Align, Receipt, Row, Style

DOTS_PER_COLUMN = 12
LINE_DOTS = 34  # one normal line: the font's ascent and descent, with a little leading
FONT_DOTS = 24
DPI = 203
MARGIN = 16
DEFAULT_COLUMNS = 42


def draw_rows(rows: Sequence[Row], columns: int) -> Image.Image:
    """Rows as one black-on-white 1-bit picture ``columns`` characters wide."""
    fitted = [piece for row in rows for piece in split(row, columns)]
    width = columns * DOTS_PER_COLUMN
    height = sum(LINE_DOTS * (2 if r.style is Style.LARGE else 1) for r in fitted) or 1
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = 0
    for row in fitted:
        scale = 2 if row.style is Style.LARGE else 1
        font = japanese_font(FONT_DOTS * scale)
        stroke = 1 if row.style is not Style.NORMAL else 0
        if row.left and set(row.left) == {"-"}:
            mid = y + LINE_DOTS * scale // 2
            draw.line([(0, mid), (width - 1, mid)], fill=0, width=2)
        elif row.right:
            draw.text((0, y), row.left, font=font, fill=0, stroke_width=stroke, stroke_fill=0)
            draw.text((width, y), row.right, font=font, fill=0, anchor="ra", stroke_width=stroke, stroke_fill=0)
        else:
            x = 0.0
            if row.align is Align.CENTER:
                x = max(0.0, (width - font.getlength(row.left)) / 2)
            draw.text((x, y), row.left, font=font, fill=0, stroke_width=stroke, stroke_fill=0)
        y += LINE_DOTS * scale
    return image.convert("1", dither=Image.Dither.NONE)


def qr_image(data: str, box: int = 6) -> Image.Image:
    code = qrcode.QRCode(box_size=box, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("1")


def receipt_image(receipt: Receipt, columns: int = DEFAULT_COLUMNS) -> Image.Image:
    """The whole receipt (rows, QR of the reference, footer) as one picture with margins."""
    body = draw_rows(receipt.rows, columns)
    qr = qr_image(receipt.qr_data)
    footer = draw_rows(receipt.footer, columns)
    width = body.width + 2 * MARGIN
    height = body.height + qr.height + footer.height + 2 * MARGIN
    page = Image.new("1", (width, height), 1)
    page.paste(body, (MARGIN, MARGIN))
    page.paste(qr, ((width - qr.width) // 2, MARGIN + body.height))
    page.paste(footer, (MARGIN, MARGIN + body.height + qr.height))
    return page


def receipt_png(receipt: Receipt, path: Path, columns: int = DEFAULT_COLUMNS) -> Path:
    with open_private(path) as fh:  # 0600 in a 0700 directory, as every file of the register
        receipt_image(receipt, columns).save(fh, "PNG", dpi=(DPI, DPI))
    return path


def receipt_pdf(receipt: Receipt, path: Path, columns: int = DEFAULT_COLUMNS) -> Path:
    """A one-page PDF the size of the paper slip (the receipt as an image at 203 dpi)."""
    # Written under a temporary name and renamed: whoever looks in the folder (IT, a reprint, a
    # test) sees a receipt's name only once its whole file is there.
    partial = path.with_name(f".{path.name}.partial")
    with open_private(partial) as fh:
        receipt_image(receipt, columns).save(fh, "PDF", resolution=float(DPI), title=f"Receipt {receipt.qr_data}")
    partial.replace(path)
    return path

