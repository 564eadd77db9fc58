"""Manager mode rendered in Japanese on a real register and sandbox: no English left on any tab,
the sale detail or the PIN dialog (the data shown aside)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.config.model import Language
from terminal.domain.money import Money
from terminal.journal.records import HistoryQuery
from terminal.ui.i18n import Languages
from terminal.ui.manager import ManagerDialog, ManagerPinDialog
from tests.gui.english_check import english_left
from tests.gui.manager_support import PIN, ManagerRig, enter_pin, manager_window, rig, settle, sign_in  # noqa: F401
from tests.register_fixtures import pay


def test_no_english_in_japanese_manager_mode(qtbot, rig: ManagerRig, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    for amount in (1200, 3000, 480):
        pay(rig.register, amount, rig.sandbox.payment_code("alice"))
    sales = rig.register.journal.history(HistoryQuery())
    # a refund, a sale cancelled at the wallet behind the register's back (an end-of-day
    # difference) and a wrong manager PIN: their words show in the timeline, the audit log and
    # the end of day
    rig.services.operations().refund(next(s for s in sales if s.amount == 3000), Money(500, "JPY"), "箱の破損",
                                     manager_pin=PIN)
    rig.services.operations().refund(next(s for s in sales if s.amount == 3000), Money(100, "JPY"), "",
                                     manager_pin="1357")  # refused by the wallet: wrong PIN
    rig.register.client.cancel_charge(next(s for s in sales if s.amount == 480).charge_id or "")
    rig.services.pin.check("1111")
    data = {s.merchant_reference for s in sales} | {s.charge_id or "" for s in sales} | {
        s.approval_code or "" for s in sales} | {s.wallet or "" for s in sales} | {
        "Shibuya Store", "PayTerm Demo Mart", "register-1", str(rig.home),
        "test", "test register",  # what IT typed for the test register's PIN (who, why)
        "English", "Language"}  # the language switch names each language in itself, on purpose
    languages.switch(Language.JA)
    window = manager_window(qtbot, rig, languages)
    left: list[str] = []

    def check(where: str, widget: QWidget) -> None:
        settle(qtbot)
        left.extend(f"{where}: {e}" for e in english_left(widget, data))

    manager = sign_in(qtbot, window)
    assert isinstance(manager, ManagerDialog)
    manager.history.search()
    qtbot.waitUntil(lambda: bool(manager.history.sales), timeout=10_000)
    check("history", manager)
    manager.open_sale(next(s for s in manager.history.sales if s.amount == 3000))
    detail = manager.detail
    assert detail is not None
    qtbot.waitUntil(lambda: detail.view is not None, timeout=10_000)
    check("sale detail", detail)
    steps = [detail.timeline.item(i).text() for i in range(detail.timeline.count())]
    assert "金額: 3,000円" in steps[0] and "返金額" not in steps[0], steps  # words, not key=value
    detail.close()
    manager.tabs.setCurrentWidget(manager.end_of_day)
    manager.end_of_day.run()
    qtbot.waitUntil(lambda: manager.end_of_day.result is not None, timeout=10_000)
    check("end of day", manager)
    z = manager.end_of_day.z
    z.close_button.click()  # the first press asks to press again
    check("end of day, asked to confirm the close", manager)
    with qtbot.waitSignal(z.closed, timeout=15_000):
        z.close_button.click()
    qtbot.waitUntil(lambda: z.list.count() == 1, timeout=10_000)
    z.close_button.click()  # the same day again: the refusal in words
    with qtbot.waitSignal(z.closed, timeout=15_000):
        z.close_button.click()
    qtbot.waitUntil(lambda: z.list.count() == 1, timeout=10_000)
    assert z.status.text().startswith("✖ "), z.status.text()
    check("end of day, closed", manager)
    if manager.settings is not None:
        manager.tabs.setCurrentWidget(manager.settings)
        manager.settings.fields["scanner.fps"].setText("0")  # type: ignore[union-attr]
        manager.settings.save()
        qtbot.waitUntil(lambda: manager.settings is not None and manager.settings.save_button.isEnabled(),
                        timeout=10_000)
        check("settings", manager)
    manager.tabs.setCurrentWidget(manager.audit)
    manager.audit.verify()
    qtbot.waitUntil(lambda: manager.audit.verify_button.isEnabled() and manager.audit.table.rowCount() > 0,
                    timeout=10_000)
    check("audit", manager)
    manager.tabs.setCurrentWidget(manager.register)
    check("register", manager)
    manager.close()
    window.open_manager()
    pin = window.dialog
    assert isinstance(pin, ManagerPinDialog)
    enter_pin(qtbot, pin, "1111")
    check("manager PIN", pin)
    pin.reject()
    window.quit_by_manager()
    assert not left, "\n".join(left)
