"""The installed build runs: `payterm --version`, then against a sandbox wallet (run from this
checkout: the package does not carry it) `payterm enroll` and `payterm doctor`, and the window opens offscreen."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from terminal import __version__
from tests.packaging.conftest import ROOT, Installed

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test also waits for the build
WAIT = 60.0  # seconds for a process of the build to come up (first start unpacks nothing, but is cold)
SOURCE_PAYTERM = [sys.executable, "-m", "terminal.cli"]  # this checkout's, with the sandbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def env(package: Installed, tmp_path: Path) -> dict[str, str]:
    """A register home under tmp_path whose IT layer is the packaged /etc/payterm/terminal.toml."""
    home = tmp_path / "home"
    (home / "etc").mkdir(parents=True)
    shutil.copy(package.root / "etc/payterm/terminal.toml", home / "etc" / "terminal.toml")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PAYTERM_", "PYTHON", "VIRTUAL_ENV"))}
    return {**keep, "PAYTERM_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
            "PAYTERM_SCANNER__CAMERA": "none", "HOME": str(tmp_path),
            # As a packaged register without systemd: the KEK is an operator's passphrase.
            "PAYTERM_KEY_PASSPHRASE": "correct horse battery staple, packaging test"}


def run(package: Installed, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(package.payterm), *args], env=env, capture_output=True, text=True, timeout=120,
                          cwd="/", check=False)


@pytest.fixture
def sandbox(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The sandbox wallet from this checkout: the package does not carry it."""
    port, db = free_port(), tmp_path / "sandbox.sqlite3"
    proc = subprocess.Popen([*SOURCE_PAYTERM, "sandbox", "serve", "--port", str(port), "--db", str(db)],
                            env={**env, "PAYTERM_HOME": str(tmp_path / "wallet-home")}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else "sandbox exited"
            try:
                httpx.get(url + "/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the installed sandbox did not come up"
                time.sleep(0.2)
        yield url, db
    finally:
        proc.terminate()
        proc.wait(20)


def test_version(package: Installed, env: dict[str, str]) -> None:
    done = run(package, env, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"payterm {__version__}"


def test_packaged_demo_says_it_is_not_in_the_package(package: Installed, env: dict[str, str]) -> None:
    for command in ("demo", "sandbox"):
        done = run(package, env, command)
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"payterm {command}: the demo and the sandbox wallet are not in the production package" in done.stderr
        assert "make demo" in done.stderr and "Traceback" not in done.stderr


def test_doctor_before_enrollment_names_the_fix(package: Installed, env: dict[str, str]) -> None:
    done = run(package, env, "doctor", "--json")
    assert done.returncode == 1, done.stderr
    checks = {c["check"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["config"]["status"] == "ok"  # the packaged /etc file is a valid config
    assert checks["enrollment"]["status"] == "fail" and "payterm enroll" in checks["enrollment"]["hint"]


def test_enroll_then_doctor_all_ok_then_window_opens(package: Installed, env: dict[str, str],
                                                     sandbox: tuple[str, Path]) -> None:
    url, db = sandbox
    code = subprocess.run([*SOURCE_PAYTERM, "sandbox", "enrollment-code", "--db", str(db)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert code.returncode == 0, code.stderr
    enrolled = run(package, env, "enroll", "--trust-on-first-use", "--wallet", url, "--code", code.stdout.strip())
    assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr

    done = run(package, env, "doctor", "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["ok"], done.stdout + done.stderr
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["wallet"] == "ok" and statuses["device_key"] == "ok" and statuses["journal"] == "ok"

    # The window (PySide6 from the bundle, offscreen; not kiosk: that needs the manager PIN).
    journal = Path(env["PAYTERM_HOME"]) / "data" / "journal.sqlite3"
    window_stays_up(package, {**env, "PAYTERM_REGISTER__KIOSK": "false"}, journal)
    # And on a real X server (Xvfb), through the bundle's xcb platform plugin and its libraries.
    with xvfb() as display:
        window_stays_up(package, {**env, "PAYTERM_REGISTER__KIOSK": "false", "QT_QPA_PLATFORM": "xcb",
                                  "DISPLAY": display}, journal)


@contextmanager
def xvfb() -> Iterator[str]:
    """An X server (Xvfb, from `make sysdeps-test`) on a free display number."""
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as fh:
            number = fh.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(20)


def window_stays_up(package: Installed, env: dict[str, str], journal: Path) -> None:
    journal.unlink(missing_ok=True)
    for side in ("-wal", "-shm"):
        journal.with_name(journal.name + side).unlink(missing_ok=True)
    window = subprocess.Popen([str(package.payterm), "gui"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/")
    try:
        deadline = time.monotonic() + WAIT
        while not journal.exists():  # the register is opened after the QApplication exists
            assert window.poll() is None, window.communicate()[1]
            assert time.monotonic() < deadline, "the window did not open the register"
            time.sleep(0.2)
        with pytest.raises(subprocess.TimeoutExpired):  # it keeps running: the window is up
            window.wait(5)
    finally:
        window.terminate()
        _, err = window.communicate(timeout=20)
    assert "Traceback" not in err, err


SOUND_CHECK = """
import os, sys
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import QSoundEffect
app = QGuiApplication(sys.argv[:1])
effect = QSoundEffect()
effect.setSource(QUrl.fromLocalFile(os.environ["SOUND"]))
states = []
effect.playingChanged.connect(lambda: states.append(effect.isPlaying()))
QTimer.singleShot(500, effect.play)
QTimer.singleShot(3000, app.quit)
app.exec()
print("SOUND", effect.status().name, states, flush=True)
"""


def test_sounds_play_without_qts_ffmpeg(package: Installed, tmp_path: Path) -> None:
    """The runtime leaves Qt Multimedia's FFmpeg out (docs/deploy.md, "Package sizes"): the
    window's sounds (QSoundEffect, as terminal/ui/sounds.py plays them) still reach PulseAudio,
    here a server of the test's own with a null sink. The module runs on the runtime through its
    import check (packaging/runtime_entry.py)."""
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(run_dir)}
    server = subprocess.Popen(["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--load=module-null-sink",
                               "--load=module-native-protocol-unix"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT
        while not (run_dir / "pulse" / "native").exists():
            assert server.poll() is None and time.monotonic() < deadline, "pulseaudio did not start"
            time.sleep(0.2)
        app = tmp_path / "app"
        app.mkdir()
        (app / "soundcheck.py").write_text(SOUND_CHECK, encoding="utf-8")
        (tmp_path / "modules.txt").write_text("soundcheck\n", encoding="utf-8")
        sound = package.root / "opt/payterm/assets/sounds/approved.wav"
        done = subprocess.run([str(package.runtime / "payterm-runtime")], capture_output=True, text=True, timeout=120,
                              env={**env, "QT_QPA_PLATFORM": "offscreen", "PAYTERM_APP_DIR": str(app),
                                   "PAYTERM_RUNTIME_CHECK": str(tmp_path / "modules.txt"), "SOUND": str(sound)},
                              check=False)
    finally:
        server.terminate()
        server.wait(20)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SOUND Ready [True, False]" in done.stdout, done.stdout + done.stderr  # played to its end


def test_the_packaged_opencv_runs_the_scan_passes_and_plays_mjpeg(package: Installed, env: dict[str, str],
                                                                  tmp_path: Path) -> None:
    """The runtime's OpenCV is PayTerm's own build (packaging/opencv.py: core, imgproc, imgcodecs,
    videoio; no FFmpeg): the frames that only the harder passes read (tests/unit/
    test_scan_escalation.py: a dim, banded screen; a Code 128 held too close to the lens, read by
    the Wiener deblur) are read by `payterm decode` on the runtime, from PNG and JPEG, and a
    Motion-JPEG AVI plays as the camera (`doctor`'s camera check)."""
    import cv2

    from tests.scan_helpers import Scene, code128_symbol, phone_frame, qr_symbol, write_video

    code = "991234567890123456"
    dim = phone_frame(qr_symbol(code), Scene(brightness=0.35, noise=8, banding=0.35, band_period=39, symbol_px=220,
                                             rotate_deg=37, seed=1001))
    blurred = phone_frame(code128_symbol(code), Scene(symbol_px=535, center=(0.47, 0.5), rotate_deg=-1,
                                                      defocus=4.6, noise=3, seed=5001))
    assert cv2.imwrite(str(tmp_path / "dim.png"), dim)
    assert cv2.imwrite(str(tmp_path / "blurred.jpg"), blurred, [cv2.IMWRITE_JPEG_QUALITY, 95])
    done = run(package, env, "decode", "--no-pyzbar", str(tmp_path / "dim.png"), str(tmp_path / "blurred.jpg"))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [[c["text"] for c in line["codes"]] for line in lines] == [[code], [code]], done.stdout

    video = write_video(tmp_path / "camera.avi", [dim] * 5, fps=10)
    checked = run(package, {**env, "PAYTERM_SCANNER__CAMERA": str(video)}, "doctor", "--json")
    camera = [c for c in json.loads(checked.stdout)["checks"] if c["check"] == "camera"]
    assert camera and camera[0]["status"] == "ok" and "picture 1280x720" in camera[0]["detail"], checked.stdout
