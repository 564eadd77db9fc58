"""Screenshots of manager mode and the first-run wizard for docs/manager.md, on a real register
and sandbox wallet. Run under a real X server so fonts render as on a register:

    Xvfb :99 -screen 0 1280x800x24 &
    DISPLAY=:99 .venv/bin/python -m tests.gui.make_manager_screenshots
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from sandbox.server import SandboxServer
from sandbox.settings import Knobs
from sandbox.state import open_sandbox
from terminal.config.loader import load_settings
from terminal.config.model import Language
from terminal.domain.money import Money
from terminal.journal.records import HistoryQuery
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.app import application
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.manager import ManagerDialog, ManagerPinDialog
from terminal.ui.manager.day_close_view import close_report_lines
from terminal.ui.manager.zreport import draw_rows
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from terminal.ui.wizard import EnrollmentWizard
from tests.gui.fakes import FakeRegister
from tests.gui.manager_support import PIN, ManagerRig, make_rig
from tests.register_fixtures import pay, reset_code
from tests.sandbox_fixtures import RunningSandbox

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def settle(app: QApplication, ms: int = 300) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def until(app: QApplication, condition, timeout: float = 15) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not get there")
        app.processEvents()
        time.sleep(0.01)
    settle(app)


def save(app: QApplication, widget: QWidget, name: str) -> None:
    settle(app)
    widget.grab().save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def sign_in(app: QApplication, window: CashierWindow) -> ManagerDialog:
    window.open_manager()
    pin = window.dialog
    assert isinstance(pin, ManagerPinDialog)
    pin.field.setText(PIN)
    pin.submit()
    until(app, lambda: isinstance(window.dialog, ManagerDialog))
    manager = window.dialog
    assert isinstance(manager, ManagerDialog)
    return manager


def shots(app: QApplication, rig: ManagerRig, languages: Languages, suffix: str) -> None:
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings()))
    window = CashierWindow(FakeRegister(), hub, languages, currency="JPY", sounds=SoundPlayer(muted=True),
                           manager=rig.services)
    window.resize(1280, 800)
    window.show()
    window.open_manager()
    pin = window.dialog
    assert isinstance(pin, ManagerPinDialog)
    pin.field.setText("1357")  # a wrong one: the wallet says how many tries are left
    pin.submit()
    until(app, lambda: pin.field.isEnabled())
    save(app, pin, f"manager-pin-{suffix}")
    pin.reject()

    manager = sign_in(app, window)
    history = manager.history
    history.search()
    until(app, lambda: bool(history.sales))
    save(app, manager, f"manager-history-{suffix}")

    refunded = next(s for s in history.sales if s.amount == 3000)
    manager.open_sale(refunded)
    detail = manager.detail
    assert detail is not None
    until(app, lambda: detail.view is not None)
    detail.refund_amount.setText("1000")
    save(app, detail, f"manager-sale-{suffix}")
    detail.close()

    manager.tabs.setCurrentWidget(manager.end_of_day)
    manager.end_of_day.run()
    until(app, lambda: manager.end_of_day.result is not None)
    save(app, manager, f"manager-end-of-day-{suffix}")

    # The Z close: closed in the English run; the Japanese run shows it and a second close refused.
    z = manager.end_of_day.z
    z.close_day()  # the first press asks to press again
    save(app, manager, f"manager-day-close-confirm-{suffix}")
    z.close_day()
    until(app, lambda: z.close_button.isEnabled() and z.list.count() > 0)
    manager.end_of_day.verdict.setFocus()
    save(app, manager, f"manager-day-close-{suffix}")
    close = z.selected()
    assert close is not None
    image = QImage(1240, 1754, QImage.Format.Format_RGB32)  # the Z slip as printed (A4 at 150 dpi)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(60, 60)
    draw_rows(painter, 1240 - 120, 1754 - 120, close_report_lines(
        close, rig.services.store_name, rig.services.register_name, rig.services.now(), reprint=True), lambda: None)
    painter.end()
    image.copy(0, 0, 1240, 560).save(str(OUT / f"manager-z-report-{suffix}.png"))
    print(OUT / f"manager-z-report-{suffix}.png")

    if manager.settings is not None:
        manager.tabs.setCurrentWidget(manager.settings)
        manager.settings.fields["scanner.fps"].setText("0")  # type: ignore[union-attr]
        manager.settings.save()
        until(app, lambda: manager.settings is not None and manager.settings.save_button.isEnabled())
        save(app, manager, f"manager-settings-{suffix}")
        manager.settings.show_values(rig.services.config.loaded)  # type: ignore[union-attr]

    manager.tabs.setCurrentWidget(manager.audit)
    manager.audit.verify()
    until(app, lambda: manager.audit.verify_button.isEnabled() and manager.audit.table.rowCount() > 0)
    save(app, manager, f"manager-audit-{suffix}")

    manager.tabs.setCurrentWidget(manager.register)
    save(app, manager, f"manager-register-{suffix}")
    manager.close()

    # The lock-out, after five wrong PINs.
    window.open_manager()
    locked = window.dialog
    assert isinstance(locked, ManagerPinDialog)
    for _ in range(5):
        locked.field.setText("1357")
        locked.submit()
        until(app, lambda: locked.field.isEnabled() or locked.locked)
    save(app, locked, f"manager-locked-{suffix}")
    locked.reject()
    # IT's reset code from the wallet lifts the lock-out
    rig.services.pin.reset(PIN, reset_code=reset_code(rig.sandbox, rig.register), actor="it:screenshots",
                           reason="after the lock-out picture")
    window.quit_by_manager()


def slips(rig: ManagerRig) -> None:
    """The refund slip and a reprinted receipt as printed (58 mm paper), in both languages."""
    from terminal.receipts import ReceiptCopy, SaleValues, receipt_png, render_receipt
    from terminal.register.setup import store_info

    journal = rig.register.journal
    refunded = next(s for s in journal.history(HistoryQuery()) if s.amount == 3000)
    [refund] = journal.reader.operations_for_sale(refunded.idempotency_key)
    store = store_info(rig.services.config.loaded.settings, rig.register.enrollment)  # type: ignore[union-attr]
    for language in (Language.JA, Language.EN):
        suffix = language.value
        slip = render_receipt(SaleValues.for_operation(refunded, refund), ReceiptCopy.CUSTOMER, store,
                              language=language)
        print(receipt_png(slip, OUT / f"slip-refund-{suffix}.png"))
        again = render_receipt(refunded, ReceiptCopy.CUSTOMER, store, language=language, reprint=True)
        print(receipt_png(again, OUT / f"receipt-reprint-{suffix}.png"))


def wizard_shots(app: QApplication, home: Path, sandbox: RunningSandbox, suffix: str) -> None:
    env = {"PAYTERM_HOME": str(home), "PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}
    wizard = EnrollmentWizard(load_settings(env), env)
    wizard.show()
    wizard.wallet.url.setText(sandbox.url)
    wizard.wallet.code.setText(sandbox.enrollment_code())
    wizard.wallet.fingerprint.setText(sandbox.wallet_key_fingerprint)  # as the wallet provider gave it to IT
    save(app, wizard, f"manager-wizard-wallet-{suffix}")
    wizard.next()
    wizard.keys.pkcs11.setChecked(True)
    wizard.keys.module.setText("/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so")
    wizard.keys.token_label.setText("payterm")
    save(app, wizard, f"manager-wizard-keys-{suffix}")
    wizard.keys.file.setChecked(True)
    wizard.next()
    wizard.pin.pin.setText("8642")
    wizard.pin.again.setText("8642")
    wizard.next()
    wizard.enroll.start()
    until(app, lambda: wizard.enroll.result is not None or wizard.enroll.enroll_button.isEnabled())
    save(app, wizard, f"manager-wizard-enrolled-{suffix}")
    wizard.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app = application()
    languages = Languages(app, Language.EN)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        server = SandboxServer(open_sandbox(base / "sandbox.sqlite3", Knobs()), "127.0.0.1", 0).start()
        sandbox = RunningSandbox(server, base / "sandbox.sqlite3")
        try:
            sandbox.set_risk(velocity_count=100)
            rig = make_rig(base / "register", sandbox, system_toml='[register]\nkiosk = true\n')
            for amount in (1200, 3000, 480, 2600):
                pay(rig.register, amount, sandbox.payment_code("alice"))
            pay(rig.register, 5000, sandbox.payment_code("bob"))
            sales = rig.register.journal.history(HistoryQuery())
            rig.services.operations().refund(next(s for s in sales if s.amount == 3000), Money(500, "JPY"),
                                             "damaged box", manager_pin=PIN)
            voided = next(s for s in sales if s.amount == 480)
            rig.register.client.cancel_charge(voided.charge_id or "")  # a mismatch for the end of day
            slips(rig)
            for language, suffix in ((Language.EN, "en"), (Language.JA, "ja")):
                languages.switch(language)
                shots(app, rig, languages, suffix)
                wizard_shots(app, base / f"new-register-{suffix}", sandbox, suffix)
            rig.register.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
