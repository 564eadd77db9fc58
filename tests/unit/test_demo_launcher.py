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


def test_without_the_sandbox_demo_and_sandbox_say_where_they_are() -> None:
    """As in the production package (packaging/runtime.spec leaves sandbox/ out)."""
    code = ("import sys; sys.modules['sandbox'] = None\n"
            "from terminal.cli import main\n"
            "sys.exit(main(sys.argv[1:]))")
    for args in (["demo"], ["sandbox", "serve", "--port", "1"]):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert f"payterm {args[0]}: the demo and the sandbox wallet are not in the production package" in done.stderr
        assert "本番用パッケージに含まれていません" in done.stderr and "Traceback" not in done.stderr
    listed = subprocess.run([sys.executable, "-c", code, "--help"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "charge" in listed.stdout, listed.stderr
