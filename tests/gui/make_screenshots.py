"""Screenshots for docs/screenshots/ (linked from the README and docs/cashier.md): every cashier
panel and dialog, the customer display and the demo's phone, in Japanese and English, the
cashier window at 1280×800. Run under a real X server so fonts render as on a register:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m tests.gui.make_screenshots

Manager mode and the first-run wizard: tests/gui/make_manager_screenshots.py."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import qrcode
from PySide6.QtWidgets import QApplication

from terminal.config.model import Language
from terminal.domain.flow import Sale, SaleState, StepUpMethod
from terminal.scan.types import Frame, Point
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.app import application
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.manual_entry import ManualEntryDialog
from terminal.ui.phone_window import PhoneWindow
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from terminal.ui.wallet_watch import Reach, WalletHealth
from tests.gui.fakes import FakeRegister, sale_in
from tests.gui.scenes import SCENES, fill_recent
from tests.gui.test_phone_window import FakeBackend, pending

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CUSTOMER_PAGES = ("entry", "awaiting-code", "step-up-pin", "step-up-app", "approved", "declined")


def camera_frame() -> Frame:
    """A still "camera" picture: a phone-sized card with a QR code."""
    code = qrcode.QRCode(border=4, box_size=1)
    code.add_data("99001234567890124821")
    code.make(fit=True)
    qr = cv2.resize(np.where(np.array(code.get_matrix()), 0, 255).astype(np.uint8), (220, 220),
                    interpolation=cv2.INTER_NEAREST)
    image = np.full((540, 720, 3), (70, 80, 90), np.uint8)
    cv2.rectangle(image, (210, 60), (510, 500), (235, 235, 235), -1)
    image[150:370, 250:470] = qr[:, :, None]
    return Frame(image, 1, time.monotonic(), "still")


def settle(app: QApplication, ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def save(app: QApplication, widget, name: str) -> None:  # type: ignore[no-untyped-def]
    settle(app)
    widget.grab().save(str(OUT / f"{name}.png"))


def cashier(app: QApplication, languages: Languages, language: Language) -> None:
    suffix = language.value
    register = FakeRegister()
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings()))
    window = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True),
                           customer_display=True, timezone="Asia/Tokyo")
    window.resize(1280, 800)
    window.show()
    customer = window.customer
    assert customer is not None
    customer.resize(800, 600)
    customer.show()
    window._refresh_status()
    fill_recent(window, 4)
    window.topbar.show_wallet(WalletHealth(Reach.CONNECTED, 0.015))
    for name, scene in SCENES:
        window.camera.set_frames(lambda: None)
        window.camera.clear_picture()
        scene(register, window)
        if name == "awaiting-code":
            window.camera.set_frames(camera_frame)
            quad = (Point(250, 150), Point(470, 150), Point(470, 370), Point(250, 370))
            settle(app)
            window.camera.highlight(quad, accepted=False)
        save(app, window, f"{name}-{suffix}")
        if name in CUSTOMER_PAGES:
            save(app, customer, f"customer-{name}-{suffix}")
    # the wallet gone while the customer types the PIN: kept, and said so
    register.move_to(sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN, deadline=time.time() + 61))
    settle(app)  # the sale reaches the window through a queued signal
    window.customer = None  # this one shows the cashier's own pad
    window.flow.set_pads_elsewhere(False)
    window.topbar.show_wallet(WalletHealth(Reach.UNREACHABLE))
    window.flow.set_wallet_reachable(False)
    window.flow.current.type_text("2468")
    window.flow.current.enter()
    save(app, window, f"step-up-pin-wallet-away-{suffix}")
    # a code read while the wallet is away: kept in memory, and said so
    register.move_to(sale_in(SaleState.AWAITING_CODE))
    still = replace(camera_frame(), seq=2)  # a new frame number: the view draws it again
    window.camera.set_frames(lambda: still)
    settle(app)
    window.flow.awaiting.show_waiting(True)
    save(app, window, f"awaiting-code-wallet-away-{suffix}")
    window.camera.set_frames(lambda: None)
    window.camera.clear_picture()
    window.flow.set_wallet_reachable(True)
    window.topbar.show_wallet(WalletHealth(Reach.CONNECTED, 0.015))
    # F4 on the next sale's screen: the top bar names the sale reprinted
    register.move_to(Sale())
    settle(app)
    window.topbar.show_note(window.reprint_note())
    save(app, window, f"reprint-note-{suffix}")
    window.topbar.show_note("")
    window.customer = customer
    register.move_to(sale_in(SaleState.AWAITING_CODE))
    settle(app)
    dialog = ManualEntryDialog(window)
    dialog.show()
    save(app, dialog, f"manual-entry-{suffix}")
    dialog.close()
    register.move_to(Sale())
    window.quit_by_manager()
    settle(app)


def phone(app: QApplication, suffix: str) -> None:
    backend = FakeBackend()
    window = PhoneWindow(backend)
    window.show()
    end = time.monotonic() + 5
    while not window.digits.text() and time.monotonic() < end:
        settle(app, 50)
    save(app, window, f"phone-code-{suffix}")
    backend.step_ups = (pending(StepUpMethod.APP_CONFIRM),)
    while not window.approve.isVisible() and time.monotonic() < end + 5:
        settle(app, 50)
    save(app, window, f"phone-confirm-{suffix}")
    window.close()


def main() -> None:
    app = application()
    OUT.mkdir(parents=True, exist_ok=True)
    languages = Languages(app, Language.JA)
    for language in (Language.JA, Language.EN):
        languages.switch(language)
        cashier(app, languages, language)
        phone(app, language.value)
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
