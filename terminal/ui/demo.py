"""`payterm demo`: the whole product on one machine. A sandbox wallet (started by the launcher
and handed in as a ``DemoBackend``), a register enrolled with it in a fresh home directory, the
cashier window, and a "customer phone" window showing a demo customer's payment code and
step-up prompts. Without a camera, the register's camera films the phone window.

Nothing here is used outside the demo; the register, the window and the scan pipeline are the
real ones."""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QApplication

from terminal.config.loader import LoadedSettings, load_settings
from terminal.config.writer import ConfigWriter
from terminal.register import enrollment as enrollment_file
from terminal.register.register import Register
from terminal.register.setup import enrollment_path, open_keys, open_register
from terminal.scan.sources import CameraSettings, CameraSource, FrameSource
from terminal.ui.app import application, build_window
from terminal.ui.demo_backend import DemoBackend
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.manager import ManagerServices
from terminal.ui.phone_window import PhoneWindow
from terminal.ui.virtual_camera import VirtualCamera, WidgetFilm


DEMO_MANAGER_PIN = "2468"  # the demo register's manager PIN (manager mode, F10), printed at start-up


def demo_settings(home: Path, language: str | None) -> LoadedSettings:
    """Settings for a register living in ``home`` (config files there only, not the machine's)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAYTERM_")}
    env["PAYTERM_HOME"] = str(home)
    env["PAYTERM_KEYS__DEVELOPMENT_MODE"] = "true"  # the demo's KEK file beside its key (docs/keys.md)
    env["PAYTERM_REGISTER__NAME"] = "Register 1"  # as the sandbox names its first register
    env["PAYTERM_REGISTER__CUSTOMER_DISPLAY"] = "true"  # shown beside the phone
    if language:
        env["PAYTERM_REGISTER__LANGUAGE"] = language
    return load_settings(env)

def enroll_demo_register(loaded: LoadedSettings, backend: DemoBackend) -> str | None:
    """Enroll; the answer's one-time token for setting the first manager PIN is returned."""
    store = open_keys(loaded.settings, create_kek=True)
    # The demo's own sandbox, started a moment ago on this machine: nobody can be in between.
    enrollment, _ = enrollment_file.enroll(backend.wallet_url, backend.enrollment_code(), store,
                                           trust_on_first_use=True)
    enrollment_file.save(enrollment, enrollment_path(loaded))
    return enrollment.manager_setup_token


def print_guide(backend: DemoBackend) -> None:
    lines = [
        "PayTerm demo: sandbox wallet at " + backend.wallet_url + " (test money only).",
        "Cashier window: type an amount, press Enter; the register's camera films the phone window.",
        "Pick the phone's customer to choose the outcome:",
        *(f"  {c.display_name:<12} {c.note}" for c in backend.customers),
        f"Every demo PIN is {backend.demo_pin}. Manager mode (F10): manager PIN {DEMO_MANAGER_PIN}.",
        "Wallet pages for a real phone on this network:",
        *(f"  {backend.wallet_page_url(c.name)}" for c in backend.customers[:1]),
    ]
    print("\n".join(lines), flush=True)

@dataclass
class DemoSession:
    """The demo's windows on a freshly enrolled register; ``close`` tidies everything up."""

    window: CashierWindow
    phone: PhoneWindow
    register: Register
    home: tempfile.TemporaryDirectory[str]

    def show(self) -> None:
        self.window.resize(1180, 760)
        self.window.move(0, 0)
        self.window.show()
        self.phone.move(self.window.frameGeometry().right() + 8, 0)
        self.phone.show()
        if self.window.customer is not None:  # the customer's screen beside their phone
            self.window.customer.resize(640, 480)
            self.window.customer.move(self.phone.frameGeometry().right() + 8, 0)
            self.window.customer.show()

    def close(self) -> None:
        self.phone.close()
        self.window.quit_by_manager()
        self.register.close()
        self.home.cleanup()


def open_demo(backend: DemoBackend, *, camera: int | None = None, language: str | None = None,
              muted: bool = False) -> DemoSession:
    """Enroll a register in a fresh home with ``backend``'s sandbox and build both windows
    (the QApplication must exist)."""
    home = tempfile.TemporaryDirectory(prefix="payterm-register-")
    loaded = demo_settings(Path(home.name), language)
    setup_token = enroll_demo_register(loaded, backend)
    register = open_register(loaded)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("open_demo needs a QApplication")
    languages = Languages(app, loaded.settings.register.language)
    phone = PhoneWindow(backend)
    source: FrameSource = (VirtualCamera(WidgetFilm(phone, phone)) if camera is None
                           else CameraSource(CameraSettings(device=camera)))
    pin = register.manager_pin()
    if not pin.is_set():
        pin.set_first(DEMO_MANAGER_PIN, setup_token=setup_token, actor="demo")
    manager = ManagerServices.for_register(register, pin, ConfigWriter(loaded), loaded.paths.data_dir / "reports",
                                           session_timeout=loaded.settings.manager.session_timeout)
    window = build_window(register, loaded.settings, languages, camera=source, muted=muted, manager=manager)
    return DemoSession(window, phone, register, home)


def run_demo(args: argparse.Namespace, backend: DemoBackend) -> int:
    app = application()
    session = open_demo(backend, camera=args.camera, language=args.lang)
    session.window.finished.connect(app.quit)
    session.show()
    print_guide(backend)
    try:
        return int(app.exec())
    finally:
        session.close()
