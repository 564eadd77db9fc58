"""The real application against a real sandbox, with a video file as the camera."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode

from terminal.config.loader import load_settings
from terminal.config.model import Language
from terminal.register import enrollment as enrollment_file
from terminal.register.register import Register
from terminal.register.setup import enrollment_path, open_keys, open_register
from terminal.ui.app import build_window
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from tests.sandbox_fixtures import RunningSandbox


def qr_video(path: Path, text: str, *, frames: int = 20, fps: float = 10.0) -> Path:
    """A short MJPEG video of ``text`` as a QR code held in front of the camera."""
    code = qrcode.QRCode(border=4, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    modules = np.where(np.array(code.get_matrix(), dtype=bool), 0, 255).astype(np.uint8)
    qr = cv2.resize(modules, (300, 300), interpolation=cv2.INTER_NEAREST)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (640, 480))
    for _ in range(frames):
        frame = np.full((480, 640, 3), 150, np.uint8)
        frame[90:390, 170:470] = qr[:, :, None]
        writer.write(frame)
    writer.release()
    return path


@dataclass
class App:
    window: CashierWindow
    register: Register
    sandbox: RunningSandbox


@pytest.fixture
def open_app(qtbot, qapp, tmp_path: Path, sandbox_server: RunningSandbox) -> Iterator:  # type: ignore[no-untyped-def]
    """Enroll a register with the sandbox and open its window on a video of ``customer``'s code."""
    opened: list[App] = []

    def make(customer: str = "alice") -> App:
        video = qr_video(tmp_path / "code.avi", sandbox_server.payment_code(customer))
        env = {"PAYTERM_HOME": str(tmp_path / "home"), "PAYTERM_SCANNER__CAMERA": str(video),
               "PAYTERM_KEYS__DEVELOPMENT_MODE": "true",
               "PAYTERM_REGISTER__LANGUAGE": "en"}
        loaded = load_settings(env)
        store = open_keys(loaded.settings, create_kek=True)
        enrollment, _ = enrollment_file.enroll(sandbox_server.url, sandbox_server.enrollment_code(), store,
                                               expected_wallet_key=sandbox_server.wallet_key_fingerprint)
        enrollment_file.save(enrollment, enrollment_path(loaded))
        register = open_register(loaded)
        window = build_window(register, loaded.settings, Languages(qapp, Language.EN), muted=True)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(lambda: window.ready, timeout=10_000)
        app = App(window, register, sandbox_server)
        opened.append(app)
        return app

    yield make
    for app in opened:
        app.window.quit_by_manager()
        app.register.close()
