"""Finding a font that really has Japanese glyphs, to draw receipts as images.

Order: ``PAYTERM_RECEIPT_FONT`` (a .ttf/.otf/.ttc file, or ``FILE:INDEX`` for a collection),
then fontconfig's best Japanese sans font, then well-known paths (Debian fonts-noto-cjk,
Windows). A candidate is only taken if it draws 日本語 as glyphs, not as empty boxes.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from terminal.receipts.errors import FontNotFound

FONT_ENV = "PAYTERM_RECEIPT_FONT"
PROBE = "店舗日本語"
MISSING_GLYPH = "\U000f0000"  # a private-use code point no font draws: its box is the "no glyph"
KNOWN = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 0),
    ("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf", 0),
    ("C:/Windows/Fonts/msgothic.ttc", 0),
    ("C:/Windows/Fonts/YuGothM.ttc", 0),
)
Font = ImageFont.FreeTypeFont


def _parse(spec: str) -> tuple[str, int]:
    path, sep, index = spec.rpartition(":")
    if sep and index.isdigit() and path:
        return path, int(index)
    return spec, 0


def _fontconfig() -> list[tuple[str, int]]:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return []
    try:
        out = subprocess.run([fc_match, "-f", "%{file}:%{index}", "sans-serif:lang=ja"],
                             capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [_parse(out.strip())] if out.strip() else []


def _glyph(font: Font, ch: str) -> bytes:
    image = Image.new("L", (int(font.size) * 2, int(font.size) * 2), 0)
    ImageDraw.Draw(image).text((0, 0), ch, font=font, fill=255)
    return image.tobytes()


def draws_japanese(font: Font) -> bool:
    """True if every probe character has a real glyph (not the font's empty box)."""
    missing = _glyph(font, MISSING_GLYPH)
    return all(_glyph(font, ch) not in (missing, _glyph(font, " ")) for ch in PROBE)


def candidates() -> list[tuple[str, int]]:
    configured = os.environ.get(FONT_ENV)
    return ([_parse(configured)] if configured else []) + _fontconfig() + list(KNOWN)


@functools.lru_cache(maxsize=8)
def japanese_font(size: int) -> Font:
    """A font of ``size`` pixels that draws Japanese; raises ``FontNotFound`` naming the fix."""
    tried: list[str] = []
    for path, index in candidates():
        if not Path(path).is_file():
            continue
        tried.append(path)
        try:
            font = ImageFont.truetype(path, size, index=index)
        except OSError:
            continue
        if draws_japanese(font):
            return font
    raise FontNotFound(
        "no font with Japanese glyphs found" + (f" (tried {', '.join(tried)})" if tried else "")
        + f": install fonts-noto-cjk, or set {FONT_ENV} to a Japanese .ttf/.otf/.ttc file"
    )
