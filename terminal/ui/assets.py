"""Where the window's assets live: sounds, translations, the style sheet.

Assets sit at the project root (``assets/``) beside the package in a checkout or an editable
install; a PyInstaller build has them in its bundle directory; ``PAYTERM_ASSETS`` points elsewhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ASSETS_ENV = "PAYTERM_ASSETS"


def assets_dir() -> Path:
    configured = os.environ.get(ASSETS_ENV)
    if configured:
        return Path(configured)
    bundle = getattr(sys, "_MEIPASS", None)  # the PyInstaller build (packaging/) carries them inside
    if bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parents[2] / "assets"


def sound_path(name: str) -> Path:
    return assets_dir() / "sounds" / f"{name}.wav"


def translation_path(language: str) -> Path:
    return assets_dir() / "translations" / f"payterm_{language}.qm"


def style_sheet() -> str:
    path = assets_dir() / "styles" / "payterm.qss"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
