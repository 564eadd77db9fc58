"""No dead code (issue 9): vulture finds no unused name in terminal/ and sandbox/ beyond those
listed, each with its reason, in tests/deadcode/allow.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK_DECORATORS = "@router.*,@app.*,@field_validator,@model_validator,@property,@*.setter"
FRAMEWORK_NAMES = ("model_config,paintEvent,resizeEvent,eventFilter,showEvent,keyPressEvent,changeEvent,"
                   "closeEvent,isComplete,sizeHint,minimumSizeHint,hasHeightForWidth,mousePressEvent,"
                   "focusInEvent,hideEvent,timerEvent,event")


def vulture(*paths: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "vulture", *map(str, paths), "--min-confidence", "60",
         "--ignore-decorators", FRAMEWORK_DECORATORS, "--ignore-names", FRAMEWORK_NAMES],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    return done.stdout


def test_vulture_finds_no_unexplained_dead_code() -> None:
    found = vulture(ROOT / "terminal", ROOT / "sandbox", ROOT / "tests" / "deadcode" / "allow.py")
    assert found == "", "unused names: remove them, or list them with a reason in tests/deadcode/allow.py\n" + found


def test_the_check_can_fail(tmp_path: Path) -> None:
    dead = tmp_path / "dead.py"
    dead.write_text("def never_called_anywhere() -> int:\n    return 1\n")
    assert "never_called_anywhere" in vulture(dead)
