"""Every cashier panel and the customer display rendered in Japanese: no English left on screen
(the data shown — store, register, wallet and customer names, references — aside)."""

from __future__ import annotations

from terminal.config.model import Language
from terminal.domain.flow import Sale, SaleState, StepUpMethod
from terminal.scan.types import SourceState, SourceStatus
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.manual_entry import ManualEntryDialog
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from tests.gui.english_check import english_left, has_english
from tests.gui.fakes import STATUS, FakeRegister, sale_in
from tests.gui.scenes import SCENES, fill_recent
from tests.gui.test_panels import shown

DATA = (STATUS.store_name, STATUS.terminal_name, STATUS.merchant_name, "PayTerm Sandbox", "register-1-20260509-abc123")


def test_no_english_on_a_japanese_cashier_screen(qtbot, register: FakeRegister, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True),
                        customer_display=True)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show_kiosk_or_normal()
    languages.switch(Language.JA)
    win._refresh_status()
    fill_recent(win, 10)
    left: list[str] = []
    for name, scene in SCENES:
        scene(register, win)
        qtbot.wait(5)
        left += [f"{name}: {e}" for e in english_left(win, DATA)]
        assert win.customer is not None
        left += [f"{name} (customer display): {e}" for e in english_left(win.customer, DATA)]
    shown(qtbot, win, register, sale_in(SaleState.AWAITING_CODE))
    for status in SourceStatus:  # the camera view paints its words: checked as text
        win._camera_state(SourceState(status, "Camera off."))
        if has_english(win.camera.message):
            left.append(f"camera {status.value}: {win.camera.message!r}")
    dialog = ManualEntryDialog(win)
    dialog.show()
    left += [f"manual entry: {e}" for e in english_left(dialog, DATA)]
    dialog.close()
    for method in StepUpMethod:
        shown(qtbot, win, register, sale_in(SaleState.STEP_UP, method=method))
    shown(qtbot, win, register, Sale())
    win.quit_by_manager()
    assert not left, "\n".join(left)


def test_the_check_finds_english(qtbot, window: CashierWindow, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    languages.switch(Language.JA)
    label = QLabel("Virtual camera off.", window.flow.current)
    label.show()
    assert any("Virtual camera off." in e for e in english_left(window, DATA))
    assert not has_english("PayTerm · PIN を入力 (Enter)")


def test_no_english_in_the_japanese_setup_wizard(qtbot, languages: Languages, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from terminal.config.loader import load_settings
    from terminal.ui.wizard import EnrollmentWizard

    languages.switch(Language.JA)
    env = {"PAYTERM_HOME": str(tmp_path)}
    wizard = EnrollmentWizard(load_settings(env), env)
    qtbot.addWidget(wizard)
    wizard.show()
    left: list[str] = []
    for page in range(3):  # wallet, device key, manager PIN (the last page enrolls for real)
        qtbot.wait(5)
        # addresses, file names and setting names are written as they are, in any language
        technical = ("https://wallet.example", "URL", "SHA256", "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so",
                     "PAYTERM_PKCS11_PIN", "/etc/payterm/pkcs11-pin")
        left += [f"page {page}: {e}" for e in english_left(wizard, technical)]
        wizard.pin.pin.setText("8642")
        wizard.pin.again.setText("8642")
        wizard.wallet.url.setText("http://127.0.0.1:8787")
        wizard.wallet.code.setText("ABCD-EFGH")
        wizard.next()
    assert not left, "\n".join(left)
