"""Screenshots of every panel in Japanese and English, for docs/screenshots/ (linked from the
README and docs/cashier.md). Run under a real X server so fonts render as on a register:

    Xvfb :99 -screen 0 1280x800x24 &
    DISPLAY=:99 .venv/bin/python -m tests.gui.make_screenshots
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import qrcode
from PySide6.QtWidgets import QApplication

from terminal.config.model import Language
from terminal.domain.flow import Sale, SaleState, StepUpMethod
from terminal.domain.paymentcode import RejectReason, Rejection
from terminal.scan.types import Frame, Point
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.app import application
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from terminal.ui.texts import rejection_text
from tests.gui.fakes import FakeRegister, sale_in

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def camera_frame() -> Frame:
    """A still "camera" picture: a phone-sized card with a QR code, slightly tilted."""
    code = qrcode.QRCode(border=4, box_size=1)
    code.add_data("99001234567890124821")
    code.make(fit=True)
    qr = cv2.resize(np.where(np.array(code.get_matrix()), 0, 255).astype(np.uint8), (220, 220),
                    interpolation=cv2.INTER_NEAREST)
    image = np.full((540, 960, 3), (70, 80, 90), np.uint8)
    cv2.rectangle(image, (330, 60), (630, 500), (235, 235, 235), -1)
    image[150:370, 370:590] = qr[:, :, None]
    return Frame(image, 1, time.monotonic(), "still")


def settle(app: QApplication, ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def scenes(register: FakeRegister, window: CashierWindow) -> list[tuple[str, Callable[[], None]]]:
    soon = time.time() + 83

    def move(sale: Sale) -> Callable[[], None]:
        return lambda: shown(sale)

    def shown(sale: Sale) -> None:
        register.move_to(sale)
        QApplication.processEvents()  # the panel is on screen before anything is typed into it

    def typed_amount() -> None:
        shown(Sale())
        window.flow.current.type_text("1200")

    def awaiting_refused() -> None:
        shown(sale_in(SaleState.AWAITING_CODE))
        window.camera.set_frames(camera_frame)
        quad = (Point(370, 150), Point(590, 150), Point(590, 370), Point(370, 370))
        window.camera.highlight(quad, accepted=False)
        window.flow.awaiting.show_problem(rejection_text(Rejection.of(RejectReason.NOT_A_PAYMENT_CODE)))

    def pin_typed() -> None:
        shown(sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN, deadline=soon))
        window.flow.current.type_text("12")

    return [
        ("entry", typed_amount),
        ("awaiting-code", awaiting_refused),
        ("authorizing", move(sale_in(SaleState.AUTHORIZING))),
        ("step-up-app", move(sale_in(SaleState.STEP_UP, method=StepUpMethod.APP_CONFIRM, deadline=soon))),
        ("step-up-pin", pin_typed),
        ("step-up-otp", move(sale_in(SaleState.STEP_UP, method=StepUpMethod.OTP, deadline=soon))),
        ("in-doubt", move(sale_in(SaleState.IN_DOUBT, deadline=time.time() + 47))),
        ("reversing", move(sale_in(SaleState.REVERSING))),
        ("approved", move(sale_in(SaleState.APPROVED))),
        ("declined", move(sale_in(SaleState.DECLINED))),
        ("reversed", move(sale_in(SaleState.REVERSED))),
    ]


def main() -> None:
    app = application()
    OUT.mkdir(parents=True, exist_ok=True)
    languages = Languages(app, Language.JA)
    for language in (Language.JA, Language.EN):
        languages.switch(language)
        register = FakeRegister()
        hub = ScannerHub(None, KeyboardWedge(WedgeSettings()))
        window = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True))
        window.resize(1280, 800)
        window.show()
        for name, scene in scenes(register, window):
            window.camera.set_frames(lambda: None)
            window.camera.clear_picture()
            scene()
            settle(app)
            window.grab().save(str(OUT / f"{name}-{language.value}.png"))
        window.quit_by_manager()
        settle(app)
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
