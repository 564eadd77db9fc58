"""`payterm charge` (run once per sale by POS software) stays light: no numpy, OpenCV, decoders,
Qt, receipt drawing or sandbox server are imported for it (tests/integration/test_charge_imports.py
checks a whole real charge)."""

from __future__ import annotations

import subprocess
import sys


def test_charge_command_imports_no_heavy_modules() -> None:
    code = ("import sys, terminal.cli as c; c.build_parser(only='charge'); "
            "print(sorted(m for m in ('numpy', 'cv2', 'zxingcpp', 'PySide6', 'PIL', 'qrcode', 'escpos', 'fastapi', 'uvicorn', 'sandbox') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
