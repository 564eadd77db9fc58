"""`payterm demo` on a machine without a screen says so instead of crashing inside Qt."""

from __future__ import annotations

import os
import subprocess
import sys

from terminal.demo_cli import has_screen


def test_has_screen() -> None:
    assert not has_screen({}, "linux")
    assert has_screen({"DISPLAY": ":0"}, "linux") and has_screen({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert has_screen({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert has_screen({}, "win32") and has_screen({}, "darwin")


def test_headless_demo_explains_itself() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    done = subprocess.run([sys.executable, "-m", "terminal.cli", "demo"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "--no-window" in done.stderr
